"""Secrets stay out of logs (SECURITY row 31): the tokens in password-reset, invitation and
calendar-feed addresses are replaced by "[secret]" in every log line the app writes or
configures.

A token in a link is as good as a password for as long as it works, and access logs are
read, shipped and kept by more people and for longer than the database. The addresses show
up in werkzeug's request log (the development server), in the app's own log (an incident
names the path it happened on), in exception texts, and in gunicorn's access log (the request
line, and the Referer of any request made from such a page): `scrub()` is the one rule,
`init_app()` applies it to werkzeug's and the app's loggers, and gunicorn.conf.py (repository
root) applies it to gunicorn's.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

REDACTED = "[secret]"

# Path segments that are secrets. Reset and invitation tokens are itsdangerous strings (they
# contain dots), a feed token is URL-safe base64 before ".ics" or "/committees/...".
_SECRET_PARTS = (
    (re.compile(r"(/password/reset/|/invitation/)[^/\s?#\"'<>]+"), r"\1" + REDACTED),
    (re.compile(r"(/calendar/)[A-Za-z0-9_\-]+"), r"\1" + REDACTED),
    (re.compile(r"([?&](?:token|key|secret)=)[^&\s#\"'<>]+", re.IGNORECASE), r"\1" + REDACTED),
)


def scrub(text: str) -> str:
    """`text` with every link token in it replaced by [secret]."""
    for pattern, replacement in _SECRET_PARTS:
        text = pattern.sub(replacement, text)
    return text


class SecretFilter(logging.Filter):
    """Rewrites a record's message (and exception text) with the secrets scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = SecretFilter()


def _add(target: logging.Logger | logging.Handler) -> None:
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)


def init_app(app: Flask) -> None:
    """Scrub werkzeug's request log and the app's own log. A logger's filter sees only the
    records logged on it, so the filter goes on the loggers that log (werkzeug, the app's
    and its modules') and on the handlers their records reach (the app's, the root's)."""
    _add(logging.getLogger("werkzeug"))
    _add(app.logger)
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith(f"{app.name}."):
            _add(logging.getLogger(name))
    for handler in (*app.logger.handlers, *logging.getLogger().handlers):
        _add(handler)
