"""Password-reset e-mails (issue 12 finding 4, SECURITY row 29): a few per account an hour,
whoever asks from wherever; a link dies when used, when it expires, when the password changes
or when a newer link is sent, but not when the member merely signs out."""

import re
from datetime import timedelta

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.auth.models import PasswordResetLink
from tests.concurrency import at_once
from tests.conftest import TEST_PASSWORD, csrf_token

NEW = "a brand new passphrase"


def _ask(app, email, address="198.51.100.1"):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    response = browser.post(
        "/password/forgot",
        data={"csrf_token": csrf_token(browser), "email": email},
        follow_redirects=True,
    )
    assert "If an account exists for that address" in response.get_data(as_text=True)


def _links(outbox, email):
    return [
        re.search(r"http://127\.0\.0\.1:5000(/password/reset/\S+)", message.body).group(1)
        for message in outbox(email)
    ]


def _use(app, path, password=NEW):
    browser = app.test_client()
    return browser.post(
        path,
        data={"csrf_token": csrf_token(browser), "password": password, "confirm": password},
    )


def _works(app, path):
    return app.test_client().get(path).status_code == 200


def test_reset_emails_are_limited_per_account(app, db, make_member, outbox):
    member = make_member()
    for number in range(12):  # twelve requests from twelve addresses
        _ask(app, member.email, address=f"203.0.113.{number}")
    assert len(outbox(member.email)) == 3
    limited = sa.select(sa.func.count()).where(AuditEntry.action == "auth.password_reset_limited")
    assert db.session.scalar(limited) == 9
    # An hour later, the account may have another.
    db.session.execute(
        sa.update(PasswordResetLink).values(
            created_at=PasswordResetLink.created_at - timedelta(hours=1, minutes=1)
        )
    )
    db.session.commit()
    _ask(app, member.email)
    assert len(outbox(member.email)) == 4


def test_a_newer_link_replaces_the_older(app, make_member, outbox):
    member = make_member()
    _ask(app, member.email)
    _ask(app, member.email)
    older, newer = _links(outbox, member.email)
    assert not _works(app, older)
    assert _use(app, older).status_code == 400
    assert _use(app, newer).status_code == 302


def test_a_link_dies_when_used(app, make_member, outbox):
    member = make_member()
    _ask(app, member.email)
    (link,) = _links(outbox, member.email)
    assert _use(app, link).status_code == 302
    assert not _works(app, link)


def test_two_racing_posts_of_one_link_set_one_password(app, db, make_member, outbox):
    member = make_member()
    _ask(app, member.email)
    (link,) = _links(outbox, member.email)
    browsers = []
    for password in ("first new passphrase", "second new passphrase"):
        browser = app.test_client()
        browsers.append((browser, csrf_token(browser, link), password))

    def post(browser, token, password):
        def action():
            response = browser.post(
                link, data={"csrf_token": token, "password": password, "confirm": password}
            )
            assert response.status_code in (302, 200, 400)
            return response.status_code

        return action

    at_once(app, [post(*b) for b in browsers])
    resets = db.session.scalar(
        sa.select(sa.func.count()).where(AuditEntry.action == "auth.password_reset")
    )
    assert resets == 1


def test_a_link_expires(app, make_member, outbox, clock):
    member = make_member()
    _ask(app, member.email)
    (link,) = _links(outbox, member.email)
    clock.advance(app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60 + 5)
    assert not _works(app, link)


def test_a_link_dies_when_the_password_changes(app, client, make_member, outbox, login):
    member = make_member()
    _ask(app, member.email)
    (link,) = _links(outbox, member.email)
    login(member)
    response = client.post(
        "/password",
        data={
            "csrf_token": csrf_token(client, "/password"),
            "current_password": TEST_PASSWORD,
            "password": NEW,
            "confirm": NEW,
        },
    )
    assert response.status_code == 302
    assert not _works(app, link)


def test_signing_out_does_not_end_an_unused_link(app, client, make_member, outbox, login):
    member = make_member()
    _ask(app, member.email)
    (link,) = _links(outbox, member.email)
    login(member)  # the member signs in elsewhere, then out, before opening the e-mail
    client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    assert _works(app, link)
    assert _use(app, link).status_code == 302
