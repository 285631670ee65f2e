"""Reading referrals: inbox, given list, staff list, one referral, shared work, dashboard sums."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from chamber.committees.models import Committee, CommitteeMembership
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.db import like_pattern
from chamber.extensions import db
from chamber.members.models import Member
from chamber.paging import paginate
from chamber.projects.models import Project
from chamber.referrals.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
)


def _with_status(query: sa.Select, status: str | None) -> sa.Select:
    """'open' means any stage before an outcome; otherwise one status; None means all."""
    if status == "open":
        return query.where(Referral.status.in_(OPEN_STATUSES))
    if status in {s.value for s in ReferralStatus}:
        return query.where(Referral.status == ReferralStatus(status))
    return query


def _member_list_page(
    mine: sa.ColumnElement[bool], other, status: str | None, page: int, per_page: int
) -> Pagination:
    """A member's own list (`mine`: received or given), newest first, with the member on the
    other side (`other`) and the committee/project joined in."""
    query = (
        sa.select(Referral)
        .options(
            joinedload(other),
            joinedload(Referral.how_committee),
            joinedload(Referral.how_project),
        )
        .where(mine)
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    return db.paginate(_with_status(query, status), page=page, per_page=per_page, error_out=False)


def received_page(
    member: Member, *, status: str | None = None, page: int = 1, per_page: int = 25
) -> Pagination:
    """The receiver's inbox, newest first; the giver and the committee/project in one join."""
    mine = Referral.receiver_id == member.id
    return _member_list_page(mine, Referral.giver, status, page, per_page)


def given_page(
    member: Member, *, status: str | None = None, page: int = 1, per_page: int = 25
) -> Pagination:
    """What the member gave and how it turned out, with the receiver joined in."""
    mine = Referral.giver_id == member.id
    return _member_list_page(mine, Referral.receiver, status, page, per_page)


def staff_page(
    *,
    status: str | None = None,
    text: str | None = None,
    given_from: datetime | None = None,
    given_before: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Pagination:
    """Every referral for staff, filtered; giver and receiver joined in the same statement.
    The total is counted on the referrals alone (the filters need no join)."""
    filters = _staff_filters(
        status=status, text=text, given_from=given_from, given_before=given_before
    )
    return paginate(
        staff_query(status=status, text=text, given_from=given_from, given_before=given_before),
        sa.select(sa.func.count()).select_from(Referral).where(*filters),
        page=page,
        per_page=per_page,
    )


def staff_referrals(**filters) -> list[Referral]:
    """Every referral the staff list's filters show, for its CSV (one statement)."""
    return list(db.session.scalars(staff_query(**filters)).unique())


def stranded_page(page: int = 1, per_page: int = 50) -> Pagination:
    """Open referrals whose receiver is no longer a member (handed back to the giver when
    nobody at the business could take them over), the longest waiting first; giver and
    receiver joined in the same statement."""
    query, _, receiver = with_both_members()
    query = query.where(receiver.is_active.is_(False), Referral.status.in_(OPEN_STATUSES))
    query = query.order_by(Referral.given_on, Referral.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def with_both_members() -> tuple[sa.Select, type[Member], type[Member]]:
    """Referrals with their giver and receiver joined in the same statement (loaded into
    `giver`/`receiver`), and the two aliases to filter on."""
    giver, receiver = aliased(Member), aliased(Member)
    query = (
        sa.select(Referral)
        .join(giver, Referral.giver_id == giver.id)
        .join(receiver, Referral.receiver_id == receiver.id)
        .options(
            contains_eager(Referral.giver.of_type(giver)),
            contains_eager(Referral.receiver.of_type(receiver)),
        )
    )
    return query, giver, receiver


def _staff_filters(
    *,
    status: str | None = None,
    text: str | None = None,
    given_from: datetime | None = None,
    given_before: datetime | None = None,
) -> list[sa.ColumnElement[bool]]:
    """The staff list's filters on the referrals' own columns: the text matches the giver's
    or the receiver's name or business (people matched first, by id)."""
    filters = []
    if status == "open":
        filters.append(Referral.status.in_(OPEN_STATUSES))
    elif status in {s.value for s in ReferralStatus}:
        filters.append(Referral.status == ReferralStatus(status))
    if text:
        pattern = like_pattern(text)
        people = sa.select(Member.id).where(
            sa.or_(
                Member.full_name.ilike(pattern, escape="\\"),
                Member.business_name.ilike(pattern, escape="\\"),
            )
        )
        filters.append(sa.or_(Referral.giver_id.in_(people), Referral.receiver_id.in_(people)))
    if given_from is not None:
        filters.append(Referral.created_at >= given_from)
    if given_before is not None:
        filters.append(Referral.created_at < given_before)
    return filters


def staff_query(**filters) -> sa.Select:
    """The staff list's referrals, newest first, giver, receiver and committee joined in."""
    query, _, _ = with_both_members()
    return (
        query.options(joinedload(Referral.how_committee))
        .where(*_staff_filters(**filters))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )


def referral_detail(referral_id: int) -> Referral | None:
    """One referral with both members, the committee/project and the timeline's actors."""
    return db.session.scalar(
        sa.select(Referral)
        .options(
            joinedload(Referral.giver),
            joinedload(Referral.receiver),
            joinedload(Referral.how_committee),
            joinedload(Referral.how_project),
            selectinload(Referral.events).joinedload(ReferralEvent.actor),
        )
        .where(Referral.id == referral_id)
    )


def shared_committees(giver: Member, receiver: Member) -> list[Committee]:
    """Active committees whose roster has both members on it."""
    mine, theirs = aliased(CommitteeMembership), aliased(CommitteeMembership)
    return list(
        db.session.scalars(
            sa.select(Committee)
            .join(mine, sa.and_(mine.committee_id == Committee.id, mine.member_id == giver.id))
            .join(
                theirs,
                sa.and_(theirs.committee_id == Committee.id, theirs.member_id == receiver.id),
            )
            .where(Committee.is_archived.is_(False))
            .order_by(Committee.name)
        )
    )


def shared_projects(giver: Member, receiver: Member) -> list[Project]:
    """Projects on which both members have approved contributions (none before any exist)."""
    worked_on = sa.select(Contribution.project_id).where(
        Contribution.project_id.is_not(None),
        Contribution.status == ContributionStatus.APPROVED,
    )
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(
                Project.id.in_(worked_on.where(Contribution.member_id == giver.id)),
                Project.id.in_(worked_on.where(Contribution.member_id == receiver.id)),
            )
            .order_by(Project.name)
        )
    )


def own_committees(member: Member) -> list[Committee]:
    return list(
        db.session.scalars(
            sa.select(Committee)
            .join(CommitteeMembership, CommitteeMembership.committee_id == Committee.id)
            .where(CommitteeMembership.member_id == member.id, Committee.is_archived.is_(False))
            .order_by(Committee.name)
        )
    )


def member_summary(member: Member, year_start: date, given_since: datetime) -> dict[str, int]:
    """The dashboard's figures, aggregated in SQL: open received, won since `year_start`
    (closing dates) and referrals given since `given_since` (UTC), with their values."""
    won_this_year = sa.and_(Referral.status == ReferralStatus.WON, Referral.closed_on >= year_start)
    received = db.session.execute(
        sa.select(
            sa.func.count().filter(Referral.status.in_(OPEN_STATUSES)),
            sa.func.count().filter(won_this_year),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(won_this_year), 0),
        ).where(Referral.receiver_id == member.id)
    ).one()
    given = db.session.execute(
        sa.select(
            sa.func.count().filter(Referral.created_at >= given_since),
            sa.func.count().filter(won_this_year),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(won_this_year), 0),
        ).where(Referral.giver_id == member.id)
    ).one()
    return summary_figures(received, given)


def summary_figures(received, given) -> dict[str, int]:
    """The dashboard's referral figures by name, from the received counts (open, won, won
    value) and the given ones (given this year, won, won value); the dashboard's one
    statement (portal.figures) reads the same six."""
    return {
        "open_received": received[0],
        "won_received": received[1],
        "won_received_cents": int(received[2]),
        "given_this_year": given[0],
        "won_given": given[1],
        "won_given_cents": int(given[2]),
    }


def committee_summary(committee: Committee) -> dict[str, int]:
    """Counts and values only (never prospects) for referrals attributed to a committee."""
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(Referral.status.in_(CLOSED_STATUSES)),
            sa.func.count().filter(Referral.status == ReferralStatus.WON),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents), 0),
        ).where(Referral.how_committee_id == committee.id)
    ).one()
    return {"given": row[0], "closed": row[1], "won": row[2], "won_cents": int(row[3])}


def business_summary(business_id: int) -> dict[str, int]:
    """Referrals a business's people received and won, and the closed value: a referral is
    given to a person and its value also counts for that person's business (aggregated in
    SQL over the business's current people)."""
    people = sa.select(Member.id).where(Member.business_id == business_id)
    won = Referral.status == ReferralStatus.WON
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(won),
            sa.func.coalesce(sa.func.sum(Referral.closed_value_cents).filter(won), 0),
        ).where(Referral.receiver_id.in_(people))
    ).one()
    return {"received": row[0], "won": row[1], "won_cents": int(row[2])}
