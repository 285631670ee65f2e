"""Queueing e-mail: rendered from templates/mail/ and stored in the outbox table."""

from __future__ import annotations

from flask import current_app, render_template

from chamber.extensions import db
from chamber.mail.models import OutboxMessage


def external_url(path: str) -> str:
    """Links in e-mails come from the configured base URL, never from the request's Host."""
    return current_app.config["CHAMBER_BASE_URL"] + path


def queue_mail(recipient: str, subject: str, template: str, **context) -> OutboxMessage:
    """Add one message to the outbox; it is sent by `flask deliver-mail` after the commit."""
    body = render_template(
        f"mail/{template}.txt", chamber_name=current_app.config["CHAMBER_NAME"], **context
    )
    message = OutboxMessage(recipient=recipient, subject=subject[:200], body=body)
    db.session.add(message)
    return message
