"""Member profile, invitation, staff edit, directory filter, member search and import forms."""

from __future__ import annotations

import re

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from chamber.forms import ChamberForm, safe_web_url
from chamber.localtime import chamber_today

_PHONE = re.compile(r"^\+?[0-9 ().\-]{7,30}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)


def phone_number(form, field) -> None:
    if field.data and not _PHONE.match(field.data):
        raise ValidationError("Enter a phone number such as +1 555 123 4567.")


def not_in_future(form, field) -> None:
    if field.data and field.data > chamber_today():
        raise ValidationError("This date cannot be in the future.")


def plain_text(form, field) -> None:
    """No control characters in single-line fields (they break CSV, mail headers, layout)."""
    if field.data and any(ord(ch) < 32 for ch in field.data):
        raise ValidationError("Use letters, numbers and punctuation only.")


class ProfileForm(ChamberForm):
    """What a member may change about themselves."""

    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120), plain_text])
    business_name = StringField(
        "Business", validators=[DataRequired(), Length(max=160), plain_text]
    )
    category = StringField(
        "Industry",
        validators=[Optional(), Length(max=80), plain_text],
        description="For example: Accounting, Bakery, Real estate.",
    )
    city = StringField("City", validators=[Optional(), Length(max=80), plain_text])
    phone = StringField("Phone", validators=[Optional(), Length(max=40), phone_number])
    website = StringField(
        "Website",
        validators=[Optional(), Length(max=300), safe_web_url],
        description="http:// or https:// only.",
    )
    bio = TextAreaField("About you and your business", validators=[Optional(), Length(max=2000)])
    is_listed = BooleanField(
        "List my business in the public directory (business, industry, city and website only)"
    )

    PROFILE_FIELDS = (
        "full_name",
        "business_name",
        "category",
        "city",
        "phone",
        "website",
        "bio",
        "is_listed",
    )

    def profile_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.PROFILE_FIELDS}


class MemberAdminForm(ProfileForm):
    """Staff edit a member: the profile plus e-mail, join date and staff flag."""

    email = EmailField(
        "E-mail", validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    joined_on = DateField("Member since", validators=[DataRequired(), not_in_future])
    is_staff = BooleanField("Staff (the chamber's director or employee: sees everything)")
    version_id = HiddenField()

    ADMIN_FIELDS = (*ProfileForm.PROFILE_FIELDS, "email", "joined_on", "is_staff")

    def admin_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.ADMIN_FIELDS}


class InviteForm(ChamberForm):
    email = EmailField(
        "E-mail", validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120), plain_text])
    business_name = StringField(
        "Business", validators=[DataRequired(), Length(max=160), plain_text]
    )
    category = StringField("Industry", validators=[Optional(), Length(max=80), plain_text])
    city = StringField("City", validators=[Optional(), Length(max=80), plain_text])
    is_staff = BooleanField("Staff member")

    FIELDS = ("email", "full_name", "business_name", "category", "city", "is_staff")

    def invite_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class ImportRowForm(ChamberForm):
    """One CSV row of an import: the same rules as an invitation, plus optional extras."""

    class Meta:
        csrf = False

    email = EmailField(
        "email", validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    full_name = StringField("full_name", validators=[DataRequired(), Length(max=120), plain_text])
    business_name = StringField(
        "business_name", validators=[DataRequired(), Length(max=160), plain_text]
    )
    category = StringField("category", validators=[Optional(), Length(max=80), plain_text])
    city = StringField("city", validators=[Optional(), Length(max=80), plain_text])
    phone = StringField("phone", validators=[Optional(), Length(max=40), phone_number])
    website = StringField("website", validators=[Optional(), Length(max=300), safe_web_url])
    joined_on = DateField("joined_on", validators=[Optional(), not_in_future])

    FIELDS = (
        "email",
        "full_name",
        "business_name",
        "category",
        "city",
        "phone",
        "website",
        "joined_on",
    )

    def row_data(self) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        data["joined_on"] = data["joined_on"] or chamber_today()
        return data


class ImportForm(ChamberForm):
    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv"], "Upload a .csv file."),
        ],
        description="Columns: email, full_name, business_name, category, city, phone, website, "
        "joined_on (YYYY-MM-DD). The first line names the columns.",
    )
    send_invitations = BooleanField("E-mail each new member an invitation to set a password")


class DirectoryFilterForm(ChamberForm):
    """GET filters of the member directory (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    category = SelectField("Industry", choices=[], validate_choice=False)
    city = SelectField("City", choices=[], validate_choice=False)
    committee = SelectField("Committee", choices=[], validate_choice=False)


class MemberSearchForm(ChamberForm):
    """The pick step of giving a referral or logging a one-to-one (a GET form): find a member
    by name or business."""

    class Meta:
        csrf = False

    q = StringField(
        "Find a member",
        validators=[Optional(), Length(max=100)],
        description="Type part of a name or a business.",
    )

    @property
    def text(self) -> str | None:
        """The search text (at most 100 characters), or None when nothing was typed."""
        return self.q.data[:100] if self.q.data else None
