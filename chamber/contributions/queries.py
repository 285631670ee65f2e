"""Reading contributions: a member's history and totals, the approval queue, hour reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from chamber.committees.models import Committee, CommitteeMembership
from chamber.committees.queries import counts_per_committee
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.db import grouped
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.members.models import Member
from chamber.projects.models import Project, ProjectStatus

ZERO = Decimal("0")


def history_page(
    member: Member,
    *,
    committee_id: int | None = None,
    status: ContributionStatus | None = None,
    mode: WorkMode | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 30,
) -> Pagination:
    """The member's contributions, newest first; committee and project joined in."""
    query = (
        sa.select(Contribution)
        .options(
            joinedload(Contribution.committee),
            joinedload(Contribution.project),
            joinedload(Contribution.meeting),
        )
        .where(Contribution.member_id == member.id)
    )
    if committee_id:
        query = query.where(Contribution.committee_id == committee_id)
    if status:
        query = query.where(Contribution.status == status)
    if mode:
        query = query.where(Contribution.mode == mode)
    if year:
        query = query.where(
            Contribution.contributed_on >= date(year, 1, 1),
            Contribution.contributed_on < date(year + 1, 1, 1),
        )
    query = query.order_by(Contribution.contributed_on.desc(), Contribution.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass
class HourTotals:
    """Hours by status and mode, this year and all time (rejected never counts)."""

    approved_year: Decimal = ZERO
    pending_year: Decimal = ZERO
    approved_all: Decimal = ZERO
    pending_all: Decimal = ZERO
    in_person_all: Decimal = ZERO
    online_all: Decimal = ZERO
    in_person_year: Decimal = ZERO
    online_year: Decimal = ZERO
    #: in-kind gifts: their value in cents, never part of the hours above
    gifts_approved_year: int = 0
    gifts_approved_all: int = 0
    gifts_pending_all: int = 0


@cache
def _member_totals_statement() -> sa.Select:
    """Built once per process (the member and the year's first day are parameters)."""
    is_this_year = Contribution.contributed_on >= sa.bindparam("year_start")
    this_year = sa.case((is_this_year, Contribution.hours), else_=0)
    value_this_year = sa.case((is_this_year, Contribution.value_cents), else_=0)
    return (
        sa.select(
            Contribution.status,
            Contribution.mode,
            sa.func.coalesce(sa.func.sum(this_year), 0),
            sa.func.coalesce(sa.func.sum(Contribution.hours), 0),
            sa.func.coalesce(sa.func.sum(value_this_year), 0),
            sa.func.coalesce(sa.func.sum(Contribution.value_cents), 0),
        )
        .where(
            Contribution.member_id == sa.bindparam("member_id"),
            Contribution.status.in_([ContributionStatus.APPROVED, ContributionStatus.PENDING]),
        )
        .group_by(Contribution.status, Contribution.mode)
    )


def member_totals(member: Member, today: date) -> HourTotals:
    """One grouped query: sums by status and mode, split at the start of this year. In-kind
    gifts (no hours, no mode) are summed apart, by value."""
    rows = db.session.execute(
        _member_totals_statement(),
        {"member_id": member.id, "year_start": date(today.year, 1, 1)},
    )
    totals = HourTotals()
    for status, mode, year_hours, all_hours, year_value, all_value in rows:
        if mode is None:  # in-kind gifts
            if status is ContributionStatus.APPROVED:
                totals.gifts_approved_year += int(year_value)
                totals.gifts_approved_all += int(all_value)
            else:
                totals.gifts_pending_all += int(all_value)
            continue
        year_hours, all_hours = Decimal(year_hours), Decimal(all_hours)
        if status is ContributionStatus.APPROVED:
            totals.approved_year += year_hours
            totals.approved_all += all_hours
            if mode is WorkMode.IN_PERSON:
                totals.in_person_all += all_hours
                totals.in_person_year += year_hours
            else:
                totals.online_all += all_hours
                totals.online_year += year_hours
        else:
            totals.pending_year += year_hours
            totals.pending_all += all_hours
    return totals


def approved_hours_by_mode(member: Member, since: date) -> dict[WorkMode, Decimal]:
    """The member's approved hours since a day, by mode."""
    return _approved_hours_by_mode(Contribution.member_id == member.id, since)


def _approved_hours_by_mode(whose, since: date) -> dict[WorkMode, Decimal]:
    """Approved hours since a day, by mode, of the contributions `whose` selects."""
    hours_by_mode = grouped(
        db.session,
        Contribution.mode,
        sa.func.sum(Contribution.hours),
        whose,
        Contribution.status == ContributionStatus.APPROVED,
        Contribution.contributed_on >= since,
        Contribution.hours.is_not(None),
    )
    return {mode: Decimal(hours or 0) for mode, hours in hours_by_mode.items()}


def contribution_years(member: Member) -> list[int]:
    first = db.session.scalar(
        sa.select(sa.func.min(Contribution.contributed_on)).where(
            Contribution.member_id == member.id
        )
    )
    if first is None:
        return []
    return list(range(chamber_today().year, first.year - 1, -1))


def loggable_choices(member: Member) -> tuple[list[Committee], list[Project]]:
    """Committees the member serves on, and their projects still taking work."""
    committees = list(
        db.session.scalars(
            sa.select(Committee)
            .join(CommitteeMembership, CommitteeMembership.committee_id == Committee.id)
            .where(CommitteeMembership.member_id == member.id, Committee.is_archived.is_(False))
            .order_by(Committee.name)
        )
    )
    projects = list(
        db.session.scalars(
            sa.select(Project)
            .options(joinedload(Project.committee))
            .where(
                Project.committee_id.in_([c.id for c in committees]),
                Project.status != ProjectStatus.CANCELLED,
            )
            .order_by(Project.name)
        )
    )
    return committees, projects


def approval_queue(committee: Committee, page: int = 1, per_page: int = 100) -> Pagination:
    """Pending contributions of the committee, oldest first, member and project joined in."""
    query = (
        sa.select(Contribution)
        .options(joinedload(Contribution.member), joinedload(Contribution.project))
        .where(
            Contribution.committee_id == committee.id,
            Contribution.status == ContributionStatus.PENDING,
        )
        .order_by(Contribution.created_at, Contribution.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def recent_decisions(committee: Committee, limit: int = 10) -> list[Contribution]:
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .options(joinedload(Contribution.member), joinedload(Contribution.reviewer))
            .where(
                Contribution.committee_id == committee.id,
                Contribution.status != ContributionStatus.PENDING,
                # "+ 0" keeps SQLite off the unique index of shift_signup_id (it takes every
                # NULL there for one row and sorts the whole table); it walks
                # ix_contributions_committee_reviewed newest first instead.
                (Contribution.shift_signup_id + 0).is_(None),
            )
            .order_by(Contribution.reviewed_at.desc())
            .limit(limit)
        )
    )


def pending_counts(committee_ids: list[int]) -> dict[int, int]:
    """Waiting contributions per committee, one grouped query."""
    return counts_per_committee(Contribution, ContributionStatus.PENDING, committee_ids)


def committee_hours(committee: Committee, since: date) -> dict[WorkMode, Decimal]:
    """Approved hours of the committee since a day, by mode."""
    return _approved_hours_by_mode(Contribution.committee_id == committee.id, since)


def hours_by_member(committee: Committee, first: date, last: date) -> list[sa.Row]:
    """Approved hours per member of the committee in a period, in person and online, in SQL;
    in-kind gifts apart (how many, their value): never added to the hours."""
    return hours_per_member(Contribution.committee_id == committee.id, first, last)


def hours_per_member(of: sa.ColumnElement[bool], first: date, last: date) -> list[sa.Row]:
    """Approved work matching `of` (one committee's, or the chamber events') per member in a
    period: contributions in hours, in person, online and total hours, in-kind gifts and
    their value; the most hours first. The columns of the hours CSVs."""
    in_person = sa.case((Contribution.mode == WorkMode.IN_PERSON, Contribution.hours), else_=0)
    online = sa.case((Contribution.mode == WorkMode.ONLINE, Contribution.hours), else_=0)
    total = sa.func.coalesce(sa.func.sum(Contribution.hours), 0)
    return list(
        db.session.execute(
            sa.select(
                Member.full_name,
                Member.business_name,
                sa.func.count(Contribution.hours).label("contributions"),
                sa.func.sum(in_person).label("in_person"),
                sa.func.sum(online).label("online"),
                total.label("total"),
                sa.func.count(Contribution.value_cents).label("gifts"),
                sa.func.coalesce(sa.func.sum(Contribution.value_cents), 0).label("gift_value"),
            )
            .join(Member, Member.id == Contribution.member_id)
            .where(
                of,
                Contribution.status == ContributionStatus.APPROVED,
                Contribution.contributed_on >= first,
                Contribution.contributed_on <= last,
            )
            .group_by(Member.id, Member.full_name, Member.business_name)
            .order_by(total.desc(), Member.full_name)
        )
    )
