"""The outbox: mail is queued with its cause and delivered with retries."""

import smtplib
from pathlib import Path

from chamber.db import utcnow
from chamber.mail.delivery import deliver_due_mail
from chamber.mail.models import OutboxMessage


def _queue(db, **values):
    message = OutboxMessage(
        recipient="ann@example.org", subject="Hello", body="Body text", **values
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_without_smtp_mail_is_written_to_the_outbox_folder(app, db):
    message = _queue(db)
    assert deliver_due_mail() == (1, 0)
    eml = Path(app.config["MAIL_OUTBOX_DIR"]) / f"{message.id:08d}.eml"
    text = eml.read_text()
    assert "To: ann@example.org" in text and "Subject: Hello" in text and "Body text" in text
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
    # Once the retry is due, it goes out.
    stored.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_due_mail() == (1, 0)


def test_deliver_mail_command_reports_counts(app, db):
    _queue(db)
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0
    assert "1 sent, 0 failed" in result.output
