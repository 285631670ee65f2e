"""Edges of the remember cookie, the recent-sign-in rule and the e-mailed links, found by
mutation testing (`make mutation`, issue 12): each test fails when its line of
chamber/auth/sessions.py or chamber/auth/tokens.py is loosened."""

from __future__ import annotations

import time

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from chamber.auth import tokens
from chamber.auth.models import PasswordResetLink
from chamber.members.models import Member
from tests.conftest import TEST_PASSWORD, csrf_token

REMEMBER = "chamber_remember"
SESSION = "chamber_session"
SETUP = "/settings/two-factor/setup"  # a page that needs a recent sign-in


def _signed(app, payload, salt: str) -> str:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).dumps(payload)


def _lets_in(app, cookie: str) -> bool:
    browser = app.test_client()
    browser.set_cookie(REMEMBER, cookie)
    response = browser.get("/settings")
    assert response.status_code in (200, 302), response.status_code  # never an error
    return response.status_code == 200


def _sign_in(client, member, *, remember: bool = False):
    data = {"email": member.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


# The remember cookie ------------------------------------------------------------------------


def test_the_remember_cookie_is_signed_for_that_purpose_only(app, make_member):
    member = make_member()
    payload = [member.session_token, int(time.time())]
    # Signed as Chamber signs it: a cookie given before a restart or a deploy still works.
    assert _lets_in(app, _signed(app, payload, "chamber-remember"))
    # The same secret used for anything else (itsdangerous' default, the e-mailed links)
    # never makes a remember cookie.
    for other in ("itsdangerous", "chamber-invitation", "chamber-password-reset"):
        assert not _lets_in(app, _signed(app, payload, other)), other


def test_a_cookie_signed_longer_ago_than_the_limit_is_refused_whatever_it_says_inside(
    app, make_member, clock
):
    member = make_member()
    limit = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    # Inside, it claims a sign-in that will look recent once the clock has moved on...
    cookie = _signed(app, [member.session_token, int(time.time()) + limit], "chamber-remember")
    clock.advance(limit + 60)
    # ...but its signature is older than the limit.
    assert not _lets_in(app, cookie)


def test_a_validly_signed_cookie_with_nonsense_inside_gets_no_one_in(app, make_member):
    member = make_member()
    now = int(time.time())
    for payload in (
        [member.session_token, "this morning"],
        [member.id, now],
        [member.session_token],
        {"token": member.session_token, "at": now},
    ):
        assert not _lets_in(app, _signed(app, payload, "chamber-remember")), payload


def test_a_member_no_longer_active_is_not_let_back_in_by_their_cookie(app, db, client, make_member):
    member = make_member()
    _sign_in(client, member, remember=True)
    cookie = client.get_cookie(REMEMBER).value
    assert _lets_in(app, cookie)
    # Their business's membership lapsed: the member is inactive, the session token unchanged.
    db.session.execute(sa.update(Member).where(Member.id == member.id).values(is_active=False))
    db.session.commit()
    assert not _lets_in(app, cookie)


def test_the_remember_cookie_is_secure_when_the_site_is(app, client, make_member, monkeypatch):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    response = _sign_in(client, make_member(), remember=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER))
    assert "Secure" in cookie


# A recent sign-in before changing how one signs in -------------------------------------------


def test_a_session_restored_from_the_cookie_must_confirm_it_is_them(client, make_member):
    _sign_in(client, make_member(), remember=True)
    client.delete_cookie(SESSION)  # the browser was closed
    assert client.get("/settings").status_code == 200  # restored from the cookie
    response = client.get(SETUP)
    assert response.status_code == 302 and "/reauthenticate" in response.location


def test_a_sign_in_counts_as_recent_for_exactly_the_configured_minutes(app, client, make_member):
    limit = app.config["REAUTHENTICATE_MINUTES"] * 60
    assert limit < app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    moved = {"by": 0.0}
    real_time = time.time

    class Clock:
        @staticmethod
        def time() -> float:
            return real_time() + moved["by"]

    import chamber.auth.sessions as sessions_module

    _sign_in(client, make_member())
    original = sessions_module.time
    sessions_module.time = Clock
    try:
        moved["by"] = limit - 5
        assert client.get(SETUP).status_code == 200
        moved["by"] = limit + 5
        response = client.get(SETUP)
        assert response.status_code == 302 and "/reauthenticate" in response.location
    finally:
        sessions_module.time = original


# E-mailed links ------------------------------------------------------------------------------


def test_a_reset_link_works_until_its_last_minute(app, db, make_member, clock):
    member = make_member()
    link = PasswordResetLink(member_id=member.id)
    db.session.add(link)
    db.session.flush()
    token = tokens.make_reset_token(member, link)
    db.session.commit()
    clock.advance(app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60 - 60)
    assert app.test_client().get(f"/password/reset/{token}").status_code == 200
    clock.advance(120)
    assert app.test_client().get(f"/password/reset/{token}").status_code != 200


def test_an_invitation_link_expires_to_the_second(app, make_member, clock):
    member = make_member()
    token = tokens.make_token(member, tokens.INVITATION)
    days = app.config["INVITATION_MAX_AGE_DAYS"] * 86400
    clock.advance(days - 60)
    assert app.test_client().get(f"/invitation/{token}").status_code == 200
    clock.advance(60 + 3)
    assert app.test_client().get(f"/invitation/{token}").status_code == 400


def test_validly_signed_links_of_the_wrong_shape_are_refused(app, make_member):
    member = make_member()
    invitation = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="chamber-invitation")
    fingerprint = tokens._fingerprint(member)
    for payload in (
        ["not", "a", "dict"],
        {"m": str(member.id), "f": fingerprint},  # the id must be a number
        {"f": fingerprint},
    ):
        assert tokens.load_token(invitation.dumps(payload), tokens.INVITATION) is None, payload


def _reset_token(app, db, member, *, link_of=None, link_id=None):
    """A reset link signed by the server for `member` (optionally naming another member's
    link, with that member's fingerprint, or a link id that does not exist)."""
    owner = link_of or member
    link = PasswordResetLink(member_id=owner.id)
    db.session.add(link)
    db.session.flush()
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="chamber-password-reset")
    token = serializer.dumps(
        {
            "m": member.id,
            "l": link.id if link_id is None else link_id,
            "f": tokens._password_fingerprint(owner),
        }
    )
    db.session.commit()
    return token


def test_a_reset_link_naming_someone_elses_link_or_none_is_refused(app, db, make_member):
    member, other = make_member(), make_member()
    for token in (
        _reset_token(app, db, member, link_of=other),
        _reset_token(app, db, member, link_id=10_000),
    ):
        assert tokens.load_reset_token(token) is None
        assert app.test_client().get(f"/password/reset/{token}").status_code == 400


def test_someone_elses_newer_link_leaves_mine_working(app, db, make_member):
    member, other = make_member(), make_member()
    mine = _reset_token(app, db, member)
    _reset_token(app, db, other)  # sent later, to someone else
    assert tokens.load_reset_token(mine) is not None


def test_a_reset_link_of_a_member_no_longer_active_is_refused(app, db, make_member):
    member = make_member()
    token = _reset_token(app, db, member)
    db.session.execute(sa.update(Member).where(Member.id == member.id).values(is_active=False))
    db.session.commit()
    assert tokens.load_reset_token(token) is None
