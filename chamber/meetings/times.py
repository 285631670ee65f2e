"""Converting between the chamber's local time (forms) and naive UTC (the database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chamber.db import utcnow
from chamber.templating import chamber_zone, to_local


def local_to_utc(value: datetime) -> datetime:
    """A naive local time typed into a form, as the naive UTC the database stores."""
    return value.replace(tzinfo=chamber_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime) -> datetime:
    """A stored time as a naive local time, to fill a form field."""
    return to_local(value).replace(tzinfo=None)


def chamber_today() -> date:
    """Today in the chamber's time zone (what "not in the future" means to members)."""
    return to_local(utcnow()).date()


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants that start `first` and end `last` in the chamber's time zone."""
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    return local_to_utc(start), local_to_utc(end)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
