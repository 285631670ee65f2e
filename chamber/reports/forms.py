"""The reports' filters (read from the URL) and the engagement thresholds settings form."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from chamber.forms import ChamberForm

EARLIEST = date(2000, 1, 1)
MAX_RANGE_DAYS = 366 * 10


class ReportFilterForm(ChamberForm):
    """Dates and scope of a report, from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    first = DateField("From", validators=[Optional()])
    last = DateField("To", validators=[Optional()])
    committee = SelectField("Committee", choices=[], validate_choice=False, default="")
    member = HiddenField()

    def validate_first(self, field) -> None:
        if field.data and field.data < EARLIEST:
            raise ValidationError(f"Choose a date from {EARLIEST:%d %b %Y} on.")

    def validate_last(self, field) -> None:
        if field.data and field.data < EARLIEST:
            raise ValidationError(f"Choose a date from {EARLIEST:%d %b %Y} on.")
        if field.data and self.first.data and field.data < self.first.data:
            raise ValidationError("The end comes before the start.")
        if field.data and self.first.data and (field.data - self.first.data).days > MAX_RANGE_DAYS:
            raise ValidationError("Choose a range of at most ten years.")

    def dates(self, default: tuple[date, date], today: date) -> tuple[date, date]:
        """The range asked for; a field with an error (or left empty) takes its default, and
        a range ending after today ends today."""
        first = self.first.data if self.first.data and not self.first.errors else default[0]
        last = self.last.data if self.last.data and not self.last.errors else default[1]
        if first > last:
            first = default[0] if default[0] <= last else last
        return first, last


class ThresholdsForm(ChamberForm):
    """The engagement light's thresholds: green from one score, yellow from a lower one."""

    green_from = IntegerField(
        "Green from a score of",
        validators=[InputRequired("Enter a score."), NumberRange(1, 10_000)],
        description="A member whose score reaches this is green.",
    )
    yellow_from = IntegerField(
        "Yellow from a score of",
        validators=[InputRequired("Enter a score."), NumberRange(0, 9_999)],
        description="At least this and below green is yellow; below it is red.",
    )
    version_id = HiddenField()

    def validate_yellow_from(self, field) -> None:
        if (
            field.data is not None
            and self.green_from.data is not None
            and field.data >= self.green_from.data
        ):
            raise ValidationError("Yellow must start below green.")
