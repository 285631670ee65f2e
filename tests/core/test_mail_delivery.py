"""The outbox: mail is queued with its cause and delivered with retries (SECURITY row 26).

Workers claim a message in one short transaction, send it outside any transaction and record
the outcome in another, so two workers never send one message twice, a slow SMTP server holds
no lock, and a locked or restarting database pauses a worker instead of stopping it."""

import smtplib
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from chamber.db import utcnow
from chamber.extensions import db as ext_db
from chamber.mail import delivery
from chamber.mail.delivery import deliver_due_mail, run_worker
from chamber.mail.models import OutboxMessage
from chamber.notifications.models import Notification


def _queue(db, count: int = 1, **values):
    messages = [
        OutboxMessage(recipient=f"ann{n}@example.org", subject="Hello", body="Body text", **values)
        for n in range(count)
    ]
    db.session.add_all(messages)
    db.session.commit()
    return messages[0] if count == 1 else messages


def _in_threads(app, *actions):
    """Run each action in its own thread and app context, as separate worker processes
    would (with the production transaction rules), and wait for them."""
    errors = []
    start = threading.Barrier(len(actions))

    def run(action):
        with app.app_context():
            start.wait(timeout=30)
            try:
                action()
            except Exception as error:  # noqa: BLE001 - asserted by the caller
                errors.append(repr(error))
            finally:
                ext_db.session.remove()

    ext_db.session.commit()
    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ext_db.session.commit()
    return errors


def test_without_smtp_mail_is_written_to_the_outbox_folder(app, db):
    message = _queue(db)
    assert deliver_due_mail() == (1, 0)
    eml = Path(app.config["MAIL_OUTBOX_DIR"]) / f"{message.id:08d}.eml"
    text = eml.read_text()
    assert "To: ann0@example.org" in text and "Subject: Hello" in text and "Body text" in text
    assert db.session.get(OutboxMessage, message.id).sent_at is not None
    assert deliver_due_mail() == (0, 0)  # never sent twice


def test_smtp_outage_keeps_the_message_for_a_later_retry(app, db, monkeypatch):
    message = _queue(db)
    app.config["MAIL_SERVER"] = "smtp.invalid"

    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    try:
        assert deliver_due_mail() == (0, 1)
    finally:
        app.config["MAIL_SERVER"] = ""
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.sent_at is None and stored.attempts == 1
    assert "SMTPConnectError" in stored.last_error
    assert stored.next_attempt_at > utcnow()
    assert stored.claimed_until is None  # the lease is given back
    # Once the retry is due, it goes out.
    stored.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_due_mail() == (1, 0)


def test_an_smtp_outage_loses_nothing(app, db, monkeypatch):
    messages = _queue(db, 5)
    outage = True
    delivered = []

    def transport(message):
        if outage:
            raise smtplib.SMTPServerDisconnected("connection lost")
        delivered.append(message.id)

    monkeypatch.setattr(delivery, "send", transport)
    assert deliver_due_mail() == (0, 5)
    outage = False
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert deliver_due_mail() == (5, 0)
    assert sorted(delivered) == [message.id for message in messages]
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))) == 0


def test_two_workers_never_send_one_message_twice(app, db, monkeypatch):
    messages = _queue(db, 40)
    delivered = []
    lock = threading.Lock()

    def transport(message):
        time.sleep(0.005)  # a little SMTP latency, so the workers overlap
        with lock:
            delivered.append(message.id)

    monkeypatch.setattr(delivery, "send", transport)
    errors = _in_threads(app, deliver_due_mail, deliver_due_mail)
    assert errors == []
    assert sorted(delivered) == [message.id for message in messages]  # each exactly once
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))) == 0


def test_a_slow_smtp_server_holds_no_lock(app, db, make_member, monkeypatch):
    """While a message is being sent, another writer (a member's request) goes through."""
    _queue(db)
    member_id = make_member().id
    waits = []

    def slow_transport(message):
        with ext_db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":  # fail soon rather than wait 10 s
                connection.connection.driver_connection.execute("PRAGMA busy_timeout=2000")
            began = time.monotonic()
            with connection.begin():
                connection.execute(
                    sa.insert(Notification).values(member_id=member_id, kind="x", message="m")
                )
            waits.append(time.monotonic() - began)

    monkeypatch.setattr(delivery, "send", slow_transport)
    errors = _in_threads(app, deliver_due_mail)
    assert errors == []
    assert len(waits) == 1 and waits[0] < 1.0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


def _sabotage_first_claim(monkeypatch, db_url: str):
    """The first claim meets a database that is locked (SQLite) or restarting (PostgreSQL:
    the server ends the worker's connection mid-transaction)."""
    real_claim = delivery.claim_next
    calls = []

    def claim():
        calls.append(1)
        if len(calls) == 1:
            if db_url.startswith("sqlite"):
                ext_db.session.execute(sa.select(OutboxMessage.id))
                raise sa.exc.OperationalError(
                    "BEGIN IMMEDIATE", {}, Exception("database is locked")
                )
            ext_db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return real_claim()

    monkeypatch.setattr(delivery, "claim_next", claim)
    return calls


def test_the_worker_backs_off_and_carries_on_when_the_database_fails(app, db, monkeypatch):
    message = _queue(db)
    calls = _sabotage_first_claim(monkeypatch, app.config["SQLALCHEMY_DATABASE_URI"])
    pauses = []
    reports = []
    errors = _in_threads(
        app,
        lambda: run_worker(
            5, rounds=3, sleep=pauses.append, report=lambda *counts: reports.append(counts)
        ),
    )
    assert errors == []
    assert len(calls) >= 2
    assert pauses[0] == 1.0  # backed off after the failure, then the normal interval
    assert pauses[1:] == [5, 5]
    assert reports == [(1, 0)]
    assert db.session.get(OutboxMessage, message.id).sent_at is not None


def test_an_outcome_the_database_could_not_take_is_recorded_later(app, db, monkeypatch):
    """Sent, then the database went away before 'sent' was written: the next round writes it
    (the lease still holds) instead of sending the message again."""
    message = _queue(db)
    delivered = []
    monkeypatch.setattr(delivery, "send", lambda claimed: delivered.append(claimed.id))
    real_record = delivery.record_outcome
    failures = [sa.exc.OperationalError("UPDATE", {}, Exception("server closed the connection"))]

    def record(claimed, error):
        if failures:
            raise failures.pop()
        real_record(claimed, error)

    monkeypatch.setattr(delivery, "record_outcome", record)
    pauses = []
    errors = _in_threads(app, lambda: run_worker(5, rounds=3, sleep=pauses.append))
    assert errors == []
    assert delivered == [message.id]  # sent once, not again after the lease
    assert db.session.get(OutboxMessage, message.id).sent_at is not None


def test_deliver_mail_command_reports_counts(app, db):
    _queue(db)
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0
    assert "1 sent, 0 failed" in result.output


@pytest.mark.parametrize("limit", [1, 100])
def test_a_claimed_message_is_left_to_its_worker(app, db, limit):
    """A message another worker holds (its lease running) is not taken."""
    held, free = _queue(db, 2)
    held.claimed_until = utcnow() + delivery.LEASE
    held.claim = "another-worker"
    db.session.commit()
    assert deliver_due_mail(limit=limit) == (1, 0)
    assert db.session.get(OutboxMessage, held.id).sent_at is None
    assert db.session.get(OutboxMessage, free.id).sent_at is not None
