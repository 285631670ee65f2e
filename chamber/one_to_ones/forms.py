"""Logging a one-to-one."""

from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from chamber.enums import WorkMode
from chamber.forms import MODE_CHOICES, ChamberForm, member_id, not_in_future
from chamber.localtime import chamber_today
from chamber.once import FormTokenField


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
    form_token = FormTokenField()

    def one_to_one_data(self) -> dict:
        return {
            "partner_id": self.partner_id.data,
            "met_on": self.met_on.data,
            "mode": WorkMode(self.mode.data),
            "note": self.note.data or "",
        }
