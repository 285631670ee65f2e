"""Behind a proxy (SECURITY row 32): the client address comes from a configured number of
trusted proxies, so rate limits and the audit log see the real client; with none configured
(the default), a spoofed X-Forwarded-For is ignored."""

import itertools

import pytest
import sqlalchemy as sa

from chamber import create_app
from chamber.audit.models import AuditEntry
from chamber.config import config_for_tests
from chamber.extensions import db as ext_db
from tests.conftest import RequestIsolatingClient, csrf_token

_attempts = itertools.count()


def _failed_sign_in(client, token, **environ):
    """A wrong password, each time for another account (so only address limits apply)."""
    email = f"nobody{next(_attempts)}@example.org"
    return client.post(
        "/login",
        data={"email": email, "password": "wrong", "csrf_token": token},
        environ_base=environ,
    )


def _addresses(db):
    db.session.commit()
    return db.session.scalars(sa.select(AuditEntry.ip_address).order_by(AuditEntry.id)).all()


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(client, db):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    token = csrf_token(client)
    for number in range(10):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{number}"}
        assert _failed_sign_in(client, token, **spoofed).status_code == 200
    # Eleven posts from one address, whatever each claimed to come from: refused.
    assert _failed_sign_in(client, token, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert set(_addresses(db)) == {"198.51.100.9"}


@pytest.fixture
def proxied_app(database_url, tmp_path):
    """The app as configured behind one TLS proxy (TRUSTED_PROXIES=1)."""
    app = create_app(
        config_for_tests(database_url) | {"TRUSTED_PROXIES": 1, "MAIL_OUTBOX_DIR": str(tmp_path)}
    )
    app.test_client_class = RequestIsolatingClient
    yield app
    with app.app_context():
        ext_db.session.remove()
        ext_db.engine.dispose()


def _through_the_proxy(app, client_address):
    """A browser whose requests reach Chamber through the proxy at 10.0.0.2, which appends
    the address it saw to X-Forwarded-For."""
    browser = app.test_client()
    browser.environ_base.update(
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {client_address}",  # the first entry is the client's lie
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_REFERER="https://localhost/login",  # CSRF checks the referrer over HTTPS
    )
    return browser, csrf_token(browser)


def test_behind_one_trusted_proxy_the_real_client_address_is_used(proxied_app, db):
    first, first_token = _through_the_proxy(proxied_app, "203.0.113.7")
    second, second_token = _through_the_proxy(proxied_app, "203.0.113.8")
    for _ in range(10):
        assert _failed_sign_in(first, first_token).status_code == 200
    # The first client has used its ten posts; the second, behind the same proxy, has not.
    assert _failed_sign_in(first, first_token).status_code == 429
    assert _failed_sign_in(second, second_token).status_code == 200
    assert set(_addresses(db)) == {"203.0.113.7", "203.0.113.8"}
