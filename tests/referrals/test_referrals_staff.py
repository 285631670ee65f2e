"""Staff: every referral with filters, and the audited correction of a mistaken one."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.referrals import services
from chamber.referrals.models import Referral, ReferralStatus
from tests.conftest import csrf_token
from tests.referrals.conftest import version_of

S = ReferralStatus


def _fresh(db, referral_id) -> Referral:
    db.session.expire_all()
    return db.session.get(Referral, referral_id)


def _correct(client, referral, **fields):
    path = f"/staff/referrals/{referral.id}/correct"
    page = client.get(path).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, path),
        "version_id": version_of(page),
        "status": "won",
        "closed_value": "1,000.00",
        "closed_on": services.chamber_today().isoformat(),
        "reason": "The member typed one zero too many.",
    } | fields
    return client.post(path, data=data)


def test_staff_correct_a_mistyped_value_and_it_is_audited(
    db, cast, make_referral, signed_in, outbox
):
    referral = make_referral(cast.giver, cast.receiver, status=S.WON, value_cents=1_000_000)
    staff = signed_in(cast.staff)
    form = staff.get(f"/staff/referrals/{referral.id}/correct").get_data(as_text=True)
    assert 'value="10000.00"' in form  # the current value, as typed text
    response = _correct(staff, referral)
    assert response.status_code == 302
    referral = _fresh(db, referral.id)
    assert referral.status == S.WON and referral.closed_value_cents == 100_000
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "referral.corrected")
    )
    assert entry.actor_id == cast.staff.id and entry.target_id == referral.id
    assert entry.before == {"closed_value_cents": 1_000_000}
    assert entry.after == {"closed_value_cents": 100_000}
    assert "one zero too many" in entry.summary
    event = referral.events[-1]
    assert event.actor_id == cast.staff.id
    assert event.note == "Corrected by staff: The member typed one zero too many."
    assert any("corrected" in m.body for m in outbox(cast.giver.email))
    assert any("corrected" in m.body for m in outbox(cast.receiver.email))
    page = staff.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "The referral is corrected; the change is in the audit log." in page


def test_staff_move_a_referral_back_and_the_value_is_cleared(db, cast, make_referral, signed_in):
    referral = make_referral(cast.giver, cast.receiver, status=S.WON)
    staff = signed_in(cast.staff)
    assert _correct(staff, referral, status="meeting", closed_value="").status_code == 302
    referral = _fresh(db, referral.id)
    assert referral.status == S.MEETING
    assert referral.closed_value_cents is None and referral.closed_on is None
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "referral.corrected")
    )
    assert entry.before["status"] == "won" and entry.after["status"] == "meeting"
    # the receiver can work it again from there
    services.change_referral_status(cast.receiver, referral, S.LOST, version_id=referral.version_id)


def test_bad_corrections_are_refused_by_the_field(db, cast, make_referral, signed_in):
    referral = make_referral(cast.giver, cast.receiver, status=S.WON, value_cents=50_000)
    staff = signed_in(cast.staff)
    tomorrow = (services.chamber_today() + timedelta(days=1)).isoformat()
    cases = [
        ({"reason": ""}, "reason", "Say why this is corrected"),
        ({"closed_value": ""}, "closed_value", "Enter the value of the business won."),
        ({"closed_value": "0"}, "closed_value", "The value must be more than zero."),
        ({"closed_value": "99999999999"}, "closed_value", "That is more than $10,000,000.00"),
        ({"closed_on": tomorrow}, "closed_on", "The closing date cannot be in the future."),
        ({"status": "bogus"}, "status", "Not a valid choice"),
        ({"closed_value": "500.00"}, "status", "Nothing would change"),
    ]
    for fields, field, message in cases:
        response = _correct(staff, referral, **fields)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, fields
        assert f'id="{field}-error"' in body and message in body, fields
        if "reason" not in fields:
            assert "one zero too many" in body  # the typed reason is kept
    referral = _fresh(db, referral.id)
    assert referral.closed_value_cents == 50_000
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "referral.corrected")
        )
        == 0
    )


def test_a_stale_correction_is_refused(db, cast, make_referral, signed_in):
    referral = make_referral(cast.giver, cast.receiver)
    staff = signed_in(cast.staff)
    path = f"/staff/referrals/{referral.id}/correct"
    old_version = version_of(staff.get(path).get_data(as_text=True))
    services.change_referral_status(
        cast.receiver, referral, S.CONTACTED, version_id=referral.version_id
    )
    db.session.commit()
    response = _correct(staff, referral, version_id=old_version, status="lost")
    assert response.status_code == 400
    assert "changed by someone else" in response.get_data(as_text=True)
    assert _fresh(db, referral.id).status == S.CONTACTED


def test_staff_list_filters_by_status_member_and_date(
    db, cast, make_referral, make_member, signed_in
):
    ann = make_member(full_name="Annabel Zephyr")
    old = make_referral(cast.giver, cast.receiver, prospect_name="Old Prospect", given_days_ago=40)
    won = make_referral(cast.giver, cast.receiver, prospect_name="Won Prospect", status=S.WON)
    make_referral(ann, cast.receiver, prospect_name="Zephyr Prospect")
    staff = signed_in(cast.staff)

    def shown(query: str) -> set[str]:
        body = staff.get(f"/staff/referrals/?{query}").get_data(as_text=True)
        return {
            name for name in ("Old Prospect", "Won Prospect", "Zephyr Prospect") if name in body
        }

    assert shown("") == {"Old Prospect", "Won Prospect", "Zephyr Prospect"}
    assert shown("status=won") == {"Won Prospect"}
    assert shown("status=open") == {"Old Prospect", "Zephyr Prospect"}
    assert shown("q=zephyr") == {"Zephyr Prospect"}
    assert shown("q=Receiver+Roofing") == {"Old Prospect", "Won Prospect", "Zephyr Prospect"}
    recent = (services.chamber_today() - timedelta(days=7)).isoformat()
    assert shown(f"given_from={recent}") == {"Won Prospect", "Zephyr Prospect"}
    assert shown(f"given_to={recent}") == {"Old Prospect"}
    # nonsense filters are ignored, not errors; SQL stays text
    assert shown("status=nope&given_from=yesterday") == {
        "Old Prospect",
        "Won Prospect",
        "Zephyr Prospect",
    }
    assert shown("q=%27+OR+1%3D1+--") == set()
    assert shown("q=%25") == set()
    assert old.id and won.id
