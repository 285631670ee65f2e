"""Meeting forms (local times in, UTC out) and parsing the one-submit attendance sheet."""

from __future__ import annotations

from wtforms import DateTimeLocalField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from chamber.contributions.forms import select_choices
from chamber.forms import ChamberForm
from chamber.localtime import local_to_utc, utc_to_local
from chamber.meetings.models import AttendanceStatus, MeetingMode
from chamber.members.forms import plain_text

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
MODE_CHOICES = select_choices((mode.value, mode.label) for mode in MeetingMode)


FIRST_YEAR, LAST_YEAR = 2000, 2099


def sensible_year(form, field) -> None:
    """Dates and times from 2000 to 2099: a typo like 0001 or 9999 is refused here rather
    than overflowing when the local time is converted to UTC (or back, on every page)."""
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")


def ends_after_start(form, field) -> None:
    if field.data and form.starts_at.data and field.data <= form.starts_at.data:
        raise ValidationError("The end must be after the start.")


class MeetingForm(ChamberForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=160), plain_text])
    starts_at = DateTimeLocalField(
        "Starts",
        format=LOCAL_FORMATS,
        validators=[DataRequired("Enter the start time."), sensible_year],
    )
    ends_at = DateTimeLocalField(
        "Ends",
        format=LOCAL_FORMATS,
        validators=[DataRequired("Enter the end time."), sensible_year, ends_after_start],
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


class AttendanceForm(ChamberForm):
    """The CSRF-protected sheet; each member's mark is a radio group `attendance-<id>`."""

    def marks(self, formdata, member_ids) -> dict[int, AttendanceStatus | None] | None:
        """Every member's mark, or None (with a form error) when a value is not a choice."""
        marks: dict[int, AttendanceStatus | None] = {}
        for member_id in member_ids:
            raw = formdata.get(f"attendance-{member_id}", "")
            if raw == "":
                marks[member_id] = None
                continue
            try:
                marks[member_id] = AttendanceStatus(raw)
            except ValueError:
                self.form_errors.append("Choose present, online, absent or excused for everyone.")
                return None
        return marks


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
