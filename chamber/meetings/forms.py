"""Meeting forms (local times in, UTC out) and parsing the one-submit attendance sheet."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from chamber.forms import (
    CalendarEntryForm,
    ChamberForm,
    MarkSheetForm,
    enum_choices,
    plain_text,
)
from chamber.meetings.models import AttendanceStatus, MeetingMode, RsvpAnswer
from chamber.once import FormTokenField

MODE_CHOICES = enum_choices(MeetingMode)


class MeetingForm(CalendarEntryForm):
    modes = MeetingMode
    mode = SelectField("How we meet", choices=MODE_CHOICES, default=MeetingMode.IN_PERSON.value)
    place = StringField(
        "Place or link",
        validators=[Optional(), Length(max=200), plain_text],
        description="An address for in-person meetings, a video link for online ones.",
    )
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=5000)])

    def fill_from(self, meeting) -> None:
        """Show a stored meeting in local time."""
        super().fill_from(meeting)
        self.agenda.data = meeting.agenda

    def meeting_data(self) -> dict:
        return {**self.entry_data(), "agenda": self.agenda.data or ""}


class NewMeetingForm(MeetingForm):
    form_token = FormTokenField()


class AttendanceForm(MarkSheetForm):
    """The attendance sheet: one radio group `attendance-<id>` per member; an empty group
    clears that member's mark."""

    field_prefix = "attendance"
    choices = tuple((status.value, status.label) for status in AttendanceStatus)
    message = "Choose present, online, absent or excused for everyone."

    def marks(self) -> dict[int, AttendanceStatus | None]:
        return {i: AttendanceStatus(v) if v else None for i, v in self.raw_marks().items()}


class RsvpForm(ChamberForm):
    """A member's answer to a meeting: the button pressed."""

    answer = SelectField(
        "Will you come?",
        choices=enum_choices(RsvpAnswer),
        validators=[DataRequired("Choose going, joining online or not going.")],
    )
