"""Referral fixtures: the cast of a privacy test, a referral factory, the give-form helper."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from chamber.extensions import db
from chamber.referrals import services
from chamber.referrals.models import Referral, ReferralStatus, ReferralTemperature

PROSPECT_EMAIL = "pat.prospect@prospect.example"
PROSPECT_PHONE = "+1 555 777 1234"


@pytest.fixture
def cast(make_member, make_committee):
    """Giver and receiver serve on one committee, with another member and its chair; staff."""
    giver = make_member(full_name="Gina Giver", business_name="Giver Gardens")
    receiver = make_member(full_name="Rick Receiver", business_name="Receiver Roofing")
    other = make_member(full_name="Olive Other", business_name="Other Optics")
    lead = make_member(full_name="Lena Lead", business_name="Lead Law")
    staff = make_member(full_name="Sam Staff", business_name="The Chamber", is_staff=True)
    committee = make_committee(
        name="Community Events", chair=lead, members=[giver, receiver, other]
    )
    return SimpleNamespace(
        giver=giver, receiver=receiver, other=other, lead=lead, staff=staff, committee=committee
    )


@pytest.fixture
def make_referral(app):
    """Factory: make_referral(giver, receiver, status=..., given_days_ago=..., **fields)."""

    def make(giver, receiver, *, status=None, given_days_ago=0, value_cents=250_000, **fields):
        data = {
            "prospect_name": "Pat Prospect",
            "prospect_email": PROSPECT_EMAIL,
            "prospect_phone": PROSPECT_PHONE,
            "need": "A new roof before winter.",
            "temperature": ReferralTemperature.HOT,
        } | fields
        referral = services.give_referral(giver, receiver, data)
        if given_days_ago:
            referral.created_at -= timedelta(days=given_days_ago)
            for event in referral.events:
                event.created_at -= timedelta(days=given_days_ago)
        db.session.commit()
        if status is not None and status != ReferralStatus.GIVEN:
            won = status == ReferralStatus.WON
            services.change_referral_status(
                receiver,
                referral,
                status,
                version_id=referral.version_id,
                closed_value_cents=value_cents if won else None,
                closed_on=services.chamber_today() if won else None,
            )
            db.session.commit()
        return db.session.get(Referral, referral.id)

    return make


_TOKEN = re.compile(
    r'name="form_token" type="hidden" value="([^"]+)"|'
    r'name="form_token" value="([^"]+)"'
)
_VERSION = re.compile(r'name="version_id" type="hidden" value="([^"]*)"')


def form_token_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no form_token on the give form"
    return match.group(1) or match.group(2)


def version_of(html: str) -> str:
    match = _VERSION.search(html)
    assert match, "no version_id on the form"
    return match.group(1)


@pytest.fixture
def give_form(client):
    """give_form(to, **fields): open the give form for member `to` and post it (fields
    override what is posted, `receiver` included)."""
    from tests.conftest import csrf_token

    def give(to, *, token=None, **fields):
        html = client.get(f"/referrals/new?to={to.id}").get_data(as_text=True)
        data = {
            "csrf_token": csrf_token(client, f"/referrals/new?to={to.id}"),
            "form_token": token or form_token_of(html),
            "receiver": str(to.id),
            "prospect_name": "Pat Prospect",
            "prospect_email": PROSPECT_EMAIL,
            "prospect_phone": PROSPECT_PHONE,
            "need": "A new roof before winter.",
            "temperature": "hot",
            "how": "",
        } | fields
        return client.post("/referrals/new", data=data)

    return give
