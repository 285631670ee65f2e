"""Who may do what: pure predicates used by views and templates alike, and require()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort

if TYPE_CHECKING:
    from chamber.committees.models import Committee, JoinRequest
    from chamber.members.models import Member


def _signed_in(member) -> bool:
    return member is not None and getattr(member, "is_authenticated", False)


def is_staff(member: Member | None) -> bool:
    """Staff: the chamber's director and employees."""
    return _signed_in(member) and member.is_active and member.is_staff


def can_manage_members(member: Member | None) -> bool:
    """Invite, import, edit, deactivate members."""
    return is_staff(member)


def can_view_audit_log(member: Member | None) -> bool:
    """Read the audit log."""
    return is_staff(member)


def can_manage_committees(member: Member | None) -> bool:
    """Create, edit and archive committees and appoint chairs and leads."""
    return is_staff(member)


def committee_role(member: Member | None, committee: Committee):
    """The member's role in the committee, or None (uses the member's loaded memberships)."""
    if not _signed_in(member):
        return None
    for membership in member.memberships:
        if membership.committee_id == committee.id:
            return membership.role
    return None


def is_committee_member(member: Member | None, committee: Committee) -> bool:
    """Serves on the committee in any role."""
    return committee_role(member, committee) is not None


def can_lead_committee(member: Member | None, committee: Committee) -> bool:
    """The committee's admin pages: staff, or a chair or lead of *that* committee."""
    if is_staff(member):
        return True
    if not _signed_in(member) or not member.is_active or committee.is_archived:
        return False
    role = committee_role(member, committee)
    return role is not None and role.leads


def can_request_to_join(member: Member | None, committee: Committee) -> bool:
    """An active member who is not on an active committee yet."""
    return (
        _signed_in(member)
        and member.is_active
        and not committee.is_archived
        and not is_committee_member(member, committee)
    )


def can_leave_committee(member: Member | None, committee: Committee) -> bool:
    return is_committee_member(member, committee)


def can_decide_join_request(member: Member | None, join_request: JoinRequest) -> bool:
    return can_lead_committee(member, join_request.committee)


def can_view_member(viewer: Member | None, member: Member) -> bool:
    """Signed-in members see active members; staff also see deactivated ones."""
    return _signed_in(viewer) and (member.is_active or is_staff(viewer))


def can_edit_profile(viewer: Member | None, member: Member) -> bool:
    return _signed_in(viewer) and (viewer.id == member.id or is_staff(viewer))


def require(allowed: bool) -> None:
    """Stop the request with 403 unless the predicate allowed it."""
    if not allowed:
        abort(403)
