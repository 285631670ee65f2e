"""Strategies for fuzzing forms (SECURITY row 14): arbitrary text in every field, mixed with
valid and edge values so that posts also get past validation into the services."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(max_size=300)

#: Numbers Python's Decimal and int() accept that plain digits never show.
NUMBER_EDGES = [
    "NaN",
    "sNaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999999",
    "-0",
    "0",
    "1E+1",
    "0.25",
    "1.5",
    "24",
    "24.00",
    "99999999999999999999",
    "-1",
    "1_000",
    "²",
    "١٢",
    " 7 ",
]
DATE_EDGES = ["0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "2024-13-01"]
DATETIME_EDGES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59:59",
    "2024-03-10T02:30",
    "2024-11-03T01:30",
    "2024-02-30T10:00",
]


def one_of_text(*valid) -> st.SearchStrategy[str]:
    """Arbitrary text, or one of the valid values."""
    return st.one_of(text, st.sampled_from([str(v) for v in valid])) if valid else text


def numbers(*valid) -> st.SearchStrategy[str]:
    return st.one_of(
        text,
        st.sampled_from(NUMBER_EDGES + [str(v) for v in valid]),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.integers().map(str),
    )


def dates(near) -> st.SearchStrategy[str]:
    """Text, edge dates, any date, or a date within a year of `near`."""
    return st.one_of(
        text,
        st.sampled_from(DATE_EDGES),
        st.dates().map(lambda d: d.isoformat()),
        st.integers(-366, 366).map(lambda days: (near + timedelta(days=days)).isoformat()),
    )


def datetimes() -> st.SearchStrategy[str]:
    return st.one_of(
        text,
        st.sampled_from(DATETIME_EDGES),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    )


def start_and_end(near: datetime) -> st.SearchStrategy[tuple[str, str]]:
    """A plausible (start, end) pair around `near` (end up to ~30 h later), or two fuzzed ones."""
    plausible = st.tuples(st.integers(-60 * 24 * 60, 60 * 24 * 60), st.integers(-60, 30 * 60)).map(
        lambda pair: (
            (near + timedelta(minutes=pair[0])).strftime("%Y-%m-%dT%H:%M"),
            (near + timedelta(minutes=pair[0] + pair[1])).strftime("%Y-%m-%dT%H:%M"),
        )
    )
    return st.one_of(plausible, st.tuples(datetimes(), datetimes()))


def form_tokens(*reused: str) -> st.SearchStrategy[str]:
    """A fresh token, one posted before (double submit), or text."""
    return st.one_of(
        st.builds(lambda: str(uuid.uuid4())), st.sampled_from(list(reused) or ["x"]), text
    )


def is_stored_text(value: str, max_length: int, *, required: bool = False) -> bool:
    """Within its length, not blank when required, no surrounding space, no NUL."""
    return (
        isinstance(value, str)
        and len(value) <= max_length
        and (bool(value) or not required)
        and value == value.strip()
        and "\x00" not in value
    )


def is_plain_line(value: str) -> bool:
    """No control characters (fields validated with plain_text)."""
    return not any(ord(ch) < 32 for ch in value)


def is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(value or "")
    except ValueError:
        return False
    return True


def fresh_token() -> st.SearchStrategy[str]:
    return st.builds(lambda: str(uuid.uuid4()))


def form_posts(valid: dict, fuzzed: dict) -> st.SearchStrategy[dict]:
    """A valid post with any subset of its fields (none, some or all) replaced by fuzz, so
    that examples reach the services as well as the validators. Values are strategies."""
    names = sorted(fuzzed)
    return st.tuples(
        st.fixed_dictionaries(valid),
        st.fixed_dictionaries(fuzzed),
        st.sets(st.sampled_from(names)),
    ).map(lambda parts: parts[0] | {name: parts[1][name] for name in parts[2]})
