"""One-to-ones: logged by one member, confirmed (or declined) by the other, only then counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from chamber import activity
from chamber.localtime import chamber_today
from chamber.once import new_form_token
from chamber.one_to_ones.models import OneToOne, OneToOneStatus


@pytest.fixture
def pair(make_member):
    return (
        make_member(full_name="Olga Logger", joined_on=date(2020, 1, 1)),
        make_member(full_name="Pete Partner", email="pete@example.org"),
    )


def _form(partner, **overrides) -> dict:
    return {
        "partner_id": str(partner.id),
        "met_on": (chamber_today() - timedelta(days=1)).isoformat(),
        "mode": "in_person",
        "note": "Coffee at the bakery",
        "form_token": new_form_token(),  # one per rendered form, as the page would carry
    } | overrides


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OneToOne))


def test_log_and_confirm(pair, login, post, client, outbox, db):
    logger, partner = pair
    login(logger)
    assert post("/one-to-ones/new", _form(partner)).status_code == 302
    one_to_one = db.session.scalar(sa.select(OneToOne))
    assert one_to_one.status is OneToOneStatus.PENDING
    assert "Confirm your one-to-one with Olga Logger" in outbox("pete@example.org")[0].subject
    # The logger cannot confirm it themselves.
    assert post(f"/one-to-ones/{one_to_one.id}/confirm").status_code == 403
    client.delete_cookie("chamber_session")
    login(partner)
    assert "Olga Logger" in client.get("/dashboard").get_data(as_text=True)
    confirmed = []

    def receiver(sender, **kw):
        confirmed.append(kw["one_to_one"].id)

    with activity.one_to_one_confirmed.connected_to(receiver):
        post(f"/one-to-ones/{one_to_one.id}/confirm", form_page="/one-to-ones")
        response = post(
            f"/one-to-ones/{one_to_one.id}/confirm", form_page="/one-to-ones", follow_redirects=True
        )
    assert "already answered" in response.get_data(as_text=True)
    db.session.refresh(one_to_one)
    assert one_to_one.status is OneToOneStatus.CONFIRMED
    assert confirmed == [one_to_one.id]


def test_decline_and_withdraw(pair, make_member, login, post, client, db):
    logger, partner = pair
    login(logger)
    post("/one-to-ones/new", _form(partner))
    one_to_one = db.session.scalar(sa.select(OneToOne))
    post(f"/one-to-ones/{one_to_one.id}/withdraw", form_page="/one-to-ones")
    assert _count(db) == 0
    post("/one-to-ones/new", _form(partner))
    one_to_one = db.session.scalar(sa.select(OneToOne))
    client.delete_cookie("chamber_session")
    login(partner)
    post(f"/one-to-ones/{one_to_one.id}/decline", form_page="/one-to-ones")
    db.session.refresh(one_to_one)
    assert one_to_one.status is OneToOneStatus.DECLINED
    client.delete_cookie("chamber_session")
    login(make_member())  # a third member can neither see nor answer it
    assert post(f"/one-to-ones/{one_to_one.id}/confirm").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"met_on": "2999-01-01"}, "This date is in the future."),
        ({"met_on": "2019-12-31"}, "before you joined the chamber"),
        ({"met_on": ""}, "Enter the date."),
        ({"partner_id": "0"}, "Choose the member you met."),
        ({"partner_id": "abc"}, "Choose the member you met."),
        ({"partner_id": "99999999999999999999"}, "Choose the member you met."),
        ({"form_token": "not-a-uuid"}, "This form has expired. Please reload the page."),
        ({"mode": "telepathy"}, "Not a valid choice"),
        ({"note": "x" * 501}, "Field cannot be longer than 500 characters."),
    ],
)
def test_bad_input_keeps_the_form(pair, login, post, db, overrides, message):
    logger, partner = pair
    login(logger)
    response = post("/one-to-ones/new", _form(partner, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert _count(db) == 0


def test_self_and_duplicate_refused(pair, login, post, db):
    logger, partner = pair
    login(logger)
    response = post("/one-to-ones/new", _form(logger))
    assert response.status_code == 400
    post("/one-to-ones/new", _form(partner))
    response = post("/one-to-ones/new", _form(partner))
    assert response.status_code == 400
    assert "already logged" in response.get_data(as_text=True)
    assert _count(db) == 1
