"""Thirty sign-ins at once, with the real scrypt cost: the password is checked before the write
transaction begins, so no sign-in fails and other writers do not wait (SECURITY row 27)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.auth.passwords import hash_password
from tests.conftest import TEST_PASSWORD, csrf_token

SIGN_INS = 30
PRODUCTION_HASH = "scrypt:131072:8:1"


# Another process (as another gunicorn worker would be) writes a row every 50 ms while the
# sign-ins run. It gives up on any write that waits a second for a lock (SQLite's busy
# timeout counts time spent waiting for the write lock; PostgreSQL's lock_timeout likewise),
# so a failed write means a wait of a second or more, whatever else loads the machine.
UNRELATED_WRITER = """
import json, pathlib, sys, time
import sqlalchemy as sa
import chamber.models  # every table, and chamber.db's rules (WAL, BEGIN IMMEDIATE)
from chamber.notifications.models import Notification

url, member_id, stop = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
engine = sa.create_engine(url)
writes, errors = 0, []
with engine.connect() as connection:
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute("PRAGMA busy_timeout=1000")
    else:
        connection.exec_driver_sql("SET lock_timeout = '1s'")
        connection.commit()
    print("ready", flush=True)
    while not stop.exists():
        try:
            with connection.begin():
                connection.execute(sa.insert(Notification).values(
                    member_id=member_id, kind="load", message=f"write {writes}"))
        except Exception as error:
            errors.append(repr(error))
        writes += 1
        time.sleep(0.05)
print(json.dumps({"writes": writes, "errors": errors}))
"""


@pytest.fixture
def production_hashing(app):
    app.config["PASSWORD_HASH_METHOD"] = PRODUCTION_HASH
    yield
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"


@pytest.mark.slow
def test_thirty_simultaneous_sign_ins_succeed_and_an_unrelated_write_does_not_wait(
    app, db, make_member, production_hashing, tmp_path
):
    stored = hash_password(TEST_PASSWORD)  # one real-cost hash, shared by every account
    assert stored.startswith(PRODUCTION_HASH)
    members = [make_member(password=None, password_hash=stored) for _ in range(SIGN_INS)]
    bystander_id = make_member().id
    emails = [member.email for member in members]
    # Each browser comes from its own address, so the per-address limit is not what is tested.
    browsers = []
    for number in range(SIGN_INS):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"10.0.1.{number + 1}"
        browsers.append((browser, csrf_token(browser)))
    db.session.commit()

    start = threading.Barrier(SIGN_INS)
    statuses: list[int] = []
    lock = threading.Lock()

    def sign_in(number: int) -> None:
        browser, token = browsers[number]
        start.wait(timeout=60)
        response = browser.post(
            "/login",
            data={"email": emails[number], "password": TEST_PASSWORD, "csrf_token": token},
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(SIGN_INS)]
    stop = tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
        [
            sys.executable,
            "-c",
            UNRELATED_WRITER,
            app.config["SQLALCHEMY_DATABASE_URI"],
            str(bystander_id),
            str(stop),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "ready"
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.touch()
    report = json.loads(writer.communicate(timeout=60)[0])
    writes, write_errors = report["writes"], report["errors"]
    db.session.commit()

    assert sorted(statuses) == [302] * SIGN_INS  # every sign-in went through, no 500
    signed_in = db.session.scalar(
        sa.select(sa.func.count()).where(AuditEntry.action == "auth.sign_in")
    )
    assert signed_in == SIGN_INS
    assert writes > 0, "the unrelated writer never ran"
    assert write_errors == []  # none waited a second for the lock
