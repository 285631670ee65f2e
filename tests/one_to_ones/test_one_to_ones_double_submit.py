"""No double submit (SECURITY row 20): one rendered log form makes at most one one-to-one."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from chamber.localtime import chamber_today
from chamber.one_to_ones.models import OneToOne
from tests.conftest import csrf_token

_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')


def _one_to_ones(db) -> list[OneToOne]:
    db.session.commit()  # a fresh snapshot: what the requests or threads wrote
    return list(db.session.scalars(sa.select(OneToOne).order_by(OneToOne.id)))


@pytest.fixture
def pair(make_member, login):
    logger = make_member(full_name="Olga Logger", joined_on=date(2020, 1, 1))
    partner = make_member(full_name="Pete Partner")
    login(logger)
    return logger, partner


def _form(partner, token: str, **overrides) -> dict:
    return {
        "partner_id": str(partner.id),
        "met_on": (chamber_today() - timedelta(days=1)).isoformat(),
        "mode": "in_person",
        "note": "Coffee at the bakery",
        "form_token": token,
    } | overrides


def test_each_log_form_carries_a_fresh_token(client, pair):
    _logger, partner = pair
    path = f"/one-to-ones/new?to={partner.id}"
    first = _TOKEN.search(client.get(path).get_data(as_text=True))
    second = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert first and second and first.group(1) != second.group(1)


def test_the_same_form_posted_twice_logs_one_one_to_one(client, db, pair, outbox):
    _logger, partner = pair
    path = f"/one-to-ones/new?to={partner.id}"
    token = _TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
    csrf = csrf_token(client, path)
    first = client.post("/one-to-ones/new", data={"csrf_token": csrf, **_form(partner, token)})
    second = client.post(
        "/one-to-ones/new",
        data={"csrf_token": csrf, **_form(partner, token, note="Retry")},
        follow_redirects=True,
    )
    assert first.status_code == 302
    assert second.status_code == 200
    assert "You had already logged this one-to-one" in second.get_data(as_text=True)
    [one_to_one] = _one_to_ones(db)
    assert one_to_one.note == "Coffee at the bakery"
    assert len(outbox(partner.email)) == 1  # asked to confirm once
