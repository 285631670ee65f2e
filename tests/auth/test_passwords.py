"""Password rules, hashing, change, invitations and resets."""

import re

import pytest
import sqlalchemy as sa

from chamber.auth import tokens
from chamber.auth.passwords import hash_password, password_problem, verify_password
from chamber.members.models import Member
from tests.conftest import TEST_PASSWORD, csrf_token


@pytest.mark.parametrize(
    "password",
    ["short", "1234567", "password", "Password1", "chamber123", "aaaaaaaaaaaa", "qwerty123"],
)
def test_weak_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_long_passwords_are_accepted_whole():
    long_password = "correct horse battery staple " * 4  # 116 characters
    assert password_problem(long_password) is None
    stored = hash_password(long_password)
    assert verify_password(stored, long_password)
    assert not verify_password(stored, long_password[:72])  # no truncation


def test_production_hash_is_scrypt_with_strong_cost(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:131072:8:1"
    try:
        assert hash_password("a long passphrase").startswith("scrypt:131072:8:1$")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"


def _invitation_link(outbox, email):
    body = outbox(email)[-1].body
    return re.search(r"http://127\.0\.0\.1:5000(/invitation/\S+)", body).group(1)


def test_invited_member_sets_a_password_once(client, db, make_member, login, outbox):
    staff = make_member(is_staff=True)
    login(staff)
    form = client.get("/staff/members/invite").get_data(as_text=True)
    response = client.post(
        "/staff/members/invite",
        data={
            "csrf_token": csrf_token(client, "/staff/members/invite"),
            "form_token": re.search(r'name="form_token" type="hidden" value="([^"]+)"', form)[1],
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "business_name": "New Shop",
        },
    )
    assert response.status_code == 302
    path = _invitation_link(outbox, "new.person@example.org")
    guest = client.application.test_client()
    page = guest.get(path)
    assert page.status_code == 200 and "Welcome" in page.get_data(as_text=True)
    token = csrf_token(guest, path)
    bad = guest.post(path, data={"csrf_token": token, "password": "short", "confirm": "short"})
    assert "at least 8 characters" in bad.get_data(as_text=True)
    ok = guest.post(
        path,
        data={
            "csrf_token": token,
            "password": "a fine long passphrase",
            "confirm": "a fine long passphrase",
        },
    )
    assert ok.status_code == 302
    again = guest.get(path)
    assert again.status_code == 400 and "no longer works" in again.get_data(as_text=True)
    member = db.session.scalar(sa.select(Member).where(Member.email == "new.person@example.org"))
    assert verify_password(member.password_hash, "a fine long passphrase")


def test_invitation_link_expires(app, client, make_member, monkeypatch):
    member = make_member(password=None)
    token = tokens.make_token(member, tokens.INVITATION)
    app.config["INVITATION_MAX_AGE_DAYS"] = -1
    try:
        response = client.get(f"/invitation/{token}")
    finally:
        app.config["INVITATION_MAX_AGE_DAYS"] = 7
    assert response.status_code == 400


def test_forged_or_cross_purpose_tokens_are_refused(client, make_member):
    member = make_member()
    reset = tokens.make_token(member, tokens.PASSWORD_RESET)
    assert client.get(f"/invitation/{reset}").status_code == 400
    assert client.get("/password/reset/not-a-token").status_code == 400


def test_forgot_password_says_the_same_for_unknown_addresses(client, make_member, outbox):
    member = make_member()
    known = client.post(
        "/password/forgot",
        data={"csrf_token": csrf_token(client), "email": member.email},
        follow_redirects=True,
    )
    unknown = client.post(
        "/password/forgot",
        data={"csrf_token": csrf_token(client), "email": "nobody@example.org"},
        follow_redirects=True,
    )
    message = "If an account exists for that address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert len(outbox(member.email)) == 1
    assert outbox("nobody@example.org") == []


def test_password_reset_link_works_once_and_ends_other_sessions(
    app, client, make_member, login, outbox
):
    member = make_member()
    other_device = app.test_client()
    login(member)
    other_device.post(
        "/login",
        data={
            "email": member.email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(other_device),
        },
    )
    guest = app.test_client()
    guest.post("/password/forgot", data={"csrf_token": csrf_token(guest), "email": member.email})
    body = outbox(member.email)[-1].body
    assert "reset" in body.lower()
    path = re.search(r"http://127\.0\.0\.1:5000(/password/reset/\S+)", body).group(1)
    new = "another long passphrase"
    response = guest.post(
        path, data={"csrf_token": csrf_token(guest, path), "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert guest.get(path).status_code == 400  # single use
    assert other_device.get("/dashboard").status_code == 302  # signed out everywhere


def test_change_password_needs_the_current_one(client, make_member, login):
    member = make_member()
    login(member)
    token = csrf_token(client, "/password")
    response = client.post(
        "/password",
        data={
            "csrf_token": token,
            "current_password": "wrong one",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert "current password is not right" in response.get_data(as_text=True)


def test_change_password_keeps_this_session_and_ends_the_others(app, client, make_member, login):
    member = make_member()
    login(member)
    other = app.test_client()
    other.post(
        "/login",
        data={"email": member.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(other)},
    )
    assert other.get("/dashboard").status_code == 200
    response = client.post(
        "/password",
        data={
            "csrf_token": csrf_token(client, "/password"),
            "current_password": TEST_PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302


def test_mismatched_confirmation_is_refused(client, make_member, login):
    login(make_member())
    response = client.post(
        "/password",
        data={
            "csrf_token": csrf_token(client, "/password"),
            "current_password": TEST_PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "something else entirely",
        },
    )
    assert "The two passwords differ." in response.get_data(as_text=True)
