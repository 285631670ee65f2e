"""The chamber's time zone: stored times are naive UTC, people type and read local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from chamber.db import utcnow
from chamber.exceptions import ChamberError


def chamber_zone() -> ZoneInfo:
    """The CHAMBER_TIMEZONE setting."""
    return ZoneInfo(current_app.config["CHAMBER_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) datetime in the chamber's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(chamber_zone())


def local_to_utc(value: datetime) -> datetime:
    """A naive local time typed into a form, as the naive UTC the database stores."""
    return value.replace(tzinfo=chamber_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime) -> datetime:
    """A stored time as a naive local time, to fill a form field."""
    return to_local(value).replace(tzinfo=None)


def chamber_today() -> date:
    """Today in the chamber's time zone (what "not in the future" means to members)."""
    return to_local(utcnow()).date()


def local_day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, ...]:
    """The naive UTC instants that start local day `first` and end local day `last`
    (an open end stays None), for [start, end) range filters."""
    start = local_to_utc(datetime.combine(first, datetime.min.time())) if first else None
    end = (
        local_to_utc(datetime.combine(last + timedelta(days=1), datetime.min.time()))
        if last
        else None
    )
    return start, end


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def check_work_day(member, day: date | None, field_name: str = "contributed_on") -> None:
    """Not in the future (chamber time) and not before the member joined the chamber."""
    if day is None:
        raise ChamberError("Enter the date.", field=field_name)
    if day > chamber_today():
        raise ChamberError("This date is in the future.", field=field_name)
    if day < member.joined_on:
        raise ChamberError(
            f"This date is before you joined the chamber ({member.joined_on:%d %b %Y}).",
            field=field_name,
        )
