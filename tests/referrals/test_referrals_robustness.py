"""Bad input never crashes the referral forms; notes are escaped; changes are announced."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chamber import activity
from chamber.referrals import services
from chamber.referrals.models import MAX_VALUE_CENTS, Referral, ReferralStatus
from tests.conftest import csrf_token
from tests.referrals.conftest import form_token_of

text = st.text(max_size=300)
FUZZ = settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}'


def _check_rows(db):
    db.session.expire_all()
    for referral in db.session.scalars(sa.select(Referral)):
        assert referral.prospect_name and len(referral.prospect_name) <= 120
        assert referral.prospect_email or referral.prospect_phone
        if referral.closed_value_cents is not None:
            assert 0 < referral.closed_value_cents <= MAX_VALUE_CENTS
        assert referral.status is not None


@pytest.mark.slow
def test_give_form_never_answers_500(db, cast, signed_in):
    client = signed_in(cast.giver)
    token = csrf_token(client, f"/referrals/new?to={cast.receiver.id}")
    fields = [
        "receiver",
        "prospect_name",
        "prospect_email",
        "prospect_phone",
        "need",
        "temperature",
        "how",
        "form_token",
    ]

    @FUZZ
    @given(st.fixed_dictionaries({name: text for name in fields}))
    def post(values):
        response = client.post("/referrals/new", data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    _check_rows(db)


@pytest.mark.slow
def test_work_thank_and_correct_forms_never_answer_500(db, cast, make_referral, signed_in):
    referral = make_referral(cast.giver, cast.receiver)
    receiver, staff = signed_in(cast.receiver), signed_in(cast.staff)
    token_r = csrf_token(receiver, f"/referrals/{referral.id}")
    token_s = csrf_token(staff, f"/staff/referrals/{referral.id}/correct")

    @FUZZ
    @given(
        st.fixed_dictionaries(
            {
                "status": st.sampled_from([s.value for s in ReferralStatus]) | text,
                "closed_value": text,
                "closed_on": text,
                "note": text,
                "version_id": text,
                "reason": text,
            }
        )
    )
    def post(values):
        for client, path, token in (
            (receiver, f"/referrals/{referral.id}/status", token_r),
            (receiver, f"/referrals/{referral.id}/thank", token_r),
            (staff, f"/staff/referrals/{referral.id}/correct", token_s),
        ):
            response = client.post(path, data={"csrf_token": token, **values})
            assert response.status_code in (200, 302, 400), (path, response.status_code)

    post()
    _check_rows(db)


def test_notes_reasons_and_thanks_are_escaped_everywhere(db, cast, make_referral, signed_in):
    referral = make_referral(cast.giver, cast.receiver)
    services.change_referral_status(
        cast.receiver,
        referral,
        ReferralStatus.CONTACTED,
        version_id=referral.version_id,
        note=PAYLOAD,
    )
    services.thank_giver(cast.receiver, referral, PAYLOAD)
    services.correct_referral(
        cast.staff,
        referral,
        ReferralStatus.LOST,
        version_id=referral.version_id,
        closed_value_cents=None,
        closed_on=None,
        reason=PAYLOAD,
    )
    db.session.commit()
    for member, paths in (
        (cast.giver, [f"/referrals/{referral.id}", "/notifications", "/dashboard"]),
        (cast.staff, [f"/referrals/{referral.id}", "/staff/referrals/"]),
    ):
        client = signed_in(member)
        for path in paths:
            body = client.get(path).get_data(as_text=True)
            assert "<script>alert(1)" not in body and "<img src=x" not in body, path
    body = signed_in(cast.giver).get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # note, thanks, reason


def test_every_change_is_announced_to_derived_data(db, cast, make_referral):
    heard: list[tuple[int, str]] = []

    def listener(sender, referral, change):
        heard.append((sender.id, change))

    activity.referral_changed.connect(listener)
    try:
        referral = make_referral(cast.giver, cast.receiver)
        services.change_referral_status(
            cast.receiver,
            referral,
            ReferralStatus.WON,
            version_id=referral.version_id,
            closed_value_cents=5_000,
            closed_on=services.chamber_today(),
        )
        services.thank_giver(cast.receiver, referral, "Thanks!")
        services.correct_referral(
            cast.staff,
            referral,
            ReferralStatus.WON,
            version_id=referral.version_id,
            closed_value_cents=6_000,
            closed_on=services.chamber_today(),
            reason="Typo",
        )
    finally:
        activity.referral_changed.disconnect(listener)
    assert heard == [
        (cast.giver.id, "given"),
        (cast.receiver.id, "status"),
        (cast.receiver.id, "thanked"),
        (cast.staff.id, "value"),
    ]


def test_the_give_form_after_a_refusal_keeps_its_token(client, db, cast, login, give_form):
    login(cast.giver)
    response = give_form(cast.receiver, need="")
    token = form_token_of(response.get_data(as_text=True))
    assert give_form(cast.receiver, token=token).status_code == 302
    assert give_form(cast.receiver, token=token).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 1
