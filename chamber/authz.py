"""Who may do what: pure predicates used by views and templates alike, and require()."""

from __future__ import annotations

from collections.abc import Callable
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


def _staff_only(allows: str) -> Callable[[Member | None], bool]:
    """A permission staff alone have; `allows` says what it lets them do (its docstring)."""

    def predicate(member: Member | None) -> bool:
        return is_staff(member)

    predicate.__doc__ = allows
    return predicate


can_manage_members = _staff_only("Invite, import, edit, deactivate members.")
can_view_audit_log = _staff_only("Read the audit log.")
can_manage_committees = _staff_only(
    "Create, edit and archive committees and appoint chairs and leads."
)


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


# Committee work


def can_manage_meeting(member: Member | None, meeting) -> bool:
    """Leads edit their committee's meetings and take attendance; staff run chamber events."""
    if meeting.committee is None:
        return is_staff(member)
    return can_lead_committee(member, meeting.committee)


def can_view_meeting(member: Member | None, meeting) -> bool:
    """Chamber events are for every member; committee meetings for its members and leads."""
    if not _signed_in(member) or not member.is_active:
        return False
    if meeting.committee is None:
        return True
    return is_committee_member(member, meeting.committee) or can_lead_committee(
        member, meeting.committee
    )


def can_view_project(member: Member | None, project) -> bool:
    """Every active member may see a committee's community projects (archived: staff only)."""
    if not _signed_in(member) or not member.is_active:
        return False
    return not project.committee.is_archived or is_staff(member)


def can_sign_up_for_shift(member: Member | None, shift) -> bool:
    """Active members volunteer on shifts of active projects of active committees."""
    project = shift.project
    return (
        _signed_in(member)
        and member.is_active
        and project.is_active
        and not project.committee.is_archived
    )


def can_log_contribution(member: Member | None, committee: Committee) -> bool:
    """Members log work for the committees they serve on."""
    return (
        _signed_in(member)
        and member.is_active
        and not committee.is_archived
        and is_committee_member(member, committee)
    )


def can_view_contribution(member: Member | None, contribution) -> bool:
    """The contributor, the committee's leads and staff (staff alone for a chamber event)."""
    if not _signed_in(member):
        return False
    return contribution.member_id == member.id or _decides_on(member, contribution)


def _decides_on(member: Member, contribution) -> bool:
    """Leads decide on their committee's work; staff, who run chamber events, on theirs."""
    if contribution.committee_id is None:
        return is_staff(member)
    return can_lead_committee(member, contribution.committee)


def can_edit_contribution(member: Member | None, contribution) -> bool:
    """The contributor, while it is still waiting for a decision."""
    return (
        _signed_in(member)
        and member.is_active
        and contribution.member_id == member.id
        and contribution.is_pending
        # work at a chamber event is withdrawn and logged again, not edited
        and contribution.committee_id is not None
    )


def can_withdraw_contribution(member: Member | None, contribution) -> bool:
    """The contributor (only while it waits for a decision: the service refuses it after,
    with its reason)."""
    return _signed_in(member) and contribution.member_id == member.id


def can_decide_contribution(member: Member | None, contribution) -> bool:
    """A lead of the committee or staff, and never on their own contribution."""
    return (
        _signed_in(member)
        and contribution.member_id != member.id
        and _decides_on(member, contribution)
    )


def can_view_one_to_one(member: Member | None, one_to_one) -> bool:
    """Both people who met, and staff."""
    return _signed_in(member) and (one_to_one.involves(member) or is_staff(member))


def can_respond_to_one_to_one(member: Member | None, one_to_one) -> bool:
    """Only the other person confirms or declines (once: the service refuses a second
    answer with its reason)."""
    return _signed_in(member) and member.is_active and one_to_one.partner_id == member.id


def can_withdraw_one_to_one(member: Member | None, one_to_one) -> bool:
    return (
        _signed_in(member)
        and one_to_one.logged_by_id == member.id
        and one_to_one.is_pending
    )


# Referrals


def _is_party(member, referral) -> bool:
    return member.id in (referral.giver_id, referral.receiver_id)


def can_view_referral(member: Member | None, referral) -> bool:
    """The giver, the receiver and staff; anyone else must not learn the referral exists."""
    return (
        _signed_in(member) and member.is_active and (_is_party(member, referral) or member.is_staff)
    )


def can_see_prospect_contact(member: Member | None, referral) -> bool:
    """Prospect name and contact details: giver, receiver and staff only (never leads)."""
    return can_view_referral(member, referral)


def can_give_referral(member: Member | None) -> bool:
    return _signed_in(member) and member.is_active


def can_work_referral(member: Member | None, referral) -> bool:
    """Only the receiver moves a referral along its pipeline (staff correct instead)."""
    return _signed_in(member) and member.is_active and member.id == referral.receiver_id


def can_thank_for_referral(member: Member | None, referral) -> bool:
    """The receiver thanks the giver, once."""
    return can_work_referral(member, referral) and referral.thanked_at is None


def can_correct_referral(member: Member | None, referral=None) -> bool:
    """Staff put a mistaken status or value right (audited)."""
    return is_staff(member)


can_decide_event_contributions = _staff_only(
    "Staff run chamber-wide events and approve the work members did at them."
)
can_view_all_referrals = _staff_only("Every referral in the chamber, not only one's own.")
can_reassign_referrals = _staff_only(
    "Staff pass an open referral whose receiver left to another member (audited)."
)


# Reports (issue 10): staff see the chamber, a lead their committee's members, everyone
# their own referral summary, ties and engagement (reports 1, 4 and 6).

MEMBER_REPORTS = frozenset({"summary", "ties", "engagement"})


def can_view_reports(member: Member | None) -> bool:
    """Every active member has reports of their own."""
    return _signed_in(member) and member.is_active


can_view_chamber_reports = _staff_only("The whole chamber's figures: staff only.")


def can_view_committee_reports(member: Member | None, committee: Committee) -> bool:
    """A committee's reports (its members' figures): its chairs and leads, and staff."""
    return can_view_reports(member) and can_lead_committee(member, committee)


def can_view_member_reports(viewer: Member | None, member: Member) -> bool:
    """One member's own reports: the member, staff, or a lead of a committee they serve on."""
    if not can_view_reports(viewer):
        return False
    if is_staff(viewer) or viewer.id == member.id:
        return True
    led = {
        membership.committee_id
        for membership in viewer.memberships
        if membership.role.leads and not membership.committee.is_archived
    }
    return any(membership.committee_id in led for membership in member.memberships)


def can_view_report(viewer: Member | None, report: str, scope) -> bool:
    """May `viewer` see `report` (its slug) for `scope` (chamber, a committee or a member)?"""
    kind = scope.kind.value
    if kind == "chamber":
        return can_view_chamber_reports(viewer)
    if kind == "committee":
        return can_view_committee_reports(viewer, scope.committee)
    return report in MEMBER_REPORTS and can_view_member_reports(viewer, scope.member)


can_change_report_settings = _staff_only("The engagement traffic light's thresholds (audited).")


# Businesses and their people (issue 8)


can_manage_businesses = _staff_only(
    "Create businesses, change their membership status and join date, merge duplicates,"
    " invite, move and deactivate their people: staff."
)


def can_view_business(viewer: Member | None, business) -> bool:
    """A member business's page in the member areas: every active member while the business
    is an active member; staff always."""
    return _signed_in(viewer) and (is_staff(viewer) or (viewer.is_active and business.is_active))


def can_edit_business(viewer: Member | None, business) -> bool:
    """A business's details: staff, or its primary contact."""
    if is_staff(viewer):
        return True
    return (
        _signed_in(viewer)
        and viewer.is_active
        and viewer.is_primary_contact
        and viewer.business_id == business.id
    )


# Relationships (issue 9)


def can_view_network(member: Member | None) -> bool:
    """My network, introductions, how I am connected: active members."""
    return _signed_in(member) and member.is_active


def can_view_committee_network(member: Member | None, committee: Committee) -> bool:
    """A committee's picture of ties: its members and staff."""
    return is_staff(member) or (
        can_view_network(member) and is_committee_member(member, committee)
    )


can_view_chamber_network = _staff_only(
    "The chamber's picture, connectors, members at risk and the GraphML export: staff."
)


def can_ask_for_introduction(viewer: Member | None, target: Member) -> bool:
    """An active member may ask to be introduced to another active member."""
    return can_view_network(viewer) and target.is_active and viewer.id != target.id


def can_decide_introduction(member: Member | None, introduction) -> bool:
    """Only the member who was asked, while the request waits."""
    return (
        can_view_network(member)
        and introduction.introducer_id == member.id
        and introduction.is_pending
    )


def can_see_introduction_contacts(member: Member | None, introduction) -> bool:
    """Contacts are shared only after the introducer accepted, and only between the two
    members introduced."""
    return (
        _signed_in(member)
        and introduction.is_accepted
        and member.id in (introduction.requester_id, introduction.target_id)
    )
