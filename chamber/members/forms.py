"""Forms of people and businesses: profile, staff edits, invitations, moves, merges, status,
directory filters, member search and CSV import."""

from __future__ import annotations

from collections.abc import Collection

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
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError

from chamber.forms import (
    ChamberForm,
    QueryForm,
    not_in_future,
    parse_id,
    phone_number,
    plain_text,
    safe_web_url,
    select_choices,
)
from chamber.members.models import BusinessStatus
from chamber.once import FormTokenField


def _email(label: str = "E-mail") -> EmailField:
    return EmailField(
        label, validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )


def _full_name(label: str = "Full name") -> StringField:
    return StringField(label, validators=[DataRequired(), Length(max=120), plain_text])


def _job_title(label: str = "Job title") -> StringField:
    return StringField(label, validators=[Optional(), Length(max=120), plain_text])


def _phone(label: str = "Phone") -> StringField:
    return StringField(label, validators=[Optional(), Length(max=40), phone_number])


class ProfileForm(ChamberForm):
    """What a person may change about themselves (their business is edited on its page)."""

    full_name = _full_name()
    job_title = _job_title()
    phone = _phone()
    bio = TextAreaField("About you", validators=[Optional(), Length(max=2000)])
    is_listed = BooleanField(
        "Show my name and job title with my business in the public business directory"
    )

    FIELDS = ("full_name", "job_title", "phone", "bio", "is_listed")

    def profile_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class PersonAdminForm(ProfileForm):
    """Staff edit a person: the profile plus e-mail, join date and staff flag."""

    email = _email()
    joined_on = DateField("Member since", validators=[DataRequired(), not_in_future])
    is_staff = BooleanField("Staff (the chamber's director or employee: sees everything)")
    version_id = HiddenField()

    FIELDS = (*ProfileForm.FIELDS, "email", "joined_on", "is_staff")

    def admin_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class BusinessForm(ChamberForm):
    """A business's own details (staff, or the business's primary contact)."""

    name = StringField("Business name", validators=[DataRequired(), Length(max=160), plain_text])
    category = StringField(
        "Industry",
        validators=[Optional(), Length(max=80), plain_text],
        description="For example: Accounting, Bakery, Real estate.",
    )
    city = StringField("City", validators=[Optional(), Length(max=80), plain_text])
    address = StringField("Address", validators=[Optional(), Length(max=300), plain_text])
    website = StringField(
        "Website",
        validators=[Optional(), Length(max=300), safe_web_url],
        description="http:// or https:// only.",
    )
    phone = _phone("Business phone")
    description = TextAreaField("About the business", validators=[Optional(), Length(max=4000)])
    is_listed = BooleanField("List the business in the public business directory")
    version_id = HiddenField()

    FIELDS = (
        "name",
        "category",
        "city",
        "address",
        "website",
        "phone",
        "description",
        "is_listed",
    )

    def business_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class BusinessAdminForm(BusinessForm):
    """Staff also set when the business joined."""

    joined_on = DateField("Member since", validators=[DataRequired(), not_in_future])

    FIELDS = (*BusinessForm.FIELDS, "joined_on")


class NewBusinessForm(BusinessAdminForm):
    form_token = FormTokenField()


STATUS_CHOICES = select_choices((status.value, status.label) for status in BusinessStatus)


class BusinessStatusForm(ChamberForm):
    """Staff change a business's membership status; every change is kept."""

    status = SelectField("Membership", choices=STATUS_CHOICES)
    effective_on = DateField("As of", validators=[DataRequired(), not_in_future])
    note = StringField(
        "Note",
        validators=[Optional(), Length(max=300), plain_text],
        description="For example: did not renew for 2026; renewed after a reminder.",
    )

    def chosen_status(self) -> BusinessStatus:
        return BusinessStatus(self.status.data)


class PickBusinessForm(ChamberForm):
    """A posted business id (moving a person, merging a duplicate record)."""

    business_id = HiddenField(validators=[DataRequired("Choose a business.")])

    def validate_business_id(self, field) -> None:
        if parse_id(field.data) is None:
            raise ValidationError("Choose a business.")

    @property
    def chosen_id(self) -> int:
        return parse_id(self.business_id.data) or 0


class MovePersonForm(PickBusinessForm):
    """Where a person moves: a business id, or "none" (staff may represent no business)."""

    NO_BUSINESS = "none"

    def validate_business_id(self, field) -> None:
        if field.data != self.NO_BUSINESS:
            super().validate_business_id(field)

    @property
    def to_no_business(self) -> bool:
        return self.business_id.data == self.NO_BUSINESS


class ConfirmForm(ChamberForm):
    """A one-button POST (its CSRF token is all it carries)."""


class PersonActiveForm(ChamberForm):
    """Staff deactivate (active=0) or reactivate (active=1) a person."""

    active = HiddenField(validators=[AnyOf(["0", "1"], message="Choose an action.")])

    @property
    def activate(self) -> bool:
        return self.active.data == "1"


class MergeChoiceForm(QueryForm):
    """The GET step of a merge: which record is the duplicate (`?other=<id>`)."""

    other = StringField()

    @property
    def other_id(self) -> int | None:
        return parse_id(self.other.data)


class SearchForm(QueryForm):
    """A GET search (no CSRF: it changes nothing): its text is the field `q`."""

    q = StringField("Search", validators=[Optional(), Length(max=100)])

    @property
    def text(self) -> str | None:
        """The search text (at most 100 characters), or None when nothing was typed."""
        return self.q.data[:100] if self.q.data else None


class BusinessSearchForm(SearchForm):
    """The GET search step of picking a business."""

    q = StringField(
        "Find a business",
        validators=[Optional(), Length(max=100)],
        description="Type part of the business's name.",
    )


class InviteForm(ChamberForm):
    """Staff invite a person: a new business's first person, or a staff member."""

    email = _email()
    full_name = _full_name()
    job_title = _job_title()
    business_name = StringField(
        "New business",
        validators=[Optional(), Length(max=160), plain_text],
        description="To add a person to an existing business, invite them from its page.",
    )
    is_staff = BooleanField("Staff member (represents no business)")
    form_token = FormTokenField()

    FIELDS = ("email", "full_name", "job_title", "business_name", "is_staff")

    def invite_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class InviteToBusinessForm(ChamberForm):
    """Staff invite one more person of a business."""

    email = _email()
    full_name = _full_name()
    job_title = _job_title()
    is_primary_contact = BooleanField("Make them the business's primary contact")
    form_token = FormTokenField()

    FIELDS = ("email", "full_name", "job_title", "is_primary_contact")

    def invite_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class ImportRowForm(ChamberForm):
    """One CSV row of an import: a person and the business they represent."""

    class Meta:
        csrf = False

    email = _email("email")
    full_name = _full_name("full_name")
    job_title = _job_title("job_title")
    phone = _phone("phone")
    business = StringField("business", validators=[DataRequired(), Length(max=160), plain_text])
    category = StringField("category", validators=[Optional(), Length(max=80), plain_text])
    city = StringField("city", validators=[Optional(), Length(max=80), plain_text])
    address = StringField("address", validators=[Optional(), Length(max=300), plain_text])
    website = StringField("website", validators=[Optional(), Length(max=300), safe_web_url])
    business_phone = _phone("business_phone")
    description = StringField("description", validators=[Optional(), Length(max=4000)])
    joined_on = DateField("joined_on", validators=[Optional(), not_in_future])
    primary_contact = StringField("primary_contact", validators=[Optional(), Length(max=5)])

    PERSON_FIELDS = ("email", "full_name", "job_title", "phone")
    BUSINESS_FIELDS = (
        "category",
        "city",
        "address",
        "website",
        "business_phone",
        "description",
        "joined_on",
    )

    def validate_primary_contact(self, field) -> None:
        if (field.data or "").lower() not in ("", "yes", "no", "y", "n", "1", "0", "true", "false"):
            raise ValidationError("write yes or no")

    @property
    def is_primary_contact(self) -> bool:
        return (self.primary_contact.data or "").lower() in ("yes", "y", "1", "true")


#: CSV columns of an import; `business_name` is read as `business` (the old format).
IMPORT_COLUMNS = tuple(ImportRowForm.PERSON_FIELDS) + (
    "business",
    *ImportRowForm.BUSINESS_FIELDS,
    "primary_contact",
)


class ImportForm(ChamberForm):
    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv"], "Upload a .csv file."),
        ],
        description="Columns: email, full_name, business (required); job_title, phone; "
        "the business's category, city, address, website, business_phone, description, "
        "joined_on (YYYY-MM-DD); primary_contact (yes/no). The first line names the columns. "
        "Rows with the same business become people of one business.",
    )
    send_invitations = BooleanField("E-mail each new person an invitation to set a password")


class DirectoryFilterForm(SearchForm):
    """GET filters of the member directory."""

    category = SelectField("Industry", choices=[], validate_choice=False)
    city = SelectField("City", choices=[], validate_choice=False)
    committee = SelectField("Committee", choices=[], validate_choice=False)


class StaffListForm(SearchForm):
    """GET filters of the staff lists of people and businesses."""

    status = SelectField("Show", choices=[], validate_choice=False)

    def chosen(self, allowed: Collection[str], default: str) -> str:
        return self.status.data if self.status.data in allowed else default


class MemberSearchForm(SearchForm):
    """The pick step of giving a referral or logging a one-to-one (a GET form): find a member
    by name or business."""

    q = StringField(
        "Find a member",
        validators=[Optional(), Length(max=100)],
        description="Type part of a name or a business.",
    )


class PictureForm(ChamberForm):
    """A photo or logo upload; its content is checked by chamber.members.pictures."""

    picture = FileField(
        "Picture",
        validators=[FileRequired("Choose a picture to upload.")],
        description="JPEG, PNG, WebP or GIF, up to 5 MB. It is resized and its metadata "
        "(camera, place) removed.",
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"},
    )
