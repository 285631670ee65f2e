"""Signing in and out: credentials, enumeration, rate limits, sessions, safe redirects."""

import re
import time

import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.auth.views import safe_next
from tests.conftest import TEST_PASSWORD, csrf_token


def _login_post(client, email, password, **extra):
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client), **extra},
    )


def test_member_signs_in_and_lands_on_the_dashboard(client, make_member):
    member = make_member(full_name="Ann Baker")
    response = _login_post(client, member.email.upper(), TEST_PASSWORD)  # e-mail case ignored
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert "Hello, Ann" in client.get("/dashboard").get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_page(client, make_member):
    member = make_member()
    wrong = _login_post(client, member.email, "not the password")
    unknown = _login_post(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 200

    def page(response, email):
        html = response.get_data(as_text=True).replace(email, "EMAIL")
        return re.sub(r'value="[^"]{40,}"', 'value="TOKEN"', html)

    assert "E-mail or password is incorrect." in page(wrong, member.email)
    assert page(wrong, member.email) == page(unknown, "nobody@example.org")


def test_deactivated_member_cannot_sign_in(client, make_member):
    member = make_member(is_active=False)
    response = _login_post(client, member.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "E-mail or password is incorrect." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_invited_member_without_password_cannot_sign_in(client, make_member):
    member = make_member(password=None)
    assert "incorrect" in _login_post(client, member.email, "anything at all").get_data(
        as_text=True
    )


def test_sign_ins_are_audited_ok_and_failed(client, db, make_member):
    member = make_member()
    _login_post(client, member.email, "wrong password!")
    _login_post(client, member.email, TEST_PASSWORD)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["auth.sign_in_failed", "auth.sign_in"]
    rows = db.session.scalars(sa.select(AuditEntry)).all()
    assert all(
        "wrong password!" not in str(row.before) + str(row.after) + row.summary for row in rows
    )


def test_eleventh_sign_in_post_from_one_address_in_a_minute_is_refused(client, make_member):
    member = make_member()
    token = csrf_token(client)
    for _ in range(10):
        response = client.post(
            "/login", data={"email": f"x{_}@example.org", "password": "x", "csrf_token": token}
        )
        assert response.status_code == 200
    response = client.post(
        "/login", data={"email": member.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_twenty_failures_per_account_per_hour_then_refused(
    app, client, make_member, clock, monkeypatch
):
    """Failures per account climb a ladder of waits (5 a minute, 10 in ten minutes, 20 an
    hour); after the hour the owner may try again: no permanent lock-out."""
    member = make_member()
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1000 per minute")  # only the account
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURE_LIMIT", "1000 per minute")
    token = csrf_token(client)

    def attempt(password):
        return client.post(
            "/login", data={"email": member.email, "password": password, "csrf_token": token}
        ).status_code

    for minute in range(4):
        if minute == 2:
            clock.advance(10 * 60)  # the ten-minute window is full after two minutes
        assert [attempt("bad") for _ in range(5)] == [200] * 5
        assert attempt(TEST_PASSWORD) == 429  # even the right password waits its turn
        clock.advance(61)
    clock.advance(10 * 60)
    assert attempt(TEST_PASSWORD) == 429  # twenty failures within the hour
    # Another account from the same address is not slowed.
    assert _login_post(app.test_client(), make_member().email, TEST_PASSWORD).status_code == 302
    clock.advance(60 * 60)
    token = csrf_token(client)  # the session idled out meanwhile
    assert attempt(TEST_PASSWORD) == 302


def test_successful_sign_ins_do_not_count_towards_the_account_limit(
    app, client, make_member, monkeypatch
):
    member = make_member()
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1000 per minute")
    for _ in range(25):
        assert _login_post(client, member.email, TEST_PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})


def test_sign_in_without_csrf_token_is_refused(client, make_member):
    member = make_member()
    client.get("/login")
    response = client.post("/login", data={"email": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_sign_out_is_post_only_and_needs_csrf(client, make_member, login):
    login(make_member())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app, client, make_member, login):
    login(make_member())
    stolen = client.get_cookie("chamber_session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    thief = app.test_client()
    thief.set_cookie("chamber_session", stolen)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


def test_new_session_at_sign_in(app, client, make_member):
    member = make_member()
    client.get("/login")
    before = client.get_cookie("chamber_session").value
    _login_post(client, member.email, TEST_PASSWORD)
    after = client.get_cookie("chamber_session").value
    assert before != after
    # The anonymous cookie from before sign-in grants nothing.
    other = app.test_client()
    other.set_cookie("chamber_session", before)
    assert other.get("/dashboard").status_code == 302


def test_session_ends_after_the_absolute_limit(client, make_member, login):
    login(make_member())
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 13 * 3600
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


def test_idle_session_expires(app, client, make_member, login, monkeypatch):
    login(make_member())
    assert client.get("/dashboard").status_code == 200
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 31 * 60)
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


def test_session_cookie_flags(client, make_member):
    member = make_member()
    response = _login_post(client, member.email, TEST_PASSWORD)
    cookie = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("chamber_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signed_in_visitor_to_login_goes_to_dashboard(client, make_member, login):
    login(make_member())
    assert client.get("/login").location.endswith("/dashboard")


def test_local_next_is_followed(client, make_member):
    member = make_member()
    response = _login_post(client, member.email, TEST_PASSWORD, next="/committees?x=1")
    assert response.location.endswith("/committees?x=1")


BAD_NEXT = [
    "http://evil.example",
    "https://evil.example/path",
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%252F%252Fevil.example",
    "https:evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    "ftp://evil.example",
    "evil.example",
    "@evil.example",
    "/\tevil.example",
    "/\r\nLocation: http://evil.example",
    "/%0d%0aLocation:%20http://evil.example",
    "/\x00//evil.example",
    "  //evil.example",
    "\t//evil.example",
    "//evil.example/%2F..",
    "/.//evil.example@",
    "http://127.0.0.1:5000@evil.example",
    "https://evil.example?next=/dashboard",
    "//%09/evil.example",
    "/%09/evil.example",
    "%09//evil.example",
    "//evil%2Eexample",
    "/ /evil.example".replace(" ", "\\"),
    "mailto:a@evil.example",
    b"\\x2F\\x2Fevil.example".decode("unicode_escape"),
]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_next_never_leaves_the_site(target):
    result = safe_next(target)
    assert result is None or (result.startswith("/") and not result.startswith(("//", "/\\")))


def test_bad_next_table_is_large_enough():
    assert len(BAD_NEXT) >= 40


@pytest.mark.parametrize("target", BAD_NEXT[:12])
def test_sign_in_with_bad_next_goes_to_the_dashboard(client, make_member, target):
    member = make_member()
    response = _login_post(client, member.email, TEST_PASSWORD, next=target)
    assert response.status_code == 302
    assert response.location in ("/dashboard", "http://localhost/dashboard")


def test_login_form_keeps_the_email_on_failure(client):
    body = _login_post(client, "typed@example.org", "wrong").get_data(as_text=True)
    assert 'value="typed@example.org"' in body
