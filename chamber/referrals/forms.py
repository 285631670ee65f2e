"""Referral forms: give, work the pipeline, thank, staff correction, and the list filters."""

from __future__ import annotations

from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from chamber.forms import ChamberForm, QueryForm, member_id, parse_money, phone_number, plain_text
from chamber.forms import money_amount as money_amount_up_to
from chamber.localtime import chamber_today
from chamber.once import FormTokenField
from chamber.referrals.models import MAX_VALUE_CENTS, ReferralStatus, ReferralTemperature

money_amount = money_amount_up_to(MAX_VALUE_CENTS)


def choices(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(str(value), label, optgroup=optgroup) for value, label in pairs]


TEMPERATURE_CHOICES = choices(
    [
        (ReferralTemperature.HOT.value, "Hot: ready to buy, expecting your call"),
        (ReferralTemperature.WARM.value, "Warm: interested, knows you will call"),
        (ReferralTemperature.COLD.value, "Cold: might need you, has not asked yet"),
    ]
)


class GiveReferralForm(ChamberForm):
    """The giver's side of a referral. Who gives it, its status and value are never inputs."""

    # Chosen on the pick step; the service checks it is another, active member.
    receiver = HiddenField("Refer to", filters=[member_id])
    prospect_name = StringField(
        "Prospect's name",
        validators=[
            DataRequired("Name the person or business you refer."),
            Length(max=120),
            plain_text,
        ],
    )
    prospect_email = EmailField(
        "Prospect's e-mail",
        validators=[Optional(), Length(max=254), Email(check_deliverability=False)],
    )
    prospect_phone = StringField(
        "Prospect's phone", validators=[Optional(), Length(max=40), phone_number]
    )
    need = TextAreaField(
        "What they need",
        validators=[DataRequired("Say what the prospect needs."), Length(max=2000)],
    )
    temperature = RadioField(
        "How warm is it?", choices=TEMPERATURE_CHOICES, default=ReferralTemperature.WARM.value
    )
    how = SelectField(
        "How we know each other",
        choices=choices([("", "Not through shared work")]),
        validate_choice=False,
        description="Where you two worked together, if anywhere.",
    )
    form_token = FormTokenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.prospect_email.data and not self.prospect_phone.data:
            if not self.prospect_email.errors and not self.prospect_phone.errors:
                self.prospect_email.errors = [
                    *self.prospect_email.errors,
                    "Give an e-mail address or a phone number (or both).",
                ]
            valid = False
        return valid

    def referral_data(self) -> dict:
        kind, _, number = (self.how.data or "").partition(":")
        return {
            "prospect_name": self.prospect_name.data,
            "prospect_email": (self.prospect_email.data or "").lower(),
            "prospect_phone": self.prospect_phone.data or "",
            "need": self.need.data,
            "temperature": ReferralTemperature(self.temperature.data),
            "how_committee_id": int(number) if kind == "committee" and number.isdigit() else None,
            "how_project_id": int(number) if kind == "project" and number.isdigit() else None,
            "how_given": bool(self.how.data),
        }


class _StatusChangeForm(ChamberForm):
    """A referral's new status, with the value and date of won business, and the version of
    the referral the form was read at (the receiver's form and the staff correction)."""

    version_id = HiddenField()

    @property
    def closed_value_cents(self) -> int | None:
        return parse_money(self.closed_value.data)

    def status_change(self) -> dict:
        """What was chosen, as the services take it: the status, the version read, the
        closed value and date."""
        return {
            "to_status": ReferralStatus(self.status.data),
            "version_id": self.version_id.data,
            "closed_value_cents": self.closed_value_cents,
            "closed_on": self.closed_on.data,
        }


class WorkReferralForm(_StatusChangeForm):
    """The receiver moves the referral on; won needs the closed value and date."""

    status = SelectField("New status", choices=[])
    closed_value = StringField(
        "Closed value ($)",
        validators=[Optional(), Length(max=20), money_amount],
        description="For won business: the amount it was worth, e.g. 1,250.00.",
    )
    # Today in the chamber's zone unless the member says otherwise (issue 11).
    closed_on = DateField("Closed on", validators=[Optional()], default=chamber_today)
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=1000)])

    def set_choices(self, current: ReferralStatus) -> None:
        self.status.choices = choices((s.value, s.label) for s in current.next_statuses())


class ThankYouForm(ChamberForm):
    note = TextAreaField(
        "Thank-you note",
        validators=[DataRequired("Write a few words of thanks."), Length(max=1000)],
    )


class CorrectReferralForm(_StatusChangeForm):
    """Staff put a referral right: any status, value and date, with a reason for the audit."""

    status = SelectField("Status", choices=choices((s.value, s.label) for s in ReferralStatus))
    closed_value = StringField(
        "Closed value ($)",
        validators=[Optional(), Length(max=20), money_amount],
        description="Only for won; cleared for every other status.",
    )
    closed_on = DateField("Closed on", validators=[Optional()])
    reason = TextAreaField(
        "Reason for the correction",
        validators=[
            DataRequired("Say why this is corrected (it is kept in the audit log)."),
            Length(max=500),
        ],
    )


class ReassignReferralForm(ChamberForm):
    """Staff pass a referral whose receiver left to the member chosen on the pick step."""

    # Chosen on the pick step; the service checks it is an active member, not the giver.
    receiver = HiddenField("Pass to", filters=[member_id])
    version_id = HiddenField()


STATUS_FILTER_CHOICES = choices(
    [("", "Every status"), ("open", "Open")] + [(s.value, s.label) for s in ReferralStatus]
)


class ReferralFilterForm(QueryForm):
    """GET filter of the member's lists (no CSRF: it changes nothing)."""

    status = SelectField("Status", choices=STATUS_FILTER_CHOICES, validate_choice=False)

    @property
    def status_value(self) -> str | None:
        valid = {choice.value for choice in STATUS_FILTER_CHOICES}
        return self.status.data if self.status.data in valid and self.status.data else None


class StaffReferralFilterForm(ReferralFilterForm):
    q = StringField("Giver or receiver", validators=[Optional(), Length(max=100)])
    given_from = DateField("Given from", validators=[Optional()])
    given_to = DateField("Given until", validators=[Optional()])
