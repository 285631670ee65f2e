"""Meeting forms (local times in, UTC out) and parsing the one-submit attendance sheet."""

from __future__ import annotations

from wtforms import DateTimeLocalField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from chamber.forms import (
    LOCAL_FORMATS,
    ChamberForm,
    MarkSheetForm,
    ends_after_start,
    plain_text,
    real_local_time,
    select_choices,
    sensible_year,
)
from chamber.localtime import local_to_utc, utc_to_local
from chamber.meetings.models import AttendanceStatus, MeetingMode
from chamber.once import FormTokenField

MODE_CHOICES = select_choices((mode.value, mode.label) for mode in MeetingMode)



class MeetingForm(ChamberForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=160), plain_text])
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
    mode = SelectField("How we meet", choices=MODE_CHOICES, default=MeetingMode.IN_PERSON.value)
    place = StringField(
        "Place or link",
        validators=[Optional(), Length(max=200), plain_text],
        description="An address for in-person meetings, a video link for online ones.",
    )
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=5000)])

    def fill_from(self, meeting) -> None:
        """Show a stored meeting in local time."""
        self.title.data, self.place.data, self.agenda.data = (
            meeting.title,
            meeting.place,
            meeting.agenda,
        )
        self.mode.data = meeting.mode.value
        self.starts_at.data = utc_to_local(meeting.starts_at)
        self.ends_at.data = utc_to_local(meeting.ends_at)

    def meeting_data(self) -> dict:
        return {
            "title": self.title.data,
            "starts_at": local_to_utc(self.starts_at.data),
            "ends_at": local_to_utc(self.ends_at.data),
            "mode": MeetingMode(self.mode.data),
            "place": self.place.data or "",
            "agenda": self.agenda.data or "",
        }


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


class EventAttendeeForm(ChamberForm):
    """Staff add one attendee to a chamber-wide event by e-mail."""

    email = EmailField(
        "Member's e-mail",
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
    )
    status = SelectField(
        "Attendance",
        choices=select_choices((s.value, s.label) for s in AttendanceStatus),
        default=AttendanceStatus.IN_PERSON.value,
    )
