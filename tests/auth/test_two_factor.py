"""Two-factor sign-in (SECURITY row 28): TOTP required for staff and optional for members,
set up with a QR code; ten recovery codes stored hashed and single-use; re-authentication
before changing it; all of it audited."""

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.auth.models import RecoveryCode
from tests.conftest import TEST_PASSWORD, csrf_token


def _code(secret: str, moment: float | None = None) -> str:
    return pyotp.TOTP(secret).at(int(time.time() if moment is None else moment))


def _set_up(client, clock) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on through the settings pages; returns the secret the app was
    given and the recovery codes shown."""
    page = client.get("/settings/two-factor/setup")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="qr-code" src="data:image/svg+xml' in html  # inline, allowed by the CSP
    secret = re.search(r'class="secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    shown = client.post(
        "/settings/two-factor/setup",
        data={
            "csrf_token": csrf_token(client, "/settings/two-factor/setup"),
            "code": _code(secret),
        },
    )
    assert shown.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", shown.get_data(as_text=True))
    clock.advance(30)  # the next code: the one just used is spent
    return secret, codes


def _password(browser, member, **extra):
    return browser.post(
        "/login",
        data={
            "email": member.email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(browser),
            **extra,
        },
    )


def _code_step(browser, code):
    return browser.post(
        "/login/two-factor",
        data={"csrf_token": csrf_token(browser, "/login/two-factor"), "code": code},
    )


def _actions(db):
    db.session.commit()
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_set_up_with_a_qr_code_gives_ten_recovery_codes_kept_hashed(
    client, db, make_member, login, clock
):
    member = make_member()
    login(member)
    _, codes = _set_up(client, clock)
    assert len(codes) == len(set(codes)) == 10
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}
    assert "auth.two_factor_enabled" in _actions(db)


def test_signing_in_needs_the_password_and_then_a_code(app, client, db, make_member, login, clock):
    member = make_member()
    login(member)
    secret, _ = _set_up(client, clock)
    browser = app.test_client()
    response = _password(browser, member)
    assert response.status_code == 302 and response.location.endswith("/login/two-factor")
    assert browser.get("/dashboard").status_code == 302  # not signed in yet
    wrong = _code_step(browser, "000000" if _code(secret) != "000000" else "111111")
    assert wrong.status_code == 200 and "That code is not right." in wrong.get_data(as_text=True)
    right = _code_step(browser, _code(secret))
    assert right.status_code == 302 and right.location.endswith("/dashboard")
    assert browser.get("/dashboard").status_code == 200
    actions = _actions(db)
    assert actions[-2:] == ["auth.two_factor_failed", "auth.sign_in"]


def test_a_code_signs_in_once(app, client, make_member, login, clock):
    member = make_member()
    login(member)
    secret, _ = _set_up(client, clock)
    first, second = app.test_client(), app.test_client()
    _password(first, member)
    _password(second, member)
    code = _code(secret)
    assert _code_step(first, code).status_code == 302
    assert _code_step(second, code).status_code == 200  # replayed within its 30 seconds


def test_a_recovery_code_signs_in_once(app, client, db, make_member, login, clock):
    member = make_member()
    login(member)
    _, codes = _set_up(client, clock)
    first, second = app.test_client(), app.test_client()
    _password(first, member)
    assert _code_step(first, codes[3].upper()).status_code == 302  # typed in capitals
    _password(second, member)
    assert _code_step(second, codes[3]).status_code == 200
    assert "auth.recovery_code_used" in _actions(db)


def test_the_code_step_expires(app, client, make_member, login, clock):
    member = make_member()
    login(member)
    secret, _ = _set_up(client, clock)
    browser = app.test_client()
    _password(browser, member)
    token = csrf_token(browser, "/login/two-factor")
    clock.advance(6 * 60)
    response = browser.post("/login/two-factor", data={"csrf_token": token, "code": _code(secret)})
    assert response.status_code == 302 and response.location.endswith("/login")


def test_staff_must_set_it_up_before_anything_else_when_required(
    app, client, make_member, login, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "STAFF_TWO_FACTOR", "required")
    staff = make_member(is_staff=True)
    login(staff)
    response = client.get("/staff/members")
    assert response.status_code == 302 and response.location.endswith("/settings/two-factor")
    _set_up(client, clock)
    assert client.get("/staff/members").status_code == 200
    # And they cannot turn it off.
    client.post(
        "/settings/two-factor/disable", data={"csrf_token": csrf_token(client, "/settings")}
    )
    assert "Staff accounts must keep" in client.get("/settings/two-factor").get_data(as_text=True)


def test_with_prompting_staff_sign_in_with_a_password_and_are_asked_to_set_it_up(
    client, make_member, login
):
    """The demo (`make run`): the director signs in with e-mail and password alone."""
    staff = make_member(is_staff=True)
    page = login(staff, follow=True).get_data(as_text=True)
    assert "Staff accounts should use two-factor sign-in" in page
    assert client.get("/staff/members").status_code == 200


def test_members_may_turn_it_off(client, db, make_member, login, clock):
    member = make_member()
    login(member)
    _set_up(client, clock)
    response = client.post(
        "/settings/two-factor/disable", data={"csrf_token": csrf_token(client, "/settings")}
    )
    assert response.status_code == 302
    assert "Two-factor sign-in is off." in client.get("/settings/two-factor").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert "auth.two_factor_disabled" in _actions(db)


@pytest.mark.parametrize("change", ["setup", "disable", "recovery-codes"])
def test_changing_it_needs_a_recent_sign_in(client, db, make_member, login, clock, change):
    member = make_member()
    login(member)
    secret, _ = _set_up(client, clock)
    clock.advance(11 * 60)  # the sign-in is no longer recent
    if change == "setup":
        response = client.get("/settings/two-factor/setup")
    else:
        token = csrf_token(client, "/settings")
        response = client.post(f"/settings/two-factor/{change}", data={"csrf_token": token})
    assert response.status_code == 302 and "/reauthenticate" in response.location
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 10
    page = response.location
    wrong = client.post(
        page,
        data={"csrf_token": csrf_token(client, page), "password": TEST_PASSWORD, "code": "x"},
    )
    assert wrong.status_code == 200  # the password alone is not enough with two-factor on
    right = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "password": TEST_PASSWORD,
            "code": _code(secret),
        },
    )
    assert right.status_code == 302 and f"/settings/two-factor/{change}" in right.location
    if change == "setup":
        assert client.get("/settings/two-factor/setup").status_code == 200
    actions = _actions(db)
    assert "auth.reauthentication_failed" in actions and "auth.reauthenticated" in actions
