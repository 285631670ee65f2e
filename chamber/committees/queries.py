"""Reading committees: the list with counts, rosters and join requests."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import contains_eager, joinedload

from chamber import authz
from chamber.authz import require
from chamber.committees.models import (
    Committee,
    CommitteeMembership,
    CommitteeRole,
    JoinRequest,
    JoinRequestStatus,
)
from chamber.db import grouped
from chamber.extensions import db
from chamber.members.models import Member

ROLE_ORDER = sa.case(
    (CommitteeMembership.role == CommitteeRole.CHAIR, 0),
    (CommitteeMembership.role == CommitteeRole.LEAD, 1),
    else_=2,
)


def committee_list(*, include_archived: bool = False) -> list[tuple[Committee, int]]:
    """Committees with their roster size, counted in SQL."""
    counts = (
        sa.select(CommitteeMembership.committee_id, sa.func.count().label("size"))
        .join(Member, Member.id == CommitteeMembership.member_id)
        .where(Member.is_active.is_(True))
        .group_by(CommitteeMembership.committee_id)
        .subquery()
    )
    query = (
        sa.select(Committee, sa.func.coalesce(counts.c.size, 0))
        .outerjoin(counts, counts.c.committee_id == Committee.id)
        .order_by(Committee.is_archived, Committee.name)
    )
    if not include_archived:
        query = query.where(Committee.is_archived.is_(False))
    return [(committee, size) for committee, size in db.session.execute(query)]


def committee_by_slug(slug: str) -> Committee | None:
    return db.session.scalar(sa.select(Committee).where(Committee.slug == slug))


def load_committee(slug: str) -> Committee:
    """The loader of every page under /committees/<slug>: the committee, or a 404 page."""
    return db.first_or_404(sa.select(Committee).where(Committee.slug == slug))


def load_led_committee(slug: str, member) -> Committee:
    """The loader of a lead's manage pages: the committee (or a 404 page), refused (403)
    unless `member` may lead it."""
    committee = load_committee(slug)
    require(authz.can_lead_committee(member, committee))
    return committee


def roster_size(committee: Committee) -> int:
    """How many active members serve on the committee."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(CommitteeMembership)
        .join(CommitteeMembership.member)
        .where(CommitteeMembership.committee_id == committee.id, Member.is_active.is_(True))
    )


def roster(committee: Committee) -> list[CommitteeMembership]:
    """Active members of the committee, chairs first, with the member joined in."""
    return list(
        db.session.scalars(
            sa.select(CommitteeMembership)
            .join(CommitteeMembership.member)
            .options(joinedload(CommitteeMembership.member))
            .where(CommitteeMembership.committee_id == committee.id, Member.is_active.is_(True))
            .order_by(ROLE_ORDER, Member.full_name)
        )
    )


def pending_join_requests(committee: Committee) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .options(joinedload(JoinRequest.member))
            .where(
                JoinRequest.committee_id == committee.id,
                JoinRequest.status == JoinRequestStatus.PENDING,
            )
            .order_by(JoinRequest.created_at)
        )
    )


def pending_request_of(member: Member, committee: Committee) -> JoinRequest | None:
    return db.session.scalar(
        sa.select(JoinRequest).where(
            JoinRequest.committee_id == committee.id,
            JoinRequest.member_id == member.id,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
    )


def led_committees(member: Member) -> list[Committee]:
    """Committees the member chairs or leads (every active one for staff)."""
    query = sa.select(Committee).where(Committee.is_archived.is_(False)).order_by(Committee.name)
    if not member.is_staff:
        query = query.join(CommitteeMembership).where(
            CommitteeMembership.member_id == member.id,
            CommitteeMembership.role.in_([CommitteeRole.LEAD, CommitteeRole.CHAIR]),
        )
    return list(db.session.scalars(query))


def pending_join_request_counts(committee_ids: list[int]) -> dict[int, int]:
    """Waiting join requests per committee, in one grouped query."""
    return counts_per_committee(JoinRequest, JoinRequestStatus.PENDING, committee_ids)


def counts_per_committee(model, status, committee_ids: list[int] | None = None) -> dict[int, int]:
    """How many rows of `model` (join requests, contributions: rows of a committee with a
    status) in `status` each committee has, among `committee_ids` or of every committee; one
    grouped statement."""
    criteria = [model.status == status]
    if committee_ids is not None:
        if not committee_ids:
            return {}
        criteria.append(model.committee_id.in_(committee_ids))
    return grouped(db.session, model.committee_id, sa.func.count(), *criteria)


# People and their committees (the member layer below cannot read committees) -------------


def member_memberships(member: Member) -> list[CommitteeMembership]:
    """The member's active committees with the committee joined in (one statement)."""
    return memberships_by_member([member.id]).get(member.id, [])


def memberships_by_member(member_ids) -> dict[int, list[CommitteeMembership]]:
    """Active committees of many people at once (committee joined in, one statement)."""
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    found: dict[int, list[CommitteeMembership]] = {}
    for membership in db.session.scalars(
        sa.select(CommitteeMembership)
        .join(CommitteeMembership.committee)
        .options(contains_eager(CommitteeMembership.committee))
        .where(CommitteeMembership.member_id.in_(member_ids), Committee.is_archived.is_(False))
        .order_by(Committee.name)
    ):
        found.setdefault(membership.member_id, []).append(membership)
    return found


def committee_member_ids(committee_id: int) -> sa.Select:
    """Ids of the people serving on a committee (a subquery for the member directory)."""
    return sa.select(CommitteeMembership.member_id).where(
        CommitteeMembership.committee_id == committee_id
    )


def committee_choices() -> list[tuple[int, str]]:
    """(id, name) of active committees, for filters (plain columns, one statement)."""
    rows = db.session.execute(
        sa.select(Committee.id, Committee.name)
        .where(Committee.is_archived.is_(False))
        .order_by(Committee.name)
    )
    return [(row.id, row.name) for row in rows]


def load_join_request(committee: Committee, request_id: int) -> JoinRequest:
    """A join request to this committee, or a 404 page."""
    join_request = db.get_or_404(JoinRequest, request_id)
    if join_request.committee_id != committee.id:
        abort(404)
    return join_request
