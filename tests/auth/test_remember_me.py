""" "Keep me signed in" (issue 7 defect 5, SECURITY "defaults that are wrong for us"): at most
12 hours counted from the real sign-in, with a cookie the server refuses after that, and that
sign-out deletes."""

from flask_login.utils import encode_cookie

from tests.conftest import TEST_PASSWORD, csrf_token

REMEMBER = "chamber_remember"
SESSION = "chamber_session"
HOUR = 3600


def _sign_in(client, member, **extra):
    return client.post(
        "/login",
        data={
            "email": member.email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(client),
            **extra,
        },
    )


def _set_cookie(response, name):
    return next(
        (h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")), None
    )


def test_remember_cookie_only_when_asked_and_at_most_twelve_hours(app, client, make_member):
    member = make_member()
    assert _set_cookie(_sign_in(client, member), REMEMBER) is None
    cookie = _set_cookie(_sign_in(app.test_client(), member, remember="y"), REMEMBER)
    assert cookie is not None and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 12 * HOUR - 60 <= max_age <= 12 * HOUR


def test_a_session_restored_from_the_cookie_ends_twelve_hours_after_the_real_sign_in(
    client, make_member, clock
):
    _sign_in(client, make_member(), remember="y")
    clock.advance(11 * HOUR + 50 * 60)
    client.delete_cookie(SESSION)  # the browser was closed; the session cookie is gone
    assert client.get("/dashboard").status_code == 200  # restored from the remember cookie
    clock.advance(15 * 60)  # 12 h 5 min after signing in, 15 min after the restore
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


def test_a_copied_remember_cookie_is_refused_by_the_server_after_twelve_hours(
    app, client, make_member, clock
):
    _sign_in(client, make_member(), remember="y")
    copied = client.get_cookie(REMEMBER).value
    clock.advance(HOUR)
    early = app.test_client()
    early.set_cookie(REMEMBER, copied)
    assert early.get("/dashboard").status_code == 200  # a working cookie, within its time
    clock.advance(11 * HOUR + 60)
    late = app.test_client()
    late.set_cookie(REMEMBER, copied)  # a browser that ignores the cookie's expiry
    response = late.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert late.get_cookie(REMEMBER) is None  # and the server deletes it


def test_sign_out_deletes_the_remember_cookie_and_copies_stop_working(app, client, make_member):
    _sign_in(client, make_member(), remember="y")
    copied = client.get_cookie(REMEMBER).value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    assert client.get_cookie(REMEMBER) is None
    thief = app.test_client()
    thief.set_cookie(REMEMBER, copied)
    assert thief.get("/dashboard").status_code == 302


def test_forged_and_time_less_remember_cookies_get_no_one_in(app, make_member):
    member = make_member()
    forged = app.test_client()
    forged.set_cookie(REMEMBER, "eyJ0IjoxfQ.forged.signature")
    assert forged.get("/dashboard").status_code == 302
    # Flask-Login's own cookie (no time in it, as an older version set it) ends at once.
    legacy = app.test_client()
    legacy.set_cookie("remember_token", encode_cookie(member.session_token))
    response = legacy.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert legacy.get_cookie("remember_token") is None
