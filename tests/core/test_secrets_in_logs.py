"""Reset, invitation and calendar-feed tokens never appear in a log line the app writes or
configures (issue 12 finding 5, SECURITY row 31): werkzeug's request log, the app's own log
(an incident names its path), and gunicorn's access and error logs."""

import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from chamber import ROOT
from chamber.auth import tokens
from chamber.meetings.models import CalendarFeed
from tests.conftest import csrf_token

FEED_TOKEN = "FeedTokenThatIsSecret_0123456789abcdefABCDEF"


def _get(url, referer=None):
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        url, headers={"Referer": referer} if referer else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _secrets(app, db, make_member, outbox):
    """A live reset link, a live invitation link and a live feed, as a member would have."""
    member = make_member()
    guest = app.test_client()
    guest.post("/password/forgot", data={"csrf_token": csrf_token(guest), "email": member.email})
    reset = re.search(r"/password/reset/(\S+)", outbox(member.email)[-1].body).group(1)
    invited = make_member(password=None)
    invitation = tokens.make_token(invited, tokens.INVITATION)
    db.session.add(CalendarFeed(member_id=member.id, token=FEED_TOKEN))
    db.session.commit()
    return reset, invitation


@pytest.fixture
def served(app):
    """The app on werkzeug's development server (the one `make run` uses), on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_werkzeug_request_log_has_no_tokens(app, db, make_member, outbox, served, caplog):
    reset, invitation = _secrets(app, db, make_member, outbox)
    caplog.set_level(logging.INFO)
    assert _get(f"{served}/password/reset/{reset}") == 200
    assert _get(f"{served}/invitation/{invitation}") == 200
    assert _get(f"{served}/calendar/{FEED_TOKEN}.ics") == 200
    logged = caplog.text
    assert "/password/reset/[secret]" in logged and "/calendar/[secret].ics" in logged
    for secret in (reset, invitation, FEED_TOKEN):
        assert secret not in logged


def test_the_app_log_of_an_incident_has_no_token(
    app, db, client, make_member, outbox, caplog, monkeypatch
):
    reset, _ = _secrets(app, db, make_member, outbox)

    def broken(token):
        raise RuntimeError(f"could not read /password/reset/{token}")

    caplog.set_level(logging.INFO)
    monkeypatch.setattr(tokens, "load_reset_token", broken)
    assert client.get(f"/password/reset/{reset}").status_code == 500
    assert "incident" in caplog.text and "Traceback" in caplog.text
    assert reset not in caplog.text


def test_pages_opened_from_a_link_send_no_referer(app, db, make_member, outbox):
    reset, invitation = _secrets(app, db, make_member, outbox)
    browser = app.test_client()
    for path in (f"/password/reset/{reset}", f"/invitation/{invitation}"):
        assert browser.get(path).headers["Referrer-Policy"] == "no-referrer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_started_from_the_repository_root_scrubs_its_logs(tmp_path):
    """As README's production section runs it: `gunicorn ... wsgi:app` from the repository
    root, which picks up gunicorn.conf.py by itself."""
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    environment = {
        **os.environ,
        "SECRET_KEY": "a-test-secret-key-long-enough-for-production-use",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # no tables: feeds fail
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, fixed arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access),
            "--error-logfile",
            str(errors),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    reset = "eyJtIjoxfQ.SecretResetToken.AbCdEf123"
    try:
        for _ in range(100):
            try:
                _get(f"{base}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        _get(f"{base}/password/reset/{reset}")
        _get(f"{base}/static/css/chamber.css", referer=f"{base}/password/reset/{reset}")
        _get(f"{base}/calendar/{FEED_TOKEN}.ics")  # a 500 here: the app logs an incident
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = access.read_text() + errors.read_text()
    assert "/password/reset/[secret]" in access.read_text()
    assert "incident" in errors.read_text()
    for secret in (reset, FEED_TOKEN, "SecretResetToken"):
        assert secret not in logged
