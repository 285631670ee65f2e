"""Delivering the outbox: SMTP when configured, else .eml files under instance/outbox/."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from chamber.db import utcnow
from chamber.extensions import db
from chamber.mail.models import OutboxMessage

log = logging.getLogger(__name__)


def build_message(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body)
    return email


def _send(email: EmailMessage, message: OutboxMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message.id:08d}.eml").write_bytes(email.as_bytes())
        log.info(
            "mail %s to %s: %s (written to %s)",
            message.id,
            message.recipient,
            message.subject,
            folder,
        )
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def deliver_due_mail(limit: int = 100) -> tuple[int, int]:
    """Send what is due; a failure backs off exponentially and is retried later.

    Commits after each message so a crash never re-sends what was already delivered.
    Returns (sent, failed).
    """
    sent = failed = 0
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= utcnow(),
            OutboxMessage.attempts < max_attempts,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for message_id in due:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            db.session.commit()
            continue
        message.attempts += 1
        try:
            _send(build_message(message), message)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.next_attempt_at = utcnow() + timedelta(minutes=2 ** min(message.attempts, 10))
            log.warning(
                "mail %s to %s failed (attempt %s): %s",
                message.id,
                message.recipient,
                message.attempts,
                message.last_error,
            )
        else:
            sent += 1
            message.sent_at = utcnow()
            message.last_error = ""
        db.session.commit()
    return sent, failed
