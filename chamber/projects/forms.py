"""Project and shift forms, and parsing the shift's attendance marks."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from chamber.forms import (
    MODE_CHOICES,
    CalendarEntryForm,
    ChamberForm,
    MarkSheetForm,
    enum_choices,
    plain_text,
    sensible_year,
)
from chamber.once import FormTokenField
from chamber.projects.models import ProjectStatus, SignupStatus

STATUS_CHOICES = enum_choices(ProjectStatus)


def ends_on_or_after_start(form, field) -> None:
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("The project cannot end before it starts.")


class ProjectForm(ChamberForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160), plain_text])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=5000)])
    status = SelectField("Status", choices=STATUS_CHOICES, default=ProjectStatus.PROPOSED.value)
    starts_on = DateField("Starts on", validators=[Optional(), sensible_year])
    ends_on = DateField("Ends on", validators=[Optional(), sensible_year, ends_on_or_after_start])

    FIELDS = ("name", "summary", "starts_on", "ends_on")

    def project_data(self) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        data["status"] = ProjectStatus(self.status.data)
        return data


class NewProjectForm(ProjectForm):
    form_token = FormTokenField()


class ShiftForm(CalendarEntryForm):
    mode = SelectField("In person or online", choices=MODE_CHOICES)
    slots = IntegerField(
        "Volunteers needed",
        validators=[
            InputRequired("Enter how many volunteers are needed."),
            NumberRange(1, 500, "Between 1 and 500 volunteers."),
        ],
    )

    confirm_clash = BooleanField(
        "Plan it anyway",
        description="Members on the committee would have to choose between the two.",
    )

    def fill_from(self, shift) -> None:
        super().fill_from(shift)
        self.slots.data = shift.slots

    def shift_data(self) -> dict:
        return {
            **self.entry_data(),
            "slots": self.slots.data,
            "confirm_clash": bool(self.confirm_clash.data),
        }


class NewShiftForm(ShiftForm):
    form_token = FormTokenField()


MARK_CHOICES = (SignupStatus.SIGNED_UP, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


class SignupMarksForm(MarkSheetForm):
    """Who came to a shift: one radio group `signup-<id>` per markable sign-up; a group left
    unanswered keeps that sign-up as it is."""

    field_prefix = "signup"
    choices = tuple((status.value, status.label) for status in MARK_CHOICES)
    message = "Mark each sign-up attended, no-show or not yet."

    def marks(self) -> dict[int, SignupStatus]:
        return {i: SignupStatus(v) for i, v in self.raw_marks().items() if v is not None}
