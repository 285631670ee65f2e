"""Deactivating a member does not strand their open referrals (issues 11 and 8): each goes to
a colleague at their business who is still a member, or is handed back to its giver; the
giver is told, the timeline says so, closed referrals and their value stay where they were."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.extensions import db
from chamber.notifications.models import Notification
from chamber.referrals.models import Referral, ReferralStatus
from tests.conftest import csrf_token


def _deactivate(client, person):
    return client.post(
        f"/staff/members/{person.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": "0"},
        follow_redirects=True,
    )


def _messages(member) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.message).where(Notification.member_id == member.id)
        )
    )


def test_open_referrals_pass_to_a_colleague_and_the_giver_is_told(
    make_member, make_referral, login, client, outbox
):
    gina = make_member(full_name="Gina Giver", business_name="Giver Gardens")
    rick = make_member(full_name="Rick Receiver", business_name="Riverside Bank")
    bank = rick.business
    bea = make_member(full_name="Bea Banker", business=bank)
    open_one = make_referral(gina, rick, prospect_name="Pat Prospect")
    contacted = make_referral(
        gina, rick, prospect_name="Quinn Prospect", status=ReferralStatus.CONTACTED
    )
    won = make_referral(gina, rick, prospect_name="Will Won", status=ReferralStatus.WON)
    login(make_member(is_staff=True))

    page = _deactivate(client, rick).get_data(as_text=True)

    assert "2 open referrals passed to Bea Banker" in page
    assert "The givers are told" in page
    db.session.expire_all()
    assert db.session.get(Referral, open_one.id).receiver_id == bea.id
    assert db.session.get(Referral, contacted.id).receiver_id == bea.id
    assert db.session.get(Referral, contacted.id).status is ReferralStatus.CONTACTED
    assert db.session.get(Referral, won.id).receiver_id == rick.id  # history kept
    told = _messages(gina)
    assert any("now with Bea Banker (Riverside Bank)" in m and "Pat Prospect" in m for m in told)
    assert any("take over the referral of Quinn Prospect" in m for m in _messages(bea))
    assert any("has left" in m.subject for m in outbox(gina.email))
    timeline = db.session.get(Referral, open_one.id).events[-1]
    assert "handed over to Bea Banker" in timeline.note
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "referral.handed_over")
        )
        == 2
    )

    client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    login(bea)
    received = client.get("/referrals").get_data(as_text=True)
    assert "Pat Prospect" in received and "Quinn Prospect" in received


def test_without_a_colleague_the_referral_goes_back_to_its_giver(
    make_member, make_referral, login, client
):
    gina = make_member(full_name="Gina Giver", business_name="Giver Gardens")
    solo = make_member(full_name="Sol Solo", business_name="Solo Plumbing")
    referral = make_referral(gina, solo, prospect_name="Pat Prospect")
    login(make_member(is_staff=True))

    page = _deactivate(client, solo).get_data(as_text=True)

    assert "1 open referral handed back to the givers" in page
    db.session.expire_all()
    kept = db.session.get(Referral, referral.id)
    assert kept.receiver_id == solo.id and kept.status is ReferralStatus.GIVEN
    assert "handed back to the giver" in kept.events[-1].note
    assert any(
        "Sol Solo is no longer a member" in m and "handed back to you" in m for m in _messages(gina)
    )


def test_a_colleague_who_gave_the_referral_does_not_receive_it_back(
    make_member, make_referral, login, client
):
    rick = make_member(full_name="Rick Receiver", business_name="Riverside Bank")
    bea = make_member(full_name="Bea Banker", business=rick.business)
    referral = make_referral(bea, rick, prospect_name="Pat Prospect")
    login(make_member(is_staff=True))

    _deactivate(client, rick)

    db.session.expire_all()
    assert db.session.get(Referral, referral.id).receiver_id == rick.id
    assert any("handed back to you" in m for m in _messages(bea))
