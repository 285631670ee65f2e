"""Form helpers shared by every feature: stripping, safe URLs, showing domain errors."""

from __future__ import annotations

import enum
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Self
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from chamber.enums import WorkMode
from chamber.exceptions import ChamberError
from chamber.localtime import chamber_today, chamber_zone, local_to_utc, utc_to_local


def strip_filter(value):
    """Surrounding white space goes, and so do NUL characters: they mean nothing in text and
    PostgreSQL refuses them in text columns (SQLite would store them)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _is_hidden(field) -> bool:
    """A field the page does not show (a hidden id, the CSRF token): its errors go on top."""
    return getattr(field.widget, "input_type", None) == "hidden"


class ChamberForm(FlaskForm):
    """Strips surrounding white space (and NUL characters) from every text field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if strip_filter not in filters:
                unbound_field.kwargs["filters"] = [strip_filter, *filters]
            return unbound_field.bind(form=form, **options)

    def page_errors(self) -> list[str]:
        """What to say above the form: refusals not tied to a field, the errors of hidden
        fields (an expired form, a stale version) that have no place on the page, and a
        pointer to the fields marked below when there are any."""
        hidden = [message for field in self if _is_hidden(field) for message in field.errors]
        shown = [field for field in self if field.errors and not _is_hidden(field)]
        pointer = ["Please correct the fields marked below."] if shown else []
        if shown and shown[0].type not in ("RadioField", "FieldList", "FormField"):
            # The page comes back with the first field to correct focused (no script needed).
            shown[0].render_kw = {**(shown[0].render_kw or {}), "autofocus": True}
        return list(self.form_errors) + hidden + pointer

    def add_error(self, error: ChamberError) -> None:
        """Show a service's refusal next to its field, or above the form."""
        field = getattr(self, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)


class QueryForm(ChamberForm):
    """A form read from the query string (a filter, a search, a period): it changes nothing,
    so it carries no CSRF token and a link or a bookmark can fill it."""

    class Meta:
        csrf = False


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


_MONEY = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")
MONEY_MESSAGE = "Enter an amount in dollars and cents, such as 1250 or 1,250.00."


def parse_money(text: str | None) -> int | None:
    """'$1,250.5' -> 125050 cents, exactly (Decimal, never float); None when empty.

    Raises ValueError with a message a member understands for anything that is not a plain
    amount (letters, exponents, more than two decimals, a minus sign).
    """
    value = (text or "").strip()
    if not value:
        return None
    if value.startswith("$"):
        value = value[1:].strip()
    if not _MONEY.match(value):
        raise ValueError(MONEY_MESSAGE)
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation as exc:  # the pattern should have caught it; be safe anyway
        raise ValueError(MONEY_MESSAGE) from exc
    return int((amount * 100).to_integral_exact())


def money_text(cents: int | None) -> str:
    """Cents as the text a member would type: 125050 -> '1250.50'."""
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def money_amount(max_cents: int):
    """A validator of a money text field: a plain amount, more than zero, at most max_cents;
    the form reads the cents with parse_money."""

    def validate(form, field) -> None:
        try:
            cents = parse_money(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if cents is not None and cents <= 0:
            raise ValidationError("The value must be more than zero.")
        if cents is not None and cents > max_cents:
            raise ValidationError(
                f"That is more than ${max_cents // 100:,}.{max_cents % 100:02d}; check the amount."
            )

    return validate


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def enum_choices(enum_cls, only=None) -> list[SelectChoice]:
    """A labelled enum's members (or `only` some of them) as select choices."""
    return select_choices((m.value, m.label) for m in (only if only is not None else enum_cls))


MODE_CHOICES = enum_choices(WorkMode)

#: What a browser's datetime-local input sends (seconds when the page asks for them).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
FIRST_YEAR, LAST_YEAR = 2000, 2099

_PHONE = re.compile(r"^\+?[0-9 ().\-]{7,30}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)


def not_in_future(form, field) -> None:
    """A date that has happened, by the chamber's calendar (not the server's)."""
    if field.data and field.data > chamber_today():
        raise ValidationError("This date is in the future.")


def sensible_year(form, field) -> None:
    """Dates and times from 2000 to 2099: a typo like 0001 or 9999 is refused here rather
    than overflowing when the local time is converted to UTC (or back, on every page)."""
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")


def ends_after_start(form, field) -> None:
    """The end field of a form that also has `starts_at`."""
    if field.data and form.starts_at.data and field.data <= form.starts_at.data:
        raise ValidationError("The end must be after the start.")


def phone_number(form, field) -> None:
    if field.data and not _PHONE.match(field.data):
        raise ValidationError("Enter a phone number such as +1 555 123 4567.")


def plain_text(form, field) -> None:
    """No control characters in single-line fields (they break CSV, mail headers, layout)."""
    if field.data and any(ord(ch) < 32 for ch in field.data):
        raise ValidationError("Use letters, numbers and punctuation only.")


def real_local_time(form, field) -> None:
    """A local time that exists on the chamber's clocks: the hour skipped when they go
    forward (e.g. 02:30 on a spring-forward night) is refused with that reason."""
    if not field.data or field.errors:  # a year out of range is already refused
        return
    try:
        exists = utc_to_local(local_to_utc(field.data)) == field.data
    except (OverflowError, ValueError):
        raise ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.") from None
    if not exists:
        raise ValidationError(
            f"This time does not exist in {chamber_zone().key}: the clocks go forward that "
            "night. Choose a time outside the skipped hour."
        )


class MarkSheetForm(ChamberForm):
    """A sheet of rows, each a radio group `<field_prefix>-<id>` (attendance, shift sign-ups).
    Build it for the rows on the page with `for_rows(ids)`; a group left empty is None."""

    field_prefix = "mark"
    choices: tuple[tuple[str, str], ...] = ()
    message = "Choose one of the options for every row."
    row_ids: tuple[int, ...] = ()

    @classmethod
    def for_rows(cls, row_ids):
        fields = {
            f"{cls.field_prefix}-{row_id}": RadioField(
                choices=select_choices(cls.choices), validators=[Optional()]
            )
            for row_id in row_ids
        }
        return type(cls.__name__, (cls,), fields | {"row_ids": tuple(row_ids)})()

    def row_field(self, row_id: int):
        return self[f"{self.field_prefix}-{row_id}"]

    def validate(self, extra_validators=None) -> bool:
        if super().validate(extra_validators):
            return True
        if any(self.row_field(i).errors for i in self.row_ids):
            self.form_errors.append(self.message)
        return False

    def raw_marks(self) -> dict[int, str | None]:
        """Each row's chosen value, None where nothing was chosen."""
        return {row_id: self.row_field(row_id).data or None for row_id in self.row_ids}


class TimeSpanForm(ChamberForm):
    """A form with a start and an end typed in the chamber's local time (a meeting, a
    shift), stored as UTC: `fill_span()` shows a stored one, `span()` gives it back."""

    starts_at = DateTimeLocalField(
        "Starts",
        format=LOCAL_FORMATS,
        validators=[DataRequired("Enter the start time."), sensible_year, real_local_time],
    )
    ends_at = DateTimeLocalField(
        "Ends",
        format=LOCAL_FORMATS,
        validators=[
            DataRequired("Enter the end time."),
            sensible_year,
            real_local_time,
            ends_after_start,
        ],
    )

    def fill_span(self, stored) -> None:
        self.starts_at.data = utc_to_local(stored.starts_at)
        self.ends_at.data = utc_to_local(stored.ends_at)

    def span(self) -> dict:
        return {
            "starts_at": local_to_utc(self.starts_at.data),
            "ends_at": local_to_utc(self.ends_at.data),
        }


class CalendarEntryForm(TimeSpanForm):
    """Something members come to (a meeting, a shift): a title, when, how (a `mode` field of
    `modes`, in person or online) and where. `fill_from()` shows a stored one,
    `entry_data()` gives its columns back."""

    modes: type[enum.Enum] = WorkMode
    title = StringField("Title", validators=[DataRequired(), Length(max=160), plain_text])
    place = StringField("Place or link", validators=[Optional(), Length(max=200), plain_text])

    @classmethod
    def editing(cls, entry) -> Self:
        """The form to edit `entry`: showing it when first asked for, what was typed when
        posted."""
        form = cls()
        if not form.is_submitted():
            form.fill_from(entry)
        return form

    def fill_from(self, entry) -> None:
        self.title.data, self.place.data = entry.title, entry.place
        self.mode.data = entry.mode.value
        self.fill_span(entry)

    def entry_data(self) -> dict:
        return {
            "title": self.title.data,
            **self.span(),
            "mode": self.modes(self.mode.data),
            "place": self.place.data or "",
        }
