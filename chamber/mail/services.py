"""Queueing e-mail: rendered from templates/mail/ and stored in the outbox table.

Each message is written once, as the plain text of templates/mail/<name>.txt (paragraphs
separated by blank lines, no hard line breaks inside a sentence); its HTML alternative is
made from that same text (paragraphs, links), so the two parts always say the same thing.
"""

from __future__ import annotations

import re

from flask import current_app, render_template
from markupsafe import Markup, escape

from chamber.extensions import db
from chamber.mail.models import OutboxMessage

_URL = re.compile(r"https?://[^\s<>\"']+")

#: RFC 3834: a message sent by software, not a person; mail systems send no auto-reply to it
AUTO_SUBMITTED = {"Auto-Submitted": "auto-generated"}


def external_url(path: str) -> str:
    """Links in e-mails come from the configured base URL, never from the request's Host."""
    return current_app.config["CHAMBER_BASE_URL"] + path


def _linked(text: str) -> Markup:
    """Escape a line and make its web addresses links."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


def text_to_html(text: str, subject: str) -> str:
    """The HTML part of a message from its text: one <p> per paragraph, a line break where the
    text has one (an address under its label), links clickable, everything else escaped."""
    paragraphs = [
        Markup("<br>\n").join(_linked(line) for line in block.splitlines())
        for block in re.split(r"\n\s*\n", text.strip())
        if block.strip()
    ]
    return render_template("mail/_layout.html", subject=subject, paragraphs=paragraphs)


def queue_mail(
    recipient: str, subject: str, template: str, *, headers: dict | None = None, **context
) -> OutboxMessage:
    """Add one message to the outbox; it is sent by `flask deliver-mail` after the commit."""
    body = (
        render_template(
            f"mail/{template}.txt", chamber_name=current_app.config["CHAMBER_NAME"], **context
        ).strip()
        + "\n"
    )
    subject = " ".join(subject.split())[:200]  # a header holds no line break
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        html=text_to_html(body, subject),
        headers=dict(headers or {}),
    )
    db.session.add(message)
    return message
