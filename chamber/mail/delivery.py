"""Delivering the outbox: SMTP when configured, else .eml files under instance/outbox/.

Each message goes through three steps, and only the first and last touch the database:
1. claim it in one short transaction (a lease with an expiry; `FOR UPDATE SKIP LOCKED` on
   PostgreSQL, the write lock taken at BEGIN on SQLite), so two workers never take the same
   message;
2. send it outside any transaction, so a slow or absent SMTP server holds no lock;
3. record the outcome in another short transaction (sent, or a back-off before the retry).
A worker that dies between 1 and 3 leaves a lease that expires; the message is then sent
again (at least once, never lost). `run_worker` keeps going through "database is locked" and
database restarts, backing off instead of exiting.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from chamber.db import utcnow
from chamber.extensions import db
from chamber.mail.models import OutboxMessage

log = logging.getLogger(__name__)

# Longer than one SMTP conversation can take (30 s timeout on each step), so a lease never
# runs out while its holder is still sending.
LEASE = timedelta(minutes=10)
# A worker that cannot reach the database waits 1, 2, 4 ... up to 60 seconds between tries.
MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class ClaimedMessage:
    """What a worker needs to send a message, read while claiming it."""

    id: int
    recipient: str
    subject: str
    body: str
    attempts: int
    claim: str
    html: str = ""
    headers: dict | None = None
    created_at: datetime | None = None


def claim_next() -> ClaimedMessage | None:
    """One short transaction: lease the oldest due message that no worker holds."""
    now = utcnow()
    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts < current_app.config["MAIL_MAX_ATTEMPTS"],
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if message is None:
        db.session.commit()
        return None
    message.claim = secrets.token_hex(16)
    message.claimed_until = now + LEASE
    message.attempts += 1  # counted now: a message that kills its worker is not retried forever
    claimed = ClaimedMessage(
        message.id,
        message.recipient,
        message.subject,
        message.body,
        message.attempts,
        message.claim,
        message.html or "",
        dict(message.headers or {}),
        message.created_at,
    )
    db.session.commit()
    return claimed


def _sender_domain() -> str:
    """The domain of MAIL_FROM, for Message-IDs (not this machine's host name)."""
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "chamber.invalid"


def build_message(message: ClaimedMessage) -> EmailMessage:
    """The message as sent: From, To, Subject, Date (when it was queued), a Message-ID on the
    sender's domain, its own headers (Auto-Submitted, List-Unsubscribe...), and the text with
    its HTML alternative (multipart/alternative) when it has one."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    created = message.created_at or utcnow()
    email["Date"] = format_datetime(created.replace(tzinfo=UTC))
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=_sender_domain())
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


def send(message: ClaimedMessage) -> None:
    """Hand one message to the SMTP server, or write it to the outbox folder. Called with no
    transaction open."""
    config = current_app.config
    email = build_message(message)
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


def record_outcome(message: ClaimedMessage, error: str | None) -> None:
    """One short transaction: sent, or when to try again; and the lease is given back."""
    now = utcnow()
    if error is None:
        values = {"sent_at": now, "last_error": ""}
    else:
        delay = timedelta(minutes=2 ** min(message.attempts, 10))
        values = {"last_error": error[:500], "next_attempt_at": now + delay}
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim == message.claim)
        .values(claimed_until=None, claim="", **values)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("mail %s: the lease ran out before its outcome was recorded", message.id)


def deliver_due_mail(
    limit: int = 100, unrecorded: list[tuple[ClaimedMessage, str | None]] | None = None
) -> tuple[int, int]:
    """Send up to `limit` due messages, one claim at a time. Returns (sent, failed).

    `unrecorded` (kept by a long-running worker) holds outcomes that could not be written
    because the database went away after the send; they are written first, while their
    lease still holds, so a sent message is not sent again."""
    unrecorded = [] if unrecorded is None else unrecorded
    while unrecorded:
        record_outcome(*unrecorded[0])
        unrecorded.pop(0)
    sent = failed = 0
    for _ in range(limit):
        message = claim_next()
        if message is None:
            break
        try:
            send(message)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "mail %s to %s failed (attempt %s): %s",
                message.id,
                message.recipient,
                message.attempts,
                error,
            )
        else:
            sent += 1
            error = None
        unrecorded.append((message, error))
        record_outcome(message, error)
        unrecorded.pop()
    return sent, failed


def run_worker(
    interval: float,
    *,
    report: Callable[[int, int], None] = lambda sent, failed: None,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Deliver every `interval` seconds until stopped (or for `rounds` rounds). When the
    database is locked, restarting or gone, log it, back off (1 s doubling to a minute) and
    try again: the worker never exits because the database had a bad moment."""
    backoff = 0.0
    done = 0
    unrecorded: list[tuple[ClaimedMessage, str | None]] = []
    while rounds is None or done < rounds:
        done += 1
        try:
            sent, failed = deliver_due_mail(unrecorded=unrecorded)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            db.session.rollback()
            backoff = min(max(1.0, backoff * 2), MAX_BACKOFF_SECONDS)
            log.warning(
                "mail worker: database unavailable (%s); trying again in %.0f s",
                type(error.orig).__name__ if error.orig else error,
                backoff,
            )
            pause = backoff
        else:
            backoff = 0.0
            if sent or failed:
                report(sent, failed)
            pause = interval
        db.session.remove()  # a fresh connection next round (pool_pre_ping checks it)
        sleep(pause)
