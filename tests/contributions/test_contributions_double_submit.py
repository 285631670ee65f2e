"""No double submit (SECURITY row 20): one rendered log form makes at most one contribution."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from chamber.contributions.models import Contribution
from chamber.localtime import chamber_today
from tests.conftest import csrf_token

_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')


def _contributions(db) -> list[Contribution]:
    db.session.commit()  # a fresh snapshot: what the requests or threads wrote
    return list(db.session.scalars(sa.select(Contribution).order_by(Contribution.id)))


@pytest.fixture
def member_on_committee(make_member, make_committee, login):
    member = make_member(joined_on=date(2020, 1, 1))
    committee = make_committee(members=[member])
    login(member)
    return member, committee


def _form(committee, token: str, **overrides) -> dict:
    return {
        "committee_id": str(committee.id),
        "project_id": "0",
        "kind": "task",
        "hours": "1.5",
        "contributed_on": (chamber_today() - timedelta(days=2)).isoformat(),
        "mode": "in_person",
        "description": "Printed the festival flyers",
        "form_token": token,
    } | overrides


def test_each_log_form_carries_a_fresh_token(client, member_on_committee):
    first = _TOKEN.search(client.get("/work/new").get_data(as_text=True))
    second = _TOKEN.search(client.get("/work/new").get_data(as_text=True))
    assert first and second and first.group(1) != second.group(1)


def test_the_same_form_posted_twice_logs_one_contribution(client, db, member_on_committee):
    _member, committee = member_on_committee
    token = _TOKEN.search(client.get("/work/new").get_data(as_text=True)).group(1)
    csrf = csrf_token(client, "/work/new")
    first = client.post("/work/new", data={"csrf_token": csrf, **_form(committee, token)})
    second = client.post(
        "/work/new",
        data={"csrf_token": csrf, **_form(committee, token, description="Retry")},
        follow_redirects=True,
    )
    assert first.status_code == 302
    assert second.status_code == 200
    assert "You had already sent this contribution" in second.get_data(as_text=True)
    [contribution] = _contributions(db)
    assert contribution.description == "Printed the festival flyers"


def test_a_form_without_a_valid_token_is_refused(client, db, member_on_committee):
    _member, committee = member_on_committee
    csrf = csrf_token(client, "/work/new")
    for token in ("", "not-a-uuid"):
        response = client.post("/work/new", data={"csrf_token": csrf, **_form(committee, token)})
        assert response.status_code == 400
        assert "This form has expired" in response.get_data(as_text=True)
    assert _contributions(db) == []
