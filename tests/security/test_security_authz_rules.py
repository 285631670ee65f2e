"""Every rule of chamber/authz.py, one table each, over one cast of people (SECURITY rows 8-10).

The page tests prove that each view asks its rule; these prove each rule answers right for
everyone: a visitor, a deactivated member, a plain member, a committee's member, lead and chair,
the chair of another committee, and staff (deactivated staff too). `make mutation` runs these
against mutants of authz.py: a rule that is loosened or tightened fails here.
"""

from __future__ import annotations

from types import SimpleNamespace as Thing

import pytest

from chamber import authz
from chamber.committees.models import CommitteeRole
from chamber.reports.scope import ScopeKind

COMMITTEE = Thing(id=1, is_archived=False)
OTHER = Thing(id=2, is_archived=False)
ARCHIVED = Thing(id=3, is_archived=True)


def person(number: int, *, active=True, staff=False, roles=(), business=None, primary=False):
    memberships = [
        Thing(committee_id=committee.id, committee=committee, role=role)
        for committee, role in roles
    ]
    return Thing(
        id=number,
        is_authenticated=True,
        is_active=active,
        is_staff=staff,
        memberships=memberships,
        business_id=business,
        is_primary_contact=primary,
    )


VISITOR = Thing(id=None, is_authenticated=False, is_active=False, is_staff=False, memberships=[])
CAST = {
    "nobody": None,
    "visitor": VISITOR,
    "plain": person(10),
    "member": person(11, roles=[(COMMITTEE, CommitteeRole.MEMBER)]),
    "lead": person(12, roles=[(COMMITTEE, CommitteeRole.LEAD)]),
    "chair": person(13, roles=[(COMMITTEE, CommitteeRole.CHAIR), (ARCHIVED, CommitteeRole.CHAIR)]),
    "other chair": person(14, roles=[(OTHER, CommitteeRole.CHAIR)]),
    "gone member": person(15, active=False, roles=[(COMMITTEE, CommitteeRole.MEMBER)]),
    "gone chair": person(16, active=False, roles=[(COMMITTEE, CommitteeRole.CHAIR)]),
    "staff": person(17, staff=True),
    "gone staff": person(18, active=False, staff=True),
}


def allowed(rule) -> set[str]:
    """The names in the cast whom `rule(person)` lets through."""
    return {name for name, someone in CAST.items() if rule(someone)}


STAFF_ONLY = {"staff"}


@pytest.mark.parametrize(
    "rule",
    [
        authz.is_staff,
        authz.can_manage_members,
        authz.can_view_audit_log,
        authz.can_manage_committees,
        authz.can_correct_referral,
        authz.can_view_all_referrals,
        authz.can_view_chamber_reports,
        authz.can_change_report_settings,
        authz.can_manage_businesses,
        authz.can_view_chamber_network,
    ],
)
def test_staff_rules_let_only_active_staff_through(rule):
    assert allowed(rule) == STAFF_ONLY


ACTIVE = {"plain", "member", "lead", "chair", "other chair", "staff"}


@pytest.mark.parametrize(
    "rule", [authz.can_give_referral, authz.can_view_reports, authz.can_view_network]
)
def test_rules_for_every_active_member(rule):
    assert allowed(rule) == ACTIVE


def test_only_a_signed_in_user_object_counts_as_signed_in():
    """Something that is not a Flask-Login user (no is_authenticated) is nobody, and every
    rule answers a plain False."""
    not_a_user = Thing(id=17, is_active=True, is_staff=True, memberships=[])
    assert authz.is_staff(not_a_user) is False
    assert authz.can_give_referral(not_a_user) is False
    assert authz.is_staff(None) is False


def test_committee_roles_and_membership():
    assert authz.committee_role(CAST["chair"], COMMITTEE) is CommitteeRole.CHAIR
    assert authz.committee_role(CAST["member"], COMMITTEE) is CommitteeRole.MEMBER
    assert authz.committee_role(CAST["other chair"], COMMITTEE) is None
    assert authz.committee_role(VISITOR, COMMITTEE) is None
    assert authz.committee_role(None, COMMITTEE) is None
    on_committee = {"member", "lead", "chair", "gone member", "gone chair"}
    assert allowed(lambda p: authz.is_committee_member(p, COMMITTEE)) == on_committee
    assert allowed(lambda p: authz.can_leave_committee(p, COMMITTEE)) == on_committee


def test_who_leads_a_committee():
    assert allowed(lambda p: authz.can_lead_committee(p, COMMITTEE)) == {"lead", "chair", "staff"}
    assert allowed(lambda p: authz.can_lead_committee(p, OTHER)) == {"other chair", "staff"}
    # An archived committee's pages are staff's only, even for its own chair.
    assert allowed(lambda p: authz.can_lead_committee(p, ARCHIVED)) == STAFF_ONLY
    join_request = Thing(committee=COMMITTEE)
    assert allowed(lambda p: authz.can_decide_join_request(p, join_request)) == {
        "lead",
        "chair",
        "staff",
    }


def test_who_may_ask_to_join():
    assert allowed(lambda p: authz.can_request_to_join(p, COMMITTEE)) == {
        "plain",
        "other chair",
        "staff",
    }
    assert allowed(lambda p: authz.can_request_to_join(p, ARCHIVED)) == set()


def test_profiles():
    gone = person(90, active=False)
    active = person(91)
    assert allowed(lambda p: authz.can_view_member(p, active)) == ACTIVE | {
        "gone member",
        "gone chair",
        "gone staff",
    }
    assert allowed(lambda p: authz.can_view_member(p, gone)) == STAFF_ONLY
    own = CAST["plain"]
    assert allowed(lambda p: authz.can_edit_profile(p, own)) == {"plain", "staff"}


def test_meetings():
    committee_meeting = Thing(committee=COMMITTEE)
    chamber_event = Thing(committee=None)
    assert allowed(lambda p: authz.can_manage_meeting(p, committee_meeting)) == {
        "lead",
        "chair",
        "staff",
    }
    assert allowed(lambda p: authz.can_manage_meeting(p, chamber_event)) == STAFF_ONLY
    assert allowed(lambda p: authz.can_view_meeting(p, committee_meeting)) == {
        "member",
        "lead",
        "chair",
        "staff",
    }
    assert allowed(lambda p: authz.can_view_meeting(p, chamber_event)) == ACTIVE


def test_projects_and_shifts():
    project = Thing(committee=COMMITTEE, is_active=True)
    archived = Thing(committee=ARCHIVED, is_active=True)
    finished = Thing(committee=COMMITTEE, is_active=False)
    assert allowed(lambda p: authz.can_view_project(p, project)) == ACTIVE
    assert allowed(lambda p: authz.can_view_project(p, archived)) == STAFF_ONLY
    assert allowed(lambda p: authz.can_sign_up_for_shift(p, Thing(project=project))) == ACTIVE
    for closed in (Thing(project=archived), Thing(project=finished)):
        assert allowed(lambda p, shift=closed: authz.can_sign_up_for_shift(p, shift)) == set()


def _contribution(owner: str, *, pending=True, committee=COMMITTEE):
    """A committee's contribution, or (committee None) work at a chamber-wide event."""
    return Thing(
        member_id=CAST[owner].id,
        committee=committee,
        committee_id=committee.id if committee else None,
        is_pending=pending,
    )


def test_contributions():
    assert allowed(lambda p: authz.can_log_contribution(p, COMMITTEE)) == {
        "member",
        "lead",
        "chair",
    }
    assert allowed(lambda p: authz.can_log_contribution(p, ARCHIVED)) == set()
    mine = _contribution("member")
    assert allowed(lambda p: authz.can_view_contribution(p, mine)) == {
        "member",
        "lead",
        "chair",
        "staff",
    }
    assert allowed(lambda p: authz.can_edit_contribution(p, mine)) == {"member"}
    decided = _contribution("member", pending=False)
    assert allowed(lambda p: authz.can_edit_contribution(p, decided)) == set()
    assert allowed(lambda p: authz.can_withdraw_contribution(p, mine)) == {"member"}
    assert allowed(lambda p: authz.can_decide_contribution(p, mine)) == {"lead", "chair", "staff"}
    # Never on one's own work, even as its committee's chair.
    chairs_own = _contribution("chair")
    assert allowed(lambda p: authz.can_decide_contribution(p, chairs_own)) == {"lead", "staff"}
    gone_members = _contribution("gone member")
    assert allowed(lambda p: authz.can_edit_contribution(p, gone_members)) == set()
    # Work at a chamber-wide event: staff decide, no committee's leads; withdrawn, not edited.
    at_event = _contribution("member", committee=None)
    assert allowed(lambda p: authz.can_view_contribution(p, at_event)) == {"member", "staff"}
    assert allowed(lambda p: authz.can_decide_contribution(p, at_event)) == {"staff"}
    assert allowed(lambda p: authz.can_edit_contribution(p, at_event)) == set()
    assert allowed(lambda p: authz.can_withdraw_contribution(p, at_event)) == {"member"}


def _one_to_one(logged_by: str, partner: str, *, pending=True):
    ids = {CAST[logged_by].id, CAST[partner].id}
    return Thing(
        logged_by_id=CAST[logged_by].id,
        partner_id=CAST[partner].id,
        is_pending=pending,
        involves=lambda someone: someone.id in ids,
    )


def test_one_to_ones():
    met = _one_to_one("plain", "member")
    assert allowed(lambda p: authz.can_view_one_to_one(p, met)) == {"plain", "member", "staff"}
    assert allowed(lambda p: authz.can_respond_to_one_to_one(p, met)) == {"member"}
    assert allowed(lambda p: authz.can_withdraw_one_to_one(p, met)) == {"plain"}
    answered = _one_to_one("plain", "member", pending=False)
    assert allowed(lambda p: authz.can_withdraw_one_to_one(p, answered)) == set()
    with_someone_gone = _one_to_one("plain", "gone member")
    assert allowed(lambda p: authz.can_respond_to_one_to_one(p, with_someone_gone)) == set()


def test_referrals():
    referral = Thing(giver_id=CAST["plain"].id, receiver_id=CAST["member"].id, thanked_at=None)
    parties = {"plain", "member", "staff"}
    assert allowed(lambda p: authz.can_view_referral(p, referral)) == parties
    # Leads of the receiver's committee never see the prospect.
    assert allowed(lambda p: authz.can_see_prospect_contact(p, referral)) == parties
    assert allowed(lambda p: authz.can_work_referral(p, referral)) == {"member"}
    assert allowed(lambda p: authz.can_thank_for_referral(p, referral)) == {"member"}
    thanked = Thing(giver_id=referral.giver_id, receiver_id=referral.receiver_id, thanked_at=1)
    assert allowed(lambda p: authz.can_thank_for_referral(p, thanked)) == set()
    to_someone_gone = Thing(
        giver_id=CAST["plain"].id, receiver_id=CAST["gone member"].id, thanked_at=None
    )
    assert allowed(lambda p: authz.can_view_referral(p, to_someone_gone)) == {"plain", "staff"}
    assert allowed(lambda p: authz.can_work_referral(p, to_someone_gone)) == set()


def _scope(kind: ScopeKind, committee=None, member=None):
    return Thing(kind=kind, committee=committee, member=member)


def test_reports():
    chamber = _scope(ScopeKind.CHAMBER)
    assert allowed(lambda p: authz.can_view_report(p, "by-committee", chamber)) == STAFF_ONLY
    committee = _scope(ScopeKind.COMMITTEE, committee=COMMITTEE)
    leads = {"lead", "chair", "staff"}
    assert allowed(lambda p: authz.can_view_report(p, "by-committee", committee)) == leads
    assert allowed(lambda p: authz.can_view_committee_reports(p, COMMITTEE)) == leads
    # A member's own reports: themself, staff and the leads of a committee they serve on.
    member = _scope(ScopeKind.MEMBER, member=CAST["member"])
    expected = {"member", "lead", "chair", "staff"}
    for report in sorted(authz.MEMBER_REPORTS):
        assert allowed(lambda p, r=report: authz.can_view_report(p, r, member)) == expected
    # ...and only reports 1, 4 and 6, never a chamber-wide one narrowed to a member.
    assert allowed(lambda p: authz.can_view_report(p, "givers-gain", member)) == set()
    plain = _scope(ScopeKind.MEMBER, member=CAST["plain"])
    assert allowed(lambda p: authz.can_view_report(p, "summary", plain)) == {"plain", "staff"}
    # Leading only an archived committee gives no view of its members.
    archived_member = person(40, roles=[(ARCHIVED, CommitteeRole.MEMBER)])
    assert not authz.can_view_member_reports(CAST["chair"], archived_member)


def test_businesses():
    business = Thing(id=7, is_active=True)
    lapsed = Thing(id=8, is_active=False)
    assert allowed(lambda p: authz.can_view_business(p, business)) == ACTIVE
    assert allowed(lambda p: authz.can_view_business(p, lapsed)) == STAFF_ONLY
    contact = person(50, business=7, primary=True)
    colleague = person(51, business=7)
    elsewhere = person(52, business=9, primary=True)
    gone_contact = person(53, business=7, primary=True, active=False)
    assert authz.can_edit_business(contact, business)
    assert authz.can_edit_business(CAST["staff"], business)
    for refused in (colleague, elsewhere, gone_contact, CAST["plain"], VISITOR, None):
        assert not authz.can_edit_business(refused, business)


def test_networks_and_introductions():
    assert allowed(lambda p: authz.can_view_committee_network(p, COMMITTEE)) == {
        "member",
        "lead",
        "chair",
        "staff",
    }
    target, gone = person(60), person(61, active=False)
    assert allowed(lambda p: authz.can_ask_for_introduction(p, target)) == ACTIVE
    assert allowed(lambda p: authz.can_ask_for_introduction(p, gone)) == set()
    assert not authz.can_ask_for_introduction(target, target)
    waiting = Thing(introducer_id=CAST["lead"].id, is_pending=True)
    assert allowed(lambda p: authz.can_decide_introduction(p, waiting)) == {"lead"}
    decided = Thing(introducer_id=CAST["lead"].id, is_pending=False)
    assert allowed(lambda p: authz.can_decide_introduction(p, decided)) == set()
    both = {"requester_id": CAST["plain"].id, "target_id": CAST["member"].id}
    accepted = Thing(is_accepted=True, **both)
    assert allowed(lambda p: authz.can_see_introduction_contacts(p, accepted)) == {
        "plain",
        "member",
    }
    asked = Thing(is_accepted=False, **both)
    assert allowed(lambda p: authz.can_see_introduction_contacts(p, asked)) == set()
