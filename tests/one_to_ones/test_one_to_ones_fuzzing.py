"""Bad input never crashes the one-to-one form, and nothing outside its rules is stored
(SECURITY row 14)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from chamber.enums import WorkMode
from chamber.localtime import chamber_today
from chamber.once import FormSubmission
from chamber.one_to_ones.models import OneToOne, OneToOneStatus
from tests.conftest import csrf_token
from tests.fuzz import (
    FUZZ,
    dates,
    form_posts,
    form_tokens,
    fresh_token,
    is_stored_text,
    is_uuid,
    numbers,
    one_of_text,
)


@pytest.mark.slow
def test_one_to_one_form_never_answers_500_and_stores_only_valid_rows(
    client, db, make_member, login
):
    logger = make_member(joined_on=date(2022, 1, 1))
    partner = make_member(joined_on=date(2022, 1, 1))
    gone = make_member(is_active=False)
    login(logger)
    token, reused = csrf_token(client), "6f1c7d2e-3b5a-4c8e-9f00-123456789abc"
    people = [partner.id, logger.id, gone.id, 0]
    today = chamber_today()

    @FUZZ
    @given(
        form_posts(
            {
                "partner_id": st.just(str(partner.id)),
                # many days, so that valid posts are not all refused as the same day's duplicate
                "met_on": st.integers(0, 700).map(lambda d: (today - timedelta(d)).isoformat()),
                "mode": st.sampled_from([mode.value for mode in WorkMode]),
                "note": st.just("Coffee"),
                "form_token": fresh_token(),
            },
            {
                "partner_id": one_of_text(*people) | numbers(),
                "met_on": dates(today),
                "mode": one_of_text(*(mode.value for mode in WorkMode)),
                "note": one_of_text("Coffee"),
                "form_token": form_tokens(reused),
            },
        )
    )
    def post(values):
        response = client.post("/one-to-ones/new", data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    tokens = db.session.scalars(sa.select(FormSubmission.token)).all()
    assert all(is_uuid(token) for token in tokens)  # one per saved form, nothing else
    rows = list(db.session.scalars(sa.select(OneToOne)))
    assert rows
    for one_to_one in rows:
        assert (one_to_one.logged_by_id, one_to_one.partner_id) == (logger.id, partner.id)
        assert logger.joined_on <= one_to_one.met_on <= today
        assert one_to_one.mode in WorkMode and one_to_one.status is OneToOneStatus.PENDING
        assert is_stored_text(one_to_one.note, 500)
    assert len({row.met_on for row in rows}) == len(rows)  # one per pair and day
