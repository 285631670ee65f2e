"""Issue 11: staff export the referral list as CSV with its filters (the dates given
included); prospects' contact details stay out of the file; members cannot."""

from __future__ import annotations

import csv
import io

from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.referrals.models import ReferralStatus
from tests.referrals.conftest import PROSPECT_EMAIL, PROSPECT_PHONE


def test_staff_download_the_referrals_of_a_period(cast, make_referral, login, client):
    old = make_referral(cast.giver, cast.receiver, prospect_name="Olga Old", given_days_ago=40)
    old.given_on = chamber_today().fromordinal(chamber_today().toordinal() - 40)
    db.session.commit()
    make_referral(
        cast.giver, cast.receiver, prospect_name="=1+2 Nina New", status=ReferralStatus.WON
    )
    login(cast.staff)
    since = chamber_today().fromordinal(chamber_today().toordinal() - 7).isoformat()

    page = client.get(f"/staff/referrals/?given_from={since}").get_data(as_text=True)
    assert f"/staff/referrals/referrals.csv?given_from={since}" in page

    response = client.get(f"/staff/referrals/referrals.csv?given_from={since}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert (
        f"referrals-{since.replace('-', '')}-today.csv" in (response.headers["Content-Disposition"])
    )
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[5] for row in rows[1:]] == ["'=1+2 Nina New"]
    assert rows[1][1:4] == ["Gina Giver", "Giver Gardens", "Rick Receiver"]
    assert rows[1][8] == "Won" and rows[1][10] == "2500.00"
    assert PROSPECT_EMAIL not in text and PROSPECT_PHONE not in text

    everything = client.get("/staff/referrals/referrals.csv").get_data(as_text=True)
    assert "Olga Old" in everything


def test_members_cannot_download_the_referral_list(cast, login, client):
    login(cast.giver)
    assert client.get("/staff/referrals/referrals.csv").status_code == 403
