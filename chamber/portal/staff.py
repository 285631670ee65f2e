"""The staff dashboard's figures (issues 11, 13, 14): what staff act on, each a count with a
link to its list, read in a few aggregate statements whatever the chamber's size.

The chamber-wide counts (work waiting, members without a working tie, this month's
referrals) cost about 30 ms on the large demo chamber, most of it the probe of every member's
ties; they are kept in the reports' cache under the chamber's day and the data version
counter, which every change of a table they read moves in the same transaction (see
chamber.reports.models.DATA_VERSION_TABLES), so a kept count is never a stale one. The
invited count reads a column that counter does not watch (the password), so it is read
every time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from chamber.committees.models import Committee
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.members import queries as member_queries
from chamber.members.models import Member
from chamber.referrals.models import Referral, ReferralStatus
from chamber.relationships import queries as relationship_queries
from chamber.relationships.models import Tie
from chamber.reports import queries as report_queries
from chamber.reports.cache import cache


@dataclass
class StaffFigures:
    today: date
    month_start: date
    #: (committee name, slug, contributions waiting for its leads), most waiting first;
    #: work at chamber-wide events (staff decide) as ("Chamber events", None, n)
    approvals: list[tuple[str, str | None, int]]
    invited: int
    without_working_tie: int
    won_this_month: int
    won_this_month_cents: int
    given_this_month: int

    @property
    def approvals_waiting(self) -> int:
        return sum(n for _name, _slug, n in self.approvals)

    @property
    def committees_waiting(self) -> int:
        """Committees with work waiting (chamber events, staff's own queue, aside)."""
        return sum(1 for _name, slug, _n in self.approvals if slug)


def without_working_tie_count(floor: float):
    """How many active members (staff aside) have no working tie: the count of
    relationships.queries.members_without_working_tie, as NOT EXISTS probes of the
    (member, score) indexes: a few ms on the large seed, where NOT IN over the union of every
    working tie's ends takes seconds."""

    def works(column):
        return sa.select(Tie.member_a_id).where(column == Member.id, Tie.score_log2 >= floor)

    return (
        sa.select(sa.func.count())
        .select_from(Member)
        .where(
            Member.is_active.is_(True),
            Member.is_staff.is_(False),
            ~works(Tie.member_a_id).exists(),
            ~works(Tie.member_b_id).exists(),
        )
    )


def staff_figures() -> StaffFigures:
    today = chamber_today()
    key = f"staff-figures:{today}:{report_queries.data_version()}"
    chamber_wide = cache.get(key)
    if chamber_wide is None:
        chamber_wide = _chamber_wide(today)
        cache.set(key, chamber_wide)
    approvals, at_risk, won, won_cents, given = chamber_wide
    invited = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            member_queries.staff_member_query(status="invited").subquery()
        )
    )
    return StaffFigures(
        today=today,
        month_start=today.replace(day=1),
        approvals=approvals,
        invited=invited or 0,
        without_working_tie=at_risk,
        won_this_month=won,
        won_this_month_cents=won_cents,
        given_this_month=given,
    )


def _chamber_wide(today: date) -> tuple:
    """(approvals, members without a working tie, won this month, its value in cents, given
    this month): only tables the data version counter watches."""
    month_start = today.replace(day=1)
    approvals = db.session.execute(
        sa.select(
            sa.func.coalesce(Committee.name, "Chamber events"),
            Committee.slug,
            sa.func.count(Contribution.id),
        )
        .select_from(Contribution)
        .outerjoin(Committee, Contribution.committee_id == Committee.id)
        .where(
            Contribution.status == ContributionStatus.PENDING,
            sa.or_(Committee.is_archived.is_(False), Contribution.meeting_id.is_not(None)),
        )
        .group_by(Committee.id, Committee.name, Committee.slug)
        .order_by(sa.func.count(Contribution.id).desc(), Committee.name)
    ).all()
    at_risk = db.session.scalar(
        without_working_tie_count(relationship_queries.working_floor(today))
    )
    won = sa.and_(Referral.status == ReferralStatus.WON, Referral.closed_on >= month_start)
    referrals = db.session.execute(
        sa.select(
            sa.func.count().filter(won),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(won), 0),
            sa.func.count().filter(Referral.given_on >= month_start),
        ).where(sa.or_(Referral.closed_on >= month_start, Referral.given_on >= month_start))
    ).one()
    return (
        [tuple(row) for row in approvals],
        at_risk or 0,
        referrals[0],
        int(referrals[1]),
        referrals[2],
    )
