"""Staff pass on referrals whose receiver left (issue 11): a page lists the open referrals
whose receiver is no longer a member (handed back to the giver, or with nobody); staff pick a
member with the member picker and confirm; the new receiver gets a notification and an
e-mail, the giver is told, the timeline and the audit log say so. Staff only."""

from __future__ import annotations

import re

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.extensions import db
from chamber.members.services import set_member_active
from chamber.notifications.models import Notification
from chamber.referrals.models import Referral, ReferralStatus
from tests.conftest import csrf_token


def _leave(person, staff):
    set_member_active(staff, person, False)
    db.session.commit()


def _reassign(client, referral, to_id, version_id=None):
    path = f"/staff/referrals/{referral.id}/reassign"
    page = client.get(f"{path}?to={to_id}")
    version = re.search(r'name="version_id" type="hidden" value="(\d+)"', page.get_data(True))
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "receiver": str(to_id),
            "version_id": version_id or (version.group(1) if version else "1"),
        },
    )


def test_staff_see_handed_back_referrals_and_pass_one_on(
    cast, make_member, make_referral, login, client, outbox
):
    ana = make_member(full_name="Ana Ruiz", business_name="Ruiz Roofing")
    handed_back = make_referral(cast.giver, ana, prospect_name="Pat Prospect")
    won = make_referral(cast.giver, ana, prospect_name="Wendy Won", status=ReferralStatus.WON)
    still_active = make_referral(cast.giver, cast.receiver, prospect_name="Ada Active")
    _leave(ana, cast.staff)
    login(cast.staff)

    page = client.get("/staff/referrals/stranded")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Pat Prospect" in body and "Ana Ruiz" in body
    assert "Wendy Won" not in body and "Ada Active" not in body
    assert f"/staff/referrals/{handed_back.id}/reassign" in body
    assert still_active.id and won.id

    # The picker: a search by name lists members, each a link that chooses them.
    picker = client.get(f"/staff/referrals/{handed_back.id}/reassign?q=olive").get_data(True)
    assert f"/staff/referrals/{handed_back.id}/reassign?to={cast.other.id}" in picker
    confirm = client.get(f"/staff/referrals/{handed_back.id}/reassign?to={cast.other.id}")
    assert "Olive Other" in confirm.get_data(as_text=True)

    response = _reassign(client, handed_back, cast.other.id)
    assert response.status_code == 302
    assert response.location.endswith("/staff/referrals/stranded")
    followed = client.get(response.location).get_data(as_text=True)
    assert "now with Olive Other" in followed
    assert f"/staff/referrals/{handed_back.id}/reassign" not in followed
    assert "No open referral is waiting for a new receiver." in followed

    db.session.expire_all()
    assert db.session.get(Referral, handed_back.id).receiver_id == cast.other.id
    assert [m.subject for m in outbox(cast.other.email)] == [
        "A referral passed to you: Pat Prospect"
    ]
    told = db.session.scalars(
        sa.select(Notification.message).where(Notification.member_id == cast.giver.id)
    ).all()
    assert any("now with Olive Other" in message for message in told)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "referral.reassigned")
    )
    assert entry is not None and entry.actor_id == cast.staff.id
    # The new receiver works it; the timeline says who passed it on.
    login(cast.other)
    shown = client.get(f"/referrals/{handed_back.id}").get_data(as_text=True)
    assert "passed to Olive Other by the chamber" in shown


def test_the_giver_and_departed_members_cannot_be_chosen(
    cast, make_member, make_referral, login, client
):
    ana = make_member(full_name="Ana Ruiz")
    gone = make_member(full_name="Gus Gone")
    referral = make_referral(cast.giver, ana)
    _leave(ana, cast.staff)
    _leave(gone, cast.staff)
    login(cast.staff)
    body = client.get(f"/staff/referrals/{referral.id}/reassign?to={cast.giver.id}").get_data(True)
    assert "Gina Giver gave this referral; choose another." in body
    response = _reassign(client, referral, gone.id)
    assert response.status_code == 400
    assert "Choose an active member to pass the referral to." in response.get_data(True)
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).receiver_id == ana.id


def test_a_referral_already_passed_on_is_not_passed_twice(
    cast, make_member, make_referral, login, client, outbox
):
    ana = make_member(full_name="Ana Ruiz")
    referral = make_referral(cast.giver, ana)
    _leave(ana, cast.staff)
    login(cast.staff)
    assert _reassign(client, referral, cast.other.id).status_code == 302
    again = _reassign(client, referral, cast.receiver.id)
    assert again.status_code == 400
    assert "already with Olive Other" in again.get_data(as_text=True)
    assert outbox(cast.receiver.email) == [] or all(
        "passed to you" not in m.subject for m in outbox(cast.receiver.email)
    )


def test_only_staff_reach_the_pages(cast, make_member, make_referral, login, client):
    ana = make_member(full_name="Ana Ruiz")
    referral = make_referral(cast.giver, ana)
    _leave(ana, cast.staff)
    for person in (cast.giver, cast.lead, cast.other):
        client.delete_cookie("chamber_session")
        login(person)
        assert client.get("/staff/referrals/stranded").status_code == 403
        assert client.get(f"/staff/referrals/{referral.id}/reassign").status_code == 403
        response = client.post(
            f"/staff/referrals/{referral.id}/reassign",
            data={"csrf_token": csrf_token(client, "/settings"), "receiver": str(person.id)},
        )
        assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).receiver_id == ana.id


def test_the_list_reads_the_same_number_of_statements_for_2_and_20_rows(
    cast, make_member, make_referral, login, client, count_queries
):
    def strand(count):
        for _ in range(count):
            person = make_member()
            make_referral(cast.giver, person)
            _leave(person, cast.staff)

    strand(2)
    login(cast.staff)
    with count_queries() as few:
        assert client.get("/staff/referrals/stranded").status_code == 200
    strand(18)
    with count_queries() as many:
        body = client.get("/staff/referrals/stranded").get_data(as_text=True)
    assert few.count == many.count
    assert body.count("/reassign") == 20
