"""Issue 11: "Closed on" when marking a referral won starts at today (the chamber's date)."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.localtime import chamber_today
from chamber.referrals.models import Referral, ReferralStatus
from tests.conftest import csrf_token


def test_won_with_the_default_date_saves_today(cast, make_referral, signed_in, db):
    referral = make_referral(cast.giver, cast.receiver, given_days_ago=3)
    client = signed_in(cast.receiver)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    shown = page.split('name="closed_on" type="date" value="')[1].split('"')[0]
    assert shown == chamber_today().isoformat()
    version = page.split('name="version_id" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/referrals/{referral.id}/status",
        data={
            "csrf_token": csrf_token(client, f"/referrals/{referral.id}"),
            "version_id": version,
            "status": "won",
            "closed_value": "1,250.00",
            "closed_on": shown,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.scalar(sa.select(Referral).where(Referral.id == referral.id))
    assert saved.status is ReferralStatus.WON
    assert saved.closed_on == chamber_today()
