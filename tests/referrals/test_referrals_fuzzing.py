"""Bad input never crashes the give and work forms, and nothing outside their rules is stored
(SECURITY row 14). Valid posts with some fields fuzzed reach the services too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from chamber.once import FormSubmission
from chamber.referrals.models import MAX_VALUE_CENTS, Referral, ReferralStatus, ReferralTemperature
from chamber.referrals.services import chamber_today, given_on
from tests.conftest import csrf_token
from tests.fuzz import (
    FUZZ,
    dates,
    form_posts,
    form_tokens,
    fresh_token,
    is_plain_line,
    is_stored_text,
    is_uuid,
    numbers,
    one_of_text,
)
from tests.referrals.conftest import PROSPECT_EMAIL, PROSPECT_PHONE


@pytest.mark.slow
def test_give_form_never_answers_500_and_stores_only_valid_referrals(
    db, cast, make_member, make_committee, signed_in
):
    gone = make_member(is_active=False)
    elsewhere = make_committee(members=[cast.giver])
    client = signed_in(cast.giver)
    token = csrf_token(client, f"/referrals/new?to={cast.receiver.id}")
    reused = "6f1c7d2e-3b5a-4c8e-9f00-123456789abc"
    people = [cast.receiver.id, cast.giver.id, gone.id, cast.other.id, 0]
    hows = ["", f"committee:{cast.committee.id}", f"committee:{elsewhere.id}", "project:1"]
    temperatures = [t.value for t in ReferralTemperature]

    @FUZZ
    @given(
        form_posts(
            {
                "receiver": st.sampled_from([str(cast.receiver.id), str(cast.other.id)]),
                "prospect_name": st.just("Pat Prospect"),
                "prospect_email": st.sampled_from([PROSPECT_EMAIL, ""]),
                "prospect_phone": st.just(PROSPECT_PHONE),
                "need": st.just("A roof."),
                "temperature": st.sampled_from(temperatures),
                "how": st.sampled_from(["", f"committee:{cast.committee.id}"]),
                "form_token": fresh_token(),
            },
            {
                "receiver": one_of_text(*people) | numbers(),
                "prospect_name": one_of_text("Pat Prospect"),
                "prospect_email": one_of_text(PROSPECT_EMAIL, "PAT@Example.ORG", ""),
                "prospect_phone": one_of_text(PROSPECT_PHONE, ""),
                "need": one_of_text("A roof."),
                "temperature": one_of_text(*temperatures),
                "how": one_of_text(*hows),
                "form_token": form_tokens(reused),
            },
        )
    )
    def post(values):
        response = client.post("/referrals/new", data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    tokens = db.session.scalars(sa.select(FormSubmission.token)).all()
    assert all(is_uuid(token) for token in tokens)  # one per saved form, nothing else
    referrals = list(db.session.scalars(sa.select(Referral)))
    assert referrals
    for referral in referrals:
        assert referral.giver_id == cast.giver.id
        assert referral.receiver_id in (cast.receiver.id, cast.other.id)
        assert is_stored_text(referral.prospect_name, 120, required=True)
        assert is_plain_line(referral.prospect_name)
        assert is_stored_text(referral.prospect_email, 254)
        assert referral.prospect_email == referral.prospect_email.lower()
        assert is_stored_text(referral.prospect_phone, 40)
        assert referral.prospect_email or referral.prospect_phone
        assert is_stored_text(referral.need, 2000, required=True)
        assert referral.temperature in ReferralTemperature
        assert referral.how_committee_id in (None, cast.committee.id)
        assert referral.how_project_id is None
        assert referral.status is ReferralStatus.GIVEN and len(referral.events) == 1


@pytest.mark.slow
def test_work_form_never_answers_500_and_stores_only_valid_moves(
    db, cast, make_referral, signed_in
):
    client = signed_in(cast.receiver)
    referral = make_referral(cast.giver, cast.receiver, given_days_ago=30)
    token = csrf_token(client, f"/referrals/{referral.id}")
    statuses = [status.value for status in ReferralStatus]
    today = chamber_today()

    @FUZZ
    @given(
        st.data(),
        form_posts(
            {
                "status": st.sampled_from(statuses),
                "closed_value": st.sampled_from(["1,250.00", "99.5", ""]),
                "closed_on": st.just(today.isoformat()),
                "note": st.just("Called them."),
            },
            {
                "status": one_of_text(*statuses),
                "closed_value": numbers("1,250.00", "$99.50", "10000000.00", "10000000.01"),
                "closed_on": dates(today),
                "note": one_of_text("Called them."),
            },
        ),
    )
    def post(data, values):
        # A fresh referral now and then, so that later examples still have moves to make.
        current = db.session.scalars(sa.select(Referral).order_by(Referral.id.desc())).first()
        if current.status.is_closed:
            current = make_referral(cast.giver, cast.receiver, given_days_ago=30)
        version = data.draw(st.sampled_from([str(current.version_id)]) | one_of_text("1"))
        response = client.post(
            f"/referrals/{current.id}/status",
            data={"csrf_token": token, "version_id": version, **values},
        )
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    referrals = list(db.session.scalars(sa.select(Referral)))
    assert any(referral.status is not ReferralStatus.GIVEN for referral in referrals)
    for referral in referrals:
        if referral.status is ReferralStatus.WON:
            assert 0 < referral.closed_value_cents <= MAX_VALUE_CENTS
            assert given_on(referral) <= referral.closed_on <= today
        else:
            assert referral.closed_value_cents is None
        if referral.status.is_open:
            assert referral.closed_on is None
        stages = [event.to_status.stage for event in referral.events]
        assert stages == sorted(set(stages)), "a referral only moves forward"
        assert referral.events[-1].to_status is referral.status
        assert all(is_stored_text(event.note, 1000) for event in referral.events)
