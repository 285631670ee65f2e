"""Form helpers shared by every feature: stripping, safe URLs, showing domain errors."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from chamber.exceptions import ChamberError


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class ChamberForm(FlaskForm):
    """Strips surrounding white space from every text field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if strip_filter not in filters:
                unbound_field.kwargs["filters"] = [strip_filter, *filters]
            return unbound_field.bind(form=form, **options)

    def add_error(self, error: ChamberError) -> None:
        """Show a service's refusal next to its field, or above the form."""
        field = getattr(self, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
WEB_URL_MESSAGE = "Enter a web address like https://example.com."


def safe_web_url(form, field) -> None:
    """Websites must be plain http(s) links to a named host: no javascript:, data: etc."""
    if not field.data:
        return
    value = field.data
    lowered = value.lower()
    if not lowered.startswith(("http://", "https://")):
        if _SCHEME.match(value) or value.startswith("/"):
            raise ValidationError(WEB_URL_MESSAGE)
        value = "https://" + value
    if any(ch.isspace() or ord(ch) < 32 for ch in value) or "\\" in value:
        raise ValidationError(WEB_URL_MESSAGE)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:  # e.g. an unbalanced "[" (IPv6 brackets)
        raise ValidationError(WEB_URL_MESSAGE) from exc
    if "@" in parts.netloc or not parts.hostname or not _HOST.match(parts.hostname):
        raise ValidationError(WEB_URL_MESSAGE)
    field.data = value
