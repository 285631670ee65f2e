"""How a sign-in starts and ends, line by line of chamber/auth/sessions.py (the survivors of
`make mutation`, issue 12): a fresh session at every sign-in, a cookie that outlives the
browser's session, where a staff member who must set up two-factor sign-in may still go, and
the remember cookie deleted with the attributes it was set with."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, csrf_token

REMEMBER = "chamber_remember"
SESSION = "chamber_session"


def _sign_in(client, member, *, remember: bool = False):
    data = {"email": member.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def _set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


# Starting a session ---------------------------------------------------------------------------


def test_nothing_from_before_the_sign_in_carries_over_into_the_session(client, make_member):
    csrf_token(client)
    with client.session_transaction() as before:
        before["planted"] = "by someone who used this browser before"
    _sign_in(client, make_member())
    with client.session_transaction() as after:
        assert "planted" not in after
        assert "_user_id" in after  # and the member is signed in


def test_the_session_cookie_outlives_the_browser_session(client, make_member):
    """A permanent session: the cookie carries an expiry (the idle limit), so the session
    survives a reload and the idle clock is the server's, not the browser's."""
    response = _sign_in(client, make_member())
    (cookie,) = _set_cookie_headers(response, SESSION)
    assert "Expires=" in cookie


def test_a_fresh_sign_in_counts_as_recent_for_changing_how_one_signs_in(client, make_member):
    _sign_in(client, make_member())
    assert client.get("/settings/two-factor/setup").status_code == 200


# A staff member who must set up two-factor sign-in ---------------------------------------------


@pytest.fixture
def unprepared_staff(app, client, make_member, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_TWO_FACTOR", "required")
    staff = make_member(is_staff=True)
    _sign_in(client, staff)
    return staff


@pytest.mark.parametrize(
    "path", ["/settings/two-factor", "/settings/two-factor/setup", "/reauthenticate"]
)
def test_the_steps_of_setting_it_up_stay_open(client, unprepared_staff, path):
    assert client.get(path).status_code == 200


def test_the_stylesheet_stays_open_so_the_setup_page_looks_like_the_site(client, unprepared_staff):
    response = client.get("/static/css/chamber.css")
    assert response.status_code == 200 and b"{" in response.data


def test_signing_out_stays_open(client, unprepared_staff):
    response = client.post(
        "/logout", data={"csrf_token": csrf_token(client, "/settings/two-factor")}
    )
    assert response.status_code == 302 and "/settings/two-factor" not in response.location
    assert client.get("/dashboard").status_code == 302  # signed out


def test_any_other_page_leads_to_the_setup_with_the_reason(client, unprepared_staff):
    response = client.get("/dashboard", follow_redirects=True)
    assert response.request.path == "/settings/two-factor"
    assert "Staff accounts use two-factor sign-in. Set it up to continue." in response.get_data(
        as_text=True
    )


# Ending it -------------------------------------------------------------------------------------


def test_sign_out_deletes_the_remember_cookie_with_the_attributes_it_was_set_with(
    app, client, make_member, monkeypatch
):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    _sign_in(client, make_member(), remember=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    (deleted,) = _set_cookie_headers(response, REMEMBER)
    attributes = [part.strip() for part in deleted.split(";")]
    assert "Max-Age=0" in attributes or any(
        a.startswith("Expires=Thu, 01 Jan 1970") for a in attributes
    )
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= set(attributes)


def test_sign_out_of_a_browser_without_a_remember_cookie_deletes_nothing_else(client, make_member):
    _sign_in(client, make_member())
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    assert _set_cookie_headers(response, REMEMBER) == []
    assert _set_cookie_headers(response, "remember_token") == []
