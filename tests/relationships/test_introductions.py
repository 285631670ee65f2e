"""Introductions: asked of the first person on the chain; contacts shared only after they
accept; both notified; audited; decided once; rate-limited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.exceptions import Conflict
from chamber.extensions import db
from chamber.notifications.models import Notification
from chamber.relationships import services
from chamber.relationships.models import Introduction, IntroductionStatus
from tests.conftest import csrf_token


@pytest.fixture
def chain_of_three(make_member, make_tie):
    me = make_member(full_name="Mia Asker", email="mia@example.org", phone="+1 555 0100")
    friend = make_member(full_name="Fred Between", email="fred@example.org")
    target = make_member(full_name="Tara Target", email="tara@example.org", phone="+1 555 0199")
    make_tie(me, friend, 4.0)
    make_tie(friend, target, 4.0)
    return me, friend, target


def _ask(client, target, message="We both do catering."):
    page = client.get(f"/network/introductions/new?to={target.id}").get_data(as_text=True)
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        "/network/introductions/new",
        data={
            "csrf_token": csrf_token(client, f"/network/introductions/new?to={target.id}"),
            "form_token": token,
            "target_id": target.id,
            "message": message,
        },
    )


def test_contacts_are_shared_only_after_the_introducer_accepts(
    chain_of_three, client, login, post, app
):
    me, friend, target = chain_of_three
    login(me)
    response = _ask(client, target)
    assert response.status_code == 302
    introduction = db.session.scalar(sa.select(Introduction))
    assert introduction.introducer_id == friend.id and introduction.target_id == target.id
    page = client.get("/network/introductions").get_data(as_text=True)
    assert "Waiting" in page
    assert "tara@example.org" not in page and "+1 555 0199" not in page
    asked = db.session.scalars(sa.select(Notification).where(Notification.member_id == friend.id))
    assert [n.kind for n in asked] == ["introduction_asked"]

    post("/logout")
    other = app.test_client()
    login_other = other.post(
        "/login",
        data={
            "email": target.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(other),
        },
    )
    assert login_other.status_code == 302
    target_page = other.get("/network/introductions").get_data(as_text=True)
    assert "mia@example.org" not in target_page  # nothing shared while it waits

    login(friend)
    decided = post(
        f"/network/introductions/{introduction.id}/accept", form_page="/network/introductions"
    )
    assert decided.status_code == 302
    db.session.refresh(introduction)
    assert introduction.status is IntroductionStatus.ACCEPTED
    again = post(
        f"/network/introductions/{introduction.id}/decline", form_page="/network/introductions"
    )
    assert again.status_code == 403  # decided once
    target_page = other.get("/network/introductions").get_data(as_text=True)
    assert "mia@example.org" in target_page and "+1 555 0100" in target_page
    post("/logout")
    login(me)
    page = client.get("/network/introductions").get_data(as_text=True)
    assert "tara@example.org" in page and "+1 555 0199" in page
    told = {
        n.member_id: n.kind
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.kind == "introduction_answered")
        )
    }
    assert told == {me.id: "introduction_answered", target.id: "introduction_answered"}
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "introduction.asked" in actions and "introduction.accepted" in actions


def test_only_the_member_asked_decides(chain_of_three, client, login, post):
    me, friend, target = chain_of_three
    login(me)
    _ask(client, target)
    introduction = db.session.scalar(sa.select(Introduction))
    response = post(
        f"/network/introductions/{introduction.id}/accept", form_page="/network/introductions"
    )
    assert response.status_code == 403
    db.session.refresh(introduction)
    assert introduction.status is IntroductionStatus.PENDING


def test_a_second_decision_is_refused_and_the_first_stands(chain_of_three, client, login):
    me, friend, target = chain_of_three
    login(me)
    _ask(client, target)
    introduction = db.session.scalar(sa.select(Introduction))
    services.decide_introduction(friend, introduction, True)
    # A second decision that was on its way (read while the request still waited) is refused.
    with pytest.raises(Conflict, match="already answered"):
        services.decide_introduction(friend, introduction, False)
    db.session.refresh(introduction)
    assert introduction.status is IntroductionStatus.ACCEPTED


def test_asking_is_rate_limited_per_day(make_member, make_tie, client, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "RELATIONSHIP_INTRODUCTIONS_PER_DAY", 2)
    me, friend = make_member(), make_member()
    make_tie(me, friend, 4.0)
    targets = [make_member() for _ in range(3)]
    for target in targets:
        make_tie(friend, target, 4.0)
    login(me)
    assert _ask(client, targets[0]).status_code == 302
    assert _ask(client, targets[1]).status_code == 302
    refused = _ask(client, targets[2])
    assert refused.status_code == 400
    assert "2 introductions a day" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Introduction)) == 2


def test_a_direct_tie_needs_no_introduction_and_the_form_says_so(
    make_member, make_tie, client, login
):
    me, friend = make_member(), make_member()
    make_tie(me, friend, 4.0)
    login(me)
    response = client.get(f"/network/introductions/new?to={friend.id}")
    html = response.get_data(as_text=True)
    assert 'class="connection-chain"' in html
    assert 'name="message"' not in html  # nobody between us to ask
    assert client.get("/network/introductions/new?to=999999").status_code == 404
