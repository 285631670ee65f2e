"""Form helpers shared by every feature: stripping, safe URLs, showing domain errors."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

from chamber.exceptions import ChamberError


def strip_filter(value):
    """Surrounding white space goes, and so do NUL characters: they mean nothing in text and
    PostgreSQL refuses them in text columns (SQLite would store them)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class ChamberForm(FlaskForm):
    """Strips surrounding white space (and NUL characters) from every text field."""

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


def form_token_format(form, field) -> None:
    """The one-time token of a rendered form (SECURITY row 20) must be a UUID."""
    try:
        uuid.UUID(field.data or "")
    except ValueError as exc:
        raise ValidationError("This form has expired. Please reload the page.") from exc


def new_form_token() -> str:
    """A fresh one-time token for a form being rendered: a second POST of it saves nothing."""
    return str(uuid.uuid4())


#: The largest id a picked member can have: keeps a posted number inside the database's
#: integer column (a bigger one would be an error on PostgreSQL and SQLite, not "no member").
MAX_ID = 2**31 - 1


def database_id(value) -> int:
    """Coerce a posted row id (`SelectField(coerce=database_id)`): an int from 1 to MAX_ID,
    else ValueError, which WTForms shows as a field error — never a number that overflows
    the database's integer column and answers 500 (SECURITY row 30)."""
    number = parse_id(value)
    if number is None:
        raise ValueError("Not a valid id.")
    return number


def parse_id(value) -> int | None:
    """The row id in a query-string or form value (1 to MAX_ID), or None when it cannot name
    a row: not a number, zero, or beyond the database's integer range."""
    text = str(value).strip() if value is not None else ""
    if not text.isdecimal() or len(text) > len(str(MAX_ID)) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


class DatabaseIdField(IntegerField):
    """A posted row id (hidden by default): `data` is an int from 1 to MAX_ID, or None with
    a field error for anything else."""

    widget = HiddenInput()

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = database_id(valuelist[0])
            except ValueError as exc:
                raise ValueError(self.gettext("Not a valid id.")) from exc


def member_id(value) -> int:
    """A member id from a form or a query string; anything else becomes 0 (names no member)."""
    return parse_id(value) or 0


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
