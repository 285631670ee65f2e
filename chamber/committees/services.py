"""Changing committees: create/edit/archive, appointments, join requests, leaving."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from chamber import activity
from chamber.audit.services import changes, record_audit
from chamber.committees import queries
from chamber.committees.models import (
    Committee,
    CommitteeMembership,
    CommitteeRole,
    JoinRequest,
    JoinRequestStatus,
)
from chamber.db import utcnow
from chamber.exceptions import Conflict, NotAllowed, StaleEdit
from chamber.extensions import db
from chamber.members.models import Member
from chamber.notifications.services import notify, path_for
from chamber.once import update_once


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "committee"


def _check_unique(committee_id: int | None, name: str, slug: str) -> None:
    """Names compare without case in Python (casefold): SQLite's lower() leaves letters
    outside ASCII as they are, so "Événements" typed again would pass a SQL check and hit the
    unique constraint. A chamber has tens of committees."""
    others = sa.select(Committee).where(Committee.id != (committee_id or 0))
    taken = db.session.scalars(others.with_only_columns(Committee.name))
    if name.casefold() in {other.casefold() for other in taken}:
        raise Conflict("Another committee already has this name.", field="name")
    if db.session.scalar(others.where(Committee.slug == slug)):
        raise Conflict("Another committee already uses this web address.", field="slug")


def create_committee(actor: Member, data: dict) -> Committee:
    slug = data.get("slug") or slugify(data["name"])
    _check_unique(None, data["name"], slug)
    committee = Committee(
        name=data["name"],
        slug=slug,
        mission=data.get("mission", ""),
        description=data.get("description", ""),
    )
    db.session.add(committee)
    db.session.flush()
    record_audit(actor, "committee.created", committee, summary=committee.name)
    return committee


def update_committee(actor: Member, committee: Committee, data: dict, version_id) -> None:
    if str(committee.version_id) != str(version_id):
        raise StaleEdit()
    slug = data.get("slug") or slugify(data["name"])
    _check_unique(committee.id, data["name"], slug)
    before = {
        "name": committee.name,
        "slug": committee.slug,
        "mission": committee.mission,
        "description": committee.description,
    }
    committee.name, committee.slug = data["name"], slug
    committee.mission, committee.description = data.get("mission", ""), data.get("description", "")
    old, new = changes(
        before,
        {
            "name": committee.name,
            "slug": committee.slug,
            "mission": committee.mission,
            "description": committee.description,
        },
    )
    record_audit(
        actor, "committee.edited", committee, summary=committee.name, before=old, after=new
    )


def set_committee_archived(actor: Member, committee: Committee, archived: bool) -> None:
    """Archived committees keep their history but take no new members or work."""
    if committee.is_archived == archived:
        return
    committee.is_archived = archived
    record_audit(
        actor,
        "committee.archived" if archived else "committee.restored",
        committee,
        summary=committee.name,
    )


def get_membership(committee: Committee, member: Member) -> CommitteeMembership | None:
    return db.session.scalar(
        sa.select(CommitteeMembership).where(
            CommitteeMembership.committee_id == committee.id,
            CommitteeMembership.member_id == member.id,
        )
    )


def appoint(actor: Member, committee: Committee, member: Member, role: CommitteeRole) -> None:
    """Staff put a member on the committee in a role (co-chairs and several leads allowed)."""
    if committee.is_archived:
        raise Conflict("This committee is archived.")
    if not member.is_active:
        raise Conflict("This member is deactivated.", field="member")
    membership = get_membership(committee, member)
    before = membership.role.value if membership else None
    if membership is None:
        membership = CommitteeMembership(committee=committee, member=member, role=role)
        db.session.add(membership)
        change = "joined"
    else:
        membership.role = role
        change = "role"
    if before == role.value:
        return
    db.session.flush()
    _close_pending_requests(actor, committee, member)
    record_audit(
        actor,
        "committee.role_changed",
        membership,
        summary=f"{member.full_name} in {committee.name}",
        before={"role": before},
        after={"role": role.value},
    )
    notify(
        member,
        "role_changed",
        f"You are now {role.label.lower()} of {committee.name}.",
        path_for("committees.show", slug=committee.slug),
        subject=f"Your role in {committee.name}",
    )
    activity.membership_changed.send(actor, membership=membership, change=change)


def appoint_chosen(
    actor: Member, committee: Committee, member_id: int, role: CommitteeRole
) -> Member:
    """`appoint()` the member staff chose in the search; refused by the field when the id
    names no member (one merged or deleted since the search)."""
    member = db.session.get(Member, member_id)
    if member is None:
        raise Conflict("No such member: search again by name.", field="member")
    appoint(actor, committee, member, role)
    return member


def remove_from_committee(actor: Member, committee: Committee, member: Member) -> None:
    membership = _end_membership(
        actor, committee, member, not_on=f"{member.full_name} is not on this committee."
    )
    _record_left(
        actor,
        "committee.member_removed",
        committee,
        membership,
        f"{member.full_name} removed from {committee.name}",
    )


def leave_committee(member: Member, committee: Committee) -> None:
    membership = _end_membership(member, committee, member, not_on="You are not on this committee.")
    if membership.role.leads:
        _record_left(
            member,
            "committee.lead_left",
            committee,
            membership,
            f"{member.full_name} left {committee.name}",
        )


def _end_membership(
    actor: Member, committee: Committee, member: Member, *, not_on: str
) -> CommitteeMembership:
    """Take `member` off the committee (refused with `not_on` if they are not on it)."""
    membership = get_membership(committee, member)
    if membership is None:
        raise Conflict(not_on)
    activity.membership_changed.send(actor, membership=membership, change="left")
    db.session.delete(membership)
    return membership


def _record_left(
    actor: Member,
    action: str,
    committee: Committee,
    membership: CommitteeMembership,
    summary: str,
) -> None:
    """Audit a departure from the committee, with the role the member had."""
    record_audit(
        actor,
        action,
        committee,
        summary=summary,
        before={"role": membership.role.value},
        after={"role": None},
    )


def committee_leads(committee: Committee) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(CommitteeMembership, CommitteeMembership.member_id == Member.id)
            .where(
                CommitteeMembership.committee_id == committee.id,
                CommitteeMembership.role.in_([CommitteeRole.LEAD, CommitteeRole.CHAIR]),
                Member.is_active.is_(True),
            )
        )
    )


def request_to_join(member: Member, committee: Committee, message: str) -> JoinRequest:
    if committee.is_archived:
        raise Conflict("This committee is archived and takes no new members.")
    if get_membership(committee, member) is not None:
        raise Conflict("You are already on this committee.")
    if queries.pending_request_of(member, committee) is not None:
        raise Conflict("Your request to join is already waiting for a lead's answer.")
    join_request = JoinRequest(committee=committee, member=member, message=message or "")
    db.session.add(join_request)
    db.session.flush()
    for lead in committee_leads(committee):
        notify(
            lead,
            "join_request",
            f"{member.full_name} asks to join {committee.name}.",
            path_for("committees.manage_roster", slug=committee.slug),
            subject=f"Join request for {committee.name}",
        )
    return join_request


def decide_join_request(actor: Member, join_request: JoinRequest, approve: bool) -> None:
    """Approve or decline once: a concurrent second decision is refused, not applied twice."""
    if join_request.member_id == actor.id and not actor.is_staff:
        raise NotAllowed("Another lead decides on your own request.")
    update_once(
        join_request,
        JoinRequestStatus.PENDING,
        "This request was already decided.",
        status=JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED,
        decided_at=utcnow(),
        decided_by_id=actor.id,
    )
    committee, member = join_request.committee, join_request.member
    if approve and get_membership(committee, member) is None:
        membership = CommitteeMembership(committee=committee, member=member)
        db.session.add(membership)
        db.session.flush()
        activity.membership_changed.send(actor, membership=membership, change="joined")
    record_audit(
        actor,
        f"committee.join_{join_request.status.value}",
        join_request,
        summary=f"{member.full_name} → {committee.name}",
    )
    verdict = "approved" if approve else "declined"
    notify(
        member,
        "join_decided",
        f"Your request to join {committee.name} was {verdict}.",
        path_for("committees.show", slug=committee.slug),
        subject=f"{committee.name}: request {verdict}",
    )


def _close_pending_requests(actor: Member, committee: Committee, member: Member) -> None:
    db.session.execute(
        sa.update(JoinRequest)
        .where(
            JoinRequest.committee_id == committee.id,
            JoinRequest.member_id == member.id,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
        .values(status=JoinRequestStatus.APPROVED, decided_at=utcnow(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
