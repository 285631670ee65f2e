"""Logging a one-to-one."""

from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from chamber.contributions.forms import MODE_CHOICES, not_in_future
from chamber.contributions.models import WorkMode
from chamber.forms import ChamberForm, form_token_format, member_id
from chamber.localtime import chamber_today


class OneToOneForm(ChamberForm):
    # Chosen on the pick step; the service checks it is another, active member.
    partner_id = HiddenField("Who you met", filters=[member_id])
    met_on = DateField(
        "Date", validators=[DataRequired("Enter the date."), not_in_future], default=chamber_today
    )
    mode = SelectField("In person or online", choices=MODE_CHOICES)
    note = TextAreaField(
        "Short note (optional)",
        validators=[Optional(), Length(max=500)],
        description="What you talked about; both of you see it.",
    )
    # One per rendered form: a second POST of the same form finds the first one-to-one.
    form_token = HiddenField(validators=[form_token_format])

    def one_to_one_data(self) -> dict:
        return {
            "partner_id": self.partner_id.data,
            "met_on": self.met_on.data,
            "mode": WorkMode(self.mode.data),
            "note": self.note.data or "",
        }
