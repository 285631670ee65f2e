"""The reports' reads: every figure aggregated in SQL (GROUP BY, SUM, COUNT) over a Scope.

No query loads ORM objects row by row: each returns aggregated rows (or one row per member for
the member tables), so a report's statement count does not grow with the chamber. Names of
members come joined in. Prospect columns are never selected.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.expression import FunctionElement

from chamber.audit.models import AuditEntry
from chamber.committees.models import Committee, CommitteeMembership
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import local_day_bounds, local_to_utc
from chamber.meetings.models import PRESENT, Attendance, AttendanceStatus, Meeting
from chamber.members.models import Business, Member
from chamber.one_to_ones.models import OneToOne, OneToOneStatus
from chamber.projects.models import Project, ProjectStatus
from chamber.referrals.models import Referral, ReferralStatus
from chamber.reports.models import ReportDataVersion
from chamber.reports.origins import ReferralOrigin
from chamber.reports.scope import Scope, ScopeKind, month_bucket, months_before

WON = ReferralStatus.WON
APPROVED = ContributionStatus.APPROVED
#: Members of the cohorts below have been members this long by the range's last day.
COHORT_MONTHS = 6


class days_between(FunctionElement):
    """Whole days from the second date column to the first (later minus earlier)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


def won_value(status=Referral.status, value=Referral.closed_value_cents):
    """The closed value of the won referrals among a group's rows (0 when none)."""
    return sa.func.coalesce(sa.func.sum(sa.case((status == WON, value), else_=0)), 0)


def won_count(status=Referral.status):
    """How many of a group's referrals are won."""
    return sa.func.coalesce(sa.func.sum(sa.case((status == WON, 1), else_=0)), 0)


def people(*figures) -> sa.Select:
    """A table of members: id, name and business (their profile link and who they are),
    then the figures."""
    return sa.select(
        Member.id, Member.full_name, Member.business_name.label("business_name"), *figures
    )


def referrals_in(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """Referrals given in the range that involve the scope's members (as giver or receiver)."""
    return [
        scope.in_range(Referral.given_on),
        scope.involves(Referral.giver_id, Referral.receiver_id),
    ]


# Report 1: referral summary


def referrals_by_day(scope: Scope) -> list[sa.Row]:
    """Per day given and current status: (given_on, status, referrals, closed value in
    cents). The counts by status, by month and the funnel are sums of these rows; grouped in
    the order of the (given_on, status, ...) index, the pass needs no sort."""
    return list(
        db.session.execute(
            sa.select(
                Referral.given_on,
                Referral.status,
                sa.func.count().label("referrals"),
                sa.func.coalesce(sa.func.sum(Referral.closed_value_cents), 0).label("value"),
            )
            .where(*referrals_in(scope))
            .group_by(Referral.given_on, Referral.status)
        )
    )


def days_to_win_histogram(scope: Scope) -> list[tuple[int, int]]:
    """(days from given to won, referrals) for the won referrals: the median's input."""
    days = days_between(Referral.closed_on, Referral.given_on)
    rows = db.session.execute(
        sa.select(days, sa.func.count())
        .where(*referrals_in(scope), Referral.status == WON, Referral.closed_on.is_not(None))
        .group_by(days)
        .order_by(days)
    )
    return [(int(d), n) for d, n in rows]


def top_people_and_businesses(
    scope: Scope, side: str, limit: int = 10
) -> tuple[list[sa.Row], list[sa.Row]]:
    """The members who gave (side="giver") or received the most referrals (id, name,
    business, is_active, referrals, won, closed value), and the same ranking by business (the
    people of one business counted together; people without a business, such as staff,
    together under an empty name), from one pass over the referrals. Within a committee only
    its members are ranked; on a member's own report, the people on the other side of their
    referrals."""
    column = Referral.giver_id if side == "giver" else Referral.receiver_id
    conditions = referrals_in(scope)
    if scope.kind is ScopeKind.COMMITTEE:
        conditions.append(scope.covers(column))
    # Per member once (materialized: both rankings read it), then the few thousand members.
    per_member = (
        sa.select(
            column.label("member_id"),
            sa.func.count().label("referrals"),
            won_count().label("won"),
            won_value().label("closed_value"),
        )
        .where(*conditions)
        .group_by(column)
        .cte("per_member")
        .prefix_with("MATERIALIZED")
    )
    top = (
        sa.select(per_member)
        .order_by(
            per_member.c.referrals.desc(), per_member.c.closed_value.desc(), per_member.c.member_id
        )
        .limit(limit)
        .subquery("top")
    )
    people_part = people(
        Member.is_active,
        top.c.referrals,
        sa.cast(top.c.won, sa.Integer).label("won"),
        sa.cast(top.c.closed_value, sa.BigInteger).label("closed_value"),
    ).join(top, top.c.member_id == Member.id)
    counted = sa.cast(sa.func.sum(per_member.c.referrals), sa.Integer)
    value = sa.cast(sa.func.sum(per_member.c.closed_value), sa.BigInteger)
    name = sa.func.coalesce(Business.name, "")
    businesses = (
        sa.select(
            name.label("business_name"),
            counted.label("referrals"),
            sa.cast(sa.func.sum(per_member.c.won), sa.Integer).label("won"),
            value.label("closed_value"),
        )
        .select_from(per_member)
        .join(Member, Member.id == per_member.c.member_id)
        .outerjoin(Business, Business.id == Member.business_id)
        .group_by(Member.business_id, Business.name)
        .order_by(counted.desc(), value.desc(), name)
        .limit(limit)
        .subquery("businesses")
    )
    business_part = sa.select(
        sa.null().label("id"),
        sa.null().label("full_name"),
        businesses.c.business_name,
        sa.null().label("is_active"),
        businesses.c.referrals,
        businesses.c.won,
        businesses.c.closed_value,
    )
    rows = list(db.session.execute(sa.union_all(people_part, business_part)))
    ranked = [row for row in rows if row.id is not None]
    ranked.sort(key=lambda row: (-row.referrals, -int(row.closed_value), row.id))
    by_business = [row for row in rows if row.id is None]
    by_business.sort(key=lambda row: (-row.referrals, -int(row.closed_value), row.business_name))
    return ranked, by_business


# Report 2: referrals attributed to committees


def with_origins(scope: Scope, *columns) -> sa.Select:
    """A SELECT of `columns` over the scope's referrals joined with their kept origins
    (chamber.reports.origins: the attributed committee and the tie on the day, one row per
    referral by its primary key)."""
    return (
        sa.select(*columns)
        .select_from(Referral)
        .join(ReferralOrigin, ReferralOrigin.referral_id == Referral.id)
        .where(*referrals_in(scope))
    )


def referrals_by_committee(scope: Scope) -> list[sa.Row]:
    """Per attributed committee (None: no tie found): committee id and name, referrals, named
    through how-we-know, through shared work, won, closed value.

    Through *how we know each other* first (the named project's committee, or the named
    committee); otherwise through shared work: a committee where giver and receiver both had
    approved contributions on or before the day of the referral, the one they have shared
    longest (ties: the lower committee id). Kept per referral by report_referral_origins."""
    how = ReferralOrigin.how
    per_committee = (
        with_origins(
            scope,
            ReferralOrigin.committee_id,
            sa.func.count().label("referrals"),
            sa.func.sum(sa.case((how == "named", 1), else_=0)).label("named"),
            sa.func.sum(sa.case((how == "shared work", 1), else_=0)).label("shared"),
            won_count().label("won"),
            won_value().label("closed_value"),
        )
        .group_by(ReferralOrigin.committee_id)
        .subquery("per_committee")
    )
    return list(
        db.session.execute(
            sa.select(per_committee, Committee.name).outerjoin(
                Committee, Committee.id == per_committee.c.committee_id
            )
        )
    )


# Reports 3 and 6: one row per member of a cohort


def _cohort_conditions(scope: Scope, *, months: int | None) -> list[sa.ColumnElement[bool]]:
    """Members the member tables show: active (a member who left has no row), not staff (the
    chamber's employees), of the scope, and members for `months` by the range's end."""
    conditions = [Member.is_active.is_(True), Member.is_staff.is_(False), scope.covers(Member.id)]
    if months:
        conditions.append(Member.joined_on <= months_before(scope.last, months))
    return conditions


def _hours_of_member(scope: Scope) -> sa.ScalarSelect:
    """A member's approved hours in the range, read from the (member, day, status, hours)
    index: one short range per member, no sort of the chamber's work."""
    return (
        sa.select(sa.func.sum(Contribution.hours))
        .where(
            Contribution.member_id == Member.id,
            scope.in_range(Contribution.contributed_on),
            Contribution.status == APPROVED,
        )
        .scalar_subquery()
    )


def _referrals_of_member(scope: Scope, column, figure) -> sa.ScalarSelect:
    """`figure` over the referrals a member gave (column: giver_id) or received in the range,
    from the (member, given_on, status, value) index."""
    return (
        sa.select(figure)
        .where(column == Member.id, scope.in_range(Referral.given_on))
        .scalar_subquery()
    )


def _member_rows(
    scope: Scope, leading: list, figures: dict[str, sa.ColumnElement], *, months: int | None
) -> sa.Select:
    """One row per member of the cohort: the `leading` member columns, then each named
    figure (0 for a member without any): a member's own look-up (a scalar subquery), or a
    column of a per-member subquery joined by member_id."""
    query = sa.select(
        *leading, *(sa.func.coalesce(column, 0).label(name) for name, column in figures.items())
    )
    joined = []
    for column in figures.values():
        if isinstance(column, sa.ScalarSelect):
            continue
        subquery = column.table
        if subquery not in joined:
            joined.append(subquery)
            query = query.outerjoin(subquery, subquery.c.member_id == Member.id)
    return query.where(*_cohort_conditions(scope, months=months))


def _referral_figures(scope: Scope) -> dict[str, sa.ColumnElement]:
    """Approved hours, referrals given and received, closed value received, per member: each
    a member's own index range (a few thousand short look-ups, the same for a committee of
    sixty as a share of the work; no sort of the chamber's referrals or work)."""
    return {
        "hours": _hours_of_member(scope),
        "given": _referrals_of_member(scope, Referral.giver_id, sa.func.count()),
        "received": _referrals_of_member(scope, Referral.receiver_id, sa.func.count()),
        "closed_value": _referrals_of_member(scope, Referral.receiver_id, won_value()),
    }


def givers_gain_rows(scope: Scope) -> list[sa.Row]:
    """Per member of the cohort (members for 6 months or more): id, name, approved hours in
    the range, referrals received and their won value, referrals given."""
    query = _member_rows(
        scope, [Member.id, Member.full_name], _referral_figures(scope), months=COHORT_MONTHS
    )
    return list(db.session.execute(query.order_by(Member.id)))


def engagement_rows(scope: Scope) -> list[sa.Row]:
    """Per active member of the scope: meetings attended, approved hours, confirmed
    one-to-ones, referrals given and received, closed value received, joined_on."""
    start, end = local_day_bounds(scope.first, scope.last)
    attended = (
        sa.select(Attendance.member_id, sa.func.count().label("meetings"))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.status.in_(PRESENT), Meeting.starts_at >= start, Meeting.starts_at < end)
        .group_by(Attendance.member_id)
        .subquery("attended")
    )
    confirmed = [OneToOne.status == OneToOneStatus.CONFIRMED, scope.in_range(OneToOne.met_on)]
    sides = sa.union_all(
        sa.select(OneToOne.logged_by_id.label("member_id")).where(*confirmed),
        sa.select(OneToOne.partner_id.label("member_id")).where(*confirmed),
    ).subquery("sides")
    one_to_ones = (
        sa.select(sides.c.member_id, sa.func.count().label("one_to_ones"))
        .group_by(sides.c.member_id)
        .subquery("one_to_ones")
    )
    query = _member_rows(
        scope,
        [Member.id, Member.full_name, Member.business_name, Member.joined_on],
        {
            "meetings": attended.c.meetings,
            "one_to_ones": one_to_ones.c.one_to_ones,
            **_referral_figures(scope),
        },
        months=None,
    )
    return list(db.session.execute(query.order_by(Member.full_name, Member.id)))


# Report 7: committee health


def health_committees(scope: Scope) -> list[sa.Row]:
    """The committees of the report (id, name) with their active members."""
    active = (
        sa.select(CommitteeMembership.committee_id, sa.func.count().label("active_members"))
        .join(Member, Member.id == CommitteeMembership.member_id)
        .where(Member.is_active.is_(True))
        .group_by(CommitteeMembership.committee_id)
        .subquery("active")
    )
    query = (
        sa.select(
            Committee.id,
            Committee.name,
            sa.func.coalesce(active.c.active_members, 0).label("active_members"),
        )
        .outerjoin(active, active.c.committee_id == Committee.id)
        .where(report_committees(scope))
        .order_by(Committee.name)
    )
    return list(db.session.execute(query))


def report_committees(scope: Scope) -> sa.ColumnElement[bool]:
    """The committees a per-committee table lists: the scope's committee, or every active one."""
    if scope.kind is ScopeKind.COMMITTEE:
        return Committee.id == scope.committee.id
    return Committee.is_archived.is_(False)


def _committee_filter(scope: Scope, column) -> list[sa.ColumnElement[bool]]:
    if scope.kind is ScopeKind.COMMITTEE:
        return [column == scope.committee.id]
    return [column.is_not(None)]


def attendance_by_committee_month(scope: Scope) -> list[sa.Row]:
    """(committee_id, month, present, expected) for committee meetings in the range; excused
    absences are not expected (as on the committee dashboard)."""
    start, end = local_day_bounds(scope.first, scope.last)
    month = month_bucket(
        Meeting.starts_at,
        scope.first,
        scope.last,
        bound=_local_midnight,
    ).label("month")
    return list(
        db.session.execute(
            sa.select(
                Meeting.committee_id,
                month,
                sa.func.sum(sa.case((Attendance.status.in_(PRESENT), 1), else_=0)).label("present"),
                sa.func.sum(
                    sa.case((Attendance.status != AttendanceStatus.EXCUSED, 1), else_=0)
                ).label("expected"),
            )
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(
                *_committee_filter(scope, Meeting.committee_id),
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
            .group_by(Meeting.committee_id, month)
        )
    )


def _approved_work(scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [
        *_committee_filter(scope, Contribution.committee_id),
        Contribution.status == APPROVED,
        scope.in_range(Contribution.contributed_on),
    ]


def hours_by_committee(scope: Scope) -> list[sa.Row]:
    """(committee_id, approved hours, of them in person) in the range, for each committee the
    report lists: each sum a range of the committee's (committee, status, day, mode, hours)
    index (a GROUP BY over the chamber's work would sort it: 2-3 times slower)."""

    def approved_hours(*conditions) -> sa.ScalarSelect:
        return (
            sa.select(sa.func.coalesce(sa.func.sum(Contribution.hours), 0))
            .where(
                Contribution.committee_id == Committee.id,
                Contribution.status == APPROVED,
                scope.in_range(Contribution.contributed_on),
                *conditions,
            )
            .scalar_subquery()
        )

    query = sa.select(
        Committee.id.label("committee_id"),
        approved_hours().label("hours"),
        approved_hours(Contribution.mode == WorkMode.IN_PERSON).label("in_person"),
    ).where(report_committees(scope))
    return list(db.session.execute(query))


def hours_by_day(scope: Scope) -> list[sa.Row]:
    """(day, approved hours) in the range, for the committees the report lists (the month by
    month trend sums them; grouped in the order of the (status, day, ...) index, no sort)."""
    listed = []
    if scope.kind is not ScopeKind.COMMITTEE:  # the scope's committee is listed archived or not
        # Not in an archived committee (a check of an empty list, usually), rather than in an
        # active one (a look-up per contribution).
        archived = sa.select(Committee.id).where(Committee.is_archived.is_(True))
        listed.append(Contribution.committee_id.not_in(archived))
    return list(
        db.session.execute(
            sa.select(Contribution.contributed_on, sa.func.sum(Contribution.hours).label("hours"))
            .where(*_approved_work(scope), *listed)
            .group_by(Contribution.contributed_on)
        )
    )


def projects_completed(scope: Scope) -> dict[int, int]:
    """Per committee: projects completed that ended in the range."""
    rows = db.session.execute(
        sa.select(Project.committee_id, sa.func.count())
        .where(
            *_committee_filter(scope, Project.committee_id),
            Project.status == ProjectStatus.COMPLETED,
            scope.in_range(Project.ends_on),
        )
        .group_by(Project.committee_id)
    )
    return dict(rows.all())


def _local_midnight(day: date) -> datetime:
    """The UTC instant at which local `day` begins."""
    return local_to_utc(datetime.combine(day, time.min))


# The pages around the reports


def active_committees() -> list[Committee]:
    """The committees staff may narrow a report to, by name."""
    return list(
        db.session.scalars(
            sa.select(Committee).where(Committee.is_archived.is_(False)).order_by(Committee.name)
        )
    )


def threshold_history(limit: int = 10) -> list[AuditEntry]:
    """The latest changes of the engagement thresholds, newest first, with who made them."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .options(joinedload(AuditEntry.actor))
            .where(AuditEntry.action == "reports.thresholds_changed")
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


def data_version() -> str:
    """Changes whenever any figure a report reads could have changed (the charts' cache key):
    the counter that triggers move in the same transaction as every such change."""
    version = db.session.scalar(
        sa.select(ReportDataVersion.version).where(ReportDataVersion.id == 1)
    )
    return str(version or 0)
