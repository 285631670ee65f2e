"""Kept pages (chamber.pagecache, issue 14): a signed-in page is built once per data version
and served again, and every change is on the very next view."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from chamber import pagecache
from chamber.extensions import db
from chamber.members.models import Member
from chamber.notifications.models import Notification
from chamber.referrals import services as referral_services
from chamber.referrals.models import ReferralTemperature


@pytest.fixture
def sign_in(signed_in):
    def signed_in_and_welcomed(member):
        browser = signed_in(member)
        browser.get("/settings")  # shows (and so ends) the sign-in's welcome message
        return browser

    return signed_in_and_welcomed


@pytest.fixture
def statements(count_queries):
    """statements(callable) -> how many SQL statements it ran, kept pages on."""

    def count(act) -> int:
        with count_queries(kept=True) as counted:
            act()
        return counted.count

    return count


def _give(giver, receiver, prospect: str) -> None:
    referral_services.give_referral(
        giver,
        receiver,
        {
            "prospect_name": prospect,
            "prospect_email": "pat@prospect.example",
            "prospect_phone": "+1 555 0100",
            "need": "A new roof before winter.",
            "temperature": ReferralTemperature.HOT,
        },
    )
    db.session.commit()


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_kept_page_is_served_again_and_a_change_shows_on_the_next_view(
    make_member, sign_in, statements
):
    giver, receiver = make_member(full_name="Gina Giver"), make_member(full_name="Rick Receiver")
    browser = sign_in(receiver)
    built = statements(lambda: browser.get("/referrals"))
    kept = statements(lambda: browser.get("/referrals"))
    # Served kept: the signed-in member read with the version, none of the page's own work.
    assert kept == 1 < built
    assert "Lakeside Florist" not in _text(browser.get("/referrals"))

    _give(giver, receiver, "Lakeside Florist")
    after = _text(browser.get("/referrals"))
    assert "Lakeside Florist" in after  # the version moved with the commit: a new key
    # and the header's unread count moved with it
    assert "Lakeside Florist" in _text(browser.get("/referrals"))


def test_every_write_through_the_engine_moves_the_version_and_a_rollback_does_not(app):
    member_table = Member.__table__
    before = pagecache.page_version()
    db.session.rollback()
    db.session.execute(sa.text("SELECT 1"))
    db.session.commit()  # read only
    assert pagecache.page_version() == before
    db.session.rollback()

    db.session.execute(sa.update(member_table).where(member_table.c.id == -1).values(bio="x"))
    db.session.rollback()  # written, then rolled back
    assert pagecache.page_version() == before
    db.session.rollback()

    db.session.execute(sa.update(member_table).where(member_table.c.id == -1).values(bio="x"))
    db.session.commit()  # a Core UPDATE (even of no row) is a write
    assert pagecache.page_version() == before + 1
    db.session.rollback()

    with db.engine.begin() as connection:  # outside the session: the CLI, the workers
        connection.execute(sa.delete(Notification.__table__).where(Notification.id == -1))
    assert pagecache.page_version() == before + 2


def test_members_never_see_each_others_kept_page(make_member, sign_in):
    ana, ben = make_member(full_name="Ana Ruiz"), make_member(full_name="Ben Okafor")
    ana_browser, ben_browser = sign_in(ana), sign_in(ben)
    for _ in range(2):
        assert "Ana Ruiz" in _text(ana_browser.get("/dashboard"))
        page = _text(ben_browser.get("/dashboard"))
        assert "Ben Okafor" in page and "Ana Ruiz" not in page


def test_each_sign_in_gets_pages_with_its_own_csrf_token(make_member, sign_in):
    ana = make_member(full_name="Ana Ruiz")
    tokens = []
    for _ in range(2):
        browser = sign_in(ana)
        for _ in range(2):  # built, then kept
            page = _text(browser.get("/dashboard"))
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        tokens.append(token)
        # the token on this browser's kept page works for this browser
        assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
        assert browser.get("/dashboard").status_code == 302  # signed out
    assert tokens[0] != tokens[1]


def test_a_flashed_message_is_shown_even_when_the_page_is_kept(make_member, sign_in):
    ana = make_member(full_name="Ana Ruiz")
    browser = sign_in(ana)
    _text(browser.get("/dashboard"))
    _text(browser.get("/dashboard"))  # kept now
    with browser.session_transaction() as session:
        session["_flashes"] = [("info", "Your referral is on its way.")]
    assert "Your referral is on its way." in _text(browser.get("/dashboard"))
    assert "Your referral is on its way." not in _text(browser.get("/dashboard"))


def test_a_kept_page_lives_a_minute_at_most(make_member, sign_in, monkeypatch, statements):
    ana = make_member(full_name="Ana Ruiz")
    browser = sign_in(ana)
    now = [time.time()]
    monkeypatch.setattr(pagecache, "time", SimpleNamespace(time=lambda: now[0]))
    browser.get("/dashboard")
    browser.get("/dashboard")
    kept = statements(lambda: browser.get("/dashboard"))
    now[0] += 61
    rebuilt = statements(lambda: browser.get("/dashboard"))
    assert rebuilt > kept


def test_pages_are_never_kept_when_switched_off(app, make_member, sign_in, statements):
    ana = make_member(full_name="Ana Ruiz")
    browser = sign_in(ana)
    app.config["PAGE_CACHE_SECONDS"] = 0
    try:
        browser.get("/dashboard")
        counts = {statements(lambda: browser.get("/dashboard")) for _ in range(2)}
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 60
    assert min(counts) > 3


def test_a_page_that_wrote_is_not_kept(app, make_member, sign_in, statements, monkeypatch):
    """A page whose request wrote shows what it wrote; kept, a second view would skip it."""
    ana = make_member(full_name="Ana Ruiz")
    browser = sign_in(ana)
    from chamber.portal import views

    real = views.panels.dashboard_panels

    def writing(member):
        db.session.execute(
            sa.update(Member.__table__).where(Member.__table__.c.id == -1).values(bio="")
        )
        return real(member)

    monkeypatch.setattr(views.panels, "dashboard_panels", writing)
    built = [statements(lambda: browser.get("/dashboard")) for _ in range(3)]
    assert min(built) > 3


def test_a_page_kept_by_another_release_is_not_served(app, make_member, sign_in, statements):
    """A page kept in a shared cache (Redis) before a deploy is built again after it."""
    browser = sign_in(make_member(full_name="Ana Ruiz"))
    browser.get("/dashboard")
    assert statements(lambda: browser.get("/dashboard")) == 1
    release = app.extensions["chamber_pages_release"]
    app.extensions["chamber_pages_release"] = "the-next-release"
    try:
        assert statements(lambda: browser.get("/dashboard")) > 1
    finally:
        app.extensions["chamber_pages_release"] = release


def test_pages_are_built_when_the_shared_cache_does_not_answer(make_member, sign_in, monkeypatch):
    """Redis down: every page is built, none fails."""
    browser = sign_in(make_member(full_name="Ana Ruiz"))

    def down(*_args, **_kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(pagecache.pages, "get", down)
    monkeypatch.setattr(pagecache.pages, "set", down)
    for _ in range(2):
        assert "Ana Ruiz" in _text(browser.get("/dashboard"))
