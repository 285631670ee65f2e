"""Profiles: contact details only where an introduction or shared committee work opened them
(issue 9), and a departed member's profile answers like a missing one (issues 11 and 12)."""

from __future__ import annotations

from chamber.contributions.models import ContributionStatus
from chamber.extensions import db
from chamber.members import services as member_services
from chamber.members.models import BusinessStatus
from chamber.relationships.models import Introduction, IntroductionStatus

PHONE = "+1 555 010 9999"


def _profile(client, member):
    response = client.get(f"/members/{member.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_stranger_sees_no_email_or_phone(client, make_member, login):
    ana = make_member(phone=PHONE)
    login(make_member())
    body = _profile(client, ana)
    assert ana.email not in body and PHONE not in body
    assert "shared after an introduction" in body


def test_the_member_and_staff_see_the_contacts(client, make_member, login, signed_in):
    ana = make_member(phone=PHONE)
    login(ana)
    body = _profile(client, ana)
    assert ana.email in body and PHONE in body
    body = _profile(signed_in(make_member(is_staff=True)), ana)
    assert ana.email in body and PHONE in body


def test_an_accepted_introduction_opens_the_contacts_both_ways(
    client, make_member, login, signed_in
):
    ana, ben, introducer, carl = (make_member(phone=PHONE) for _ in range(4))
    db.session.add(
        Introduction(
            requester_id=ben.id,
            introducer_id=introducer.id,
            target_id=ana.id,
            status=IntroductionStatus.ACCEPTED,
        )
    )
    db.session.add(
        Introduction(requester_id=carl.id, introducer_id=introducer.id, target_id=ana.id)
    )
    db.session.commit()
    login(ben)
    assert ana.email in _profile(client, ana)
    assert ben.email in _profile(signed_in(ana), ben)
    # still waiting for the introducer: nothing shared yet, either way
    assert ana.email not in _profile(signed_in(carl), ana)
    assert carl.email not in _profile(signed_in(ana), carl)


def test_committee_colleagues_see_each_other_but_not_after_the_committee_is_archived(
    client, make_member, make_committee, login
):
    ana, ben = make_member(phone=PHONE), make_member()
    committee = make_committee(members=[ana, ben])
    login(ben)
    assert ana.email in _profile(client, ana)
    assert PHONE in _profile(client, ana)
    committee.is_archived = True
    db.session.commit()
    assert ana.email not in _profile(client, ana)


def test_a_deactivated_member_answers_like_a_missing_id(client, make_member, login):
    gone = make_member()
    missing_id = gone.id + 1000
    gone.is_active, gone.is_deactivated = False, True
    db.session.commit()
    login(make_member())
    client.get("/dashboard")  # the sign-in's welcome flash is shown here
    departed = client.get(f"/members/{gone.id}")
    missing = client.get(f"/members/{missing_id}")
    assert departed.status_code == missing.status_code == 404
    assert departed.get_data() == missing.get_data()


def test_a_member_of_a_lapsed_business_answers_404_too(client, make_member, login):
    person = make_member()
    person.business.status = BusinessStatus.LAPSED
    person.is_active = False
    db.session.commit()
    login(make_member())
    assert client.get(f"/members/{person.id}").status_code == 404


def test_staff_read_no_longer_a_member_with_the_history(
    client, make_member, make_committee, make_contribution, login
):
    gone = make_member(full_name="Gone Person")
    committee = make_committee(members=[gone])
    make_contribution(gone, committee, hours=3, status=ContributionStatus.APPROVED)
    staff = make_member(is_staff=True)
    member_services.set_member_active(staff, gone, False)
    db.session.commit()
    login(staff)
    body = _profile(client, gone)
    assert "No longer a member" in body
    assert committee.name in body and "3" in body
    assert "Referrals given" in body
