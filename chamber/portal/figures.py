"""The member dashboard's figures in one SQL statement (issue 14).

The dashboard shows this quarter's time by mode (approved hours, meetings attended, confirmed
one-to-ones), the referral summary, and the in-person share of the member's ties. Each comes
from a feature's query (contributions.approved_hours_by_mode, meetings.attendance_by_mode,
one_to_ones.confirmed_by_mode, referrals.member_summary, relationships.balance); here they are
the same filters as scalar subqueries of one SELECT, so the page makes one round trip for all
of them instead of seven. tests/portal/test_dashboard.py checks that every figure equals the
feature's own query on the same data, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

import sqlalchemy as sa

from chamber.contributions.models import Contribution, ContributionStatus
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today, local_day_bounds, local_to_utc, quarter_start
from chamber.meetings.models import Attendance, AttendanceStatus, Meeting
from chamber.one_to_ones.models import OneToOne, OneToOneStatus
from chamber.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from chamber.referrals.queries import summary_figures
from chamber.relationships.models import Tie


@dataclass
class Figures:
    today: date
    quarter_start: date
    hours_in_person: Decimal
    hours_online: Decimal
    meetings_in_person: int
    meetings_online: int
    one_to_ones_in_person: int
    one_to_ones_online: int
    referrals: dict[str, int]
    ties_in_person: float
    ties_online: float


def _scalar(query, default=0):
    return sa.func.coalesce(query.scalar_subquery(), default)


@cache
def _figures_statement() -> sa.Select:
    """Built once per process: the statement's shape never changes, only its parameters (the
    member, the quarter's and the year's first day). Building a statement of this size costs
    more than SQLite takes to answer it. Each parameter takes the type of the column it is
    compared with, as a literal value would."""
    me = sa.bindparam("me")
    since = sa.bindparam("since")
    since_utc = sa.bindparam("since_utc")
    year_start = sa.bindparam("year_start")
    given_since = sa.bindparam("given_since")

    def hours(mode):
        return _scalar(
            sa.select(sa.func.sum(Contribution.hours)).where(
                Contribution.member_id == me,
                Contribution.status == ContributionStatus.APPROVED,
                Contribution.contributed_on >= since,
                Contribution.hours.is_not(None),
                Contribution.mode == mode,
            )
        )

    def meetings(status):
        return _scalar(
            sa.select(sa.func.count())
            .select_from(Attendance)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(
                Attendance.member_id == me,
                Attendance.status == status,
                Meeting.starts_at >= since_utc,
            )
        )

    def one_to_ones(mode):
        return _scalar(
            sa.select(sa.func.count()).where(
                sa.or_(OneToOne.logged_by_id == me, OneToOne.partner_id == me),
                OneToOne.status == OneToOneStatus.CONFIRMED,
                OneToOne.met_on >= since,
                OneToOne.mode == mode,
            )
        )

    won = sa.and_(Referral.status == ReferralStatus.WON, Referral.closed_on >= year_start)
    received = Referral.receiver_id == me
    given = Referral.giver_id == me
    referral_row = (
        sa.select(
            sa.func.count().filter(received, Referral.status.in_(OPEN_STATUSES)),
            sa.func.count().filter(received, won),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(received, won), 0),
            sa.func.count().filter(given, Referral.created_at >= given_since),
            sa.func.count().filter(given, won),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(given, won), 0),
        )
        .where(sa.or_(received, given))
        .subquery()
    )
    involving = sa.or_(Tie.member_a_id == me, Tie.member_b_id == me)
    ties = (
        sa.select(
            sa.func.coalesce(sa.func.sum(Tie.in_person_weight), 0.0).label("in_person"),
            sa.func.coalesce(sa.func.sum(Tie.online_weight), 0.0).label("online"),
        )
        .where(involving)
        .subquery()
    )
    return sa.select(
        hours(WorkMode.IN_PERSON),
        hours(WorkMode.ONLINE),
        meetings(AttendanceStatus.IN_PERSON),
        meetings(AttendanceStatus.ONLINE),
        one_to_ones(WorkMode.IN_PERSON),
        one_to_ones(WorkMode.ONLINE),
        *referral_row.c,
        ties.c.in_person,
        ties.c.online,
    ).select_from(referral_row.join(ties, sa.true()))


def dashboard_figures(member) -> Figures:
    today = chamber_today()
    since = quarter_start(today)
    year_start = today.replace(month=1, day=1)
    row = db.session.execute(
        _figures_statement(),
        {
            "me": member.id,
            "since": since,
            "since_utc": local_to_utc(datetime.combine(since, datetime.min.time())),
            "year_start": year_start,
            "given_since": local_day_bounds(year_start, None)[0],
        },
    ).one()
    return Figures(
        today=today,
        quarter_start=since,
        hours_in_person=Decimal(row[0] or 0),
        hours_online=Decimal(row[1] or 0),
        meetings_in_person=row[2],
        meetings_online=row[3],
        one_to_ones_in_person=row[4],
        one_to_ones_online=row[5],
        referrals=summary_figures(received=row[6:9], given=row[9:12]),
        ties_in_person=float(row[12]),
        ties_online=float(row[13]),
    )
