"""Whose numbers a report shows (the chamber, one committee's members, one member) and over
which chamber-local dates; every report query filters through a Scope."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from chamber.committees.models import Committee, CommitteeMembership
from chamber.members.models import Member


class ScopeKind(enum.StrEnum):
    CHAMBER = "chamber"
    COMMITTEE = "committee"
    MEMBER = "member"


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the 31st becomes the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def trailing_months(today: date, months: int) -> tuple[date, date]:
    """The default range: the `months` months up to and including today."""
    return months_before(today, months) + timedelta(days=1), today


@dataclass(frozen=True)
class Scope:
    """One report's audience and dates: `first` and `last` are inclusive local days."""

    kind: ScopeKind
    first: date
    last: date
    committee: Committee | None = None
    member: Member | None = None

    @property
    def key(self) -> str:
        """A stable text naming the scope and range (cache keys, file names)."""
        who = {
            ScopeKind.CHAMBER: "chamber",
            ScopeKind.COMMITTEE: f"committee{self.committee.id if self.committee else ''}",
            ScopeKind.MEMBER: f"member{self.member.id if self.member else ''}",
        }[self.kind]
        return f"{who}-{self.first:%Y%m%d}-{self.last:%Y%m%d}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def title(self) -> str:
        if self.kind is ScopeKind.COMMITTEE:
            return self.committee.name
        if self.kind is ScopeKind.MEMBER:
            return self.member.full_name
        return "Whole chamber"

    def url_args(self) -> dict[str, str]:
        """The query arguments that reproduce this scope and range (filters live in the URL)."""
        args = {"first": self.first.isoformat(), "last": self.last.isoformat()}
        if self.kind is ScopeKind.COMMITTEE:
            args["committee"] = str(self.committee.id)
        elif self.kind is ScopeKind.MEMBER:
            args["member"] = str(self.member.id)
        return args

    # SQL pieces

    def committee_member_ids(self) -> sa.Select:
        return sa.select(CommitteeMembership.member_id).where(
            CommitteeMembership.committee_id == self.committee.id
        )

    def covers(self, member_column) -> sa.ColumnElement[bool]:
        """`member_column` names a member of this scope's population."""
        if self.kind is ScopeKind.COMMITTEE:
            return member_column.in_(self.committee_member_ids())
        if self.kind is ScopeKind.MEMBER:
            return member_column == self.member.id
        return sa.true()

    def involves(self, giver_column, receiver_column) -> sa.ColumnElement[bool]:
        """A referral between these columns involves the population (as giver or receiver)."""
        if self.kind is ScopeKind.CHAMBER:
            return sa.true()
        return sa.or_(self.covers(giver_column), self.covers(receiver_column))

    def in_range(self, day_column) -> sa.ColumnElement[bool]:
        return day_column.between(self.first, self.last)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every calendar month that the range touches."""
    months = []
    current = date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def month_labels(months: list[date]) -> list[str]:
    """Short month names for a chart's axis ("Jan 26")."""
    return [f"{month:%b %y}" for month in months]


def month_bucket(column, first: date, last: date, bound=None) -> sa.ColumnElement:
    """The month (its first day's ISO text) of a row, as a CASE over the range's month
    boundaries: the same SQL on SQLite and PostgreSQL, no date functions needed.

    `bound` turns a month's first day into what `column` is compared with: the day itself for
    a date column, the UTC instant of local midnight for a UTC timestamp column."""
    starts = month_starts(first, last)
    bound = bound or (lambda day: day)
    whens = [
        (column < bound(nxt), start.isoformat())
        for start, nxt in zip(starts, starts[1:], strict=False)
    ]
    if not whens:
        return sa.literal(starts[-1].isoformat())
    return sa.case(*whens, else_=starts[-1].isoformat())
