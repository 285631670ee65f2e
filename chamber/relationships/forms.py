"""Input of the relationship pages: the introduction request and the as-of date."""

from __future__ import annotations

from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from chamber.forms import ChamberForm, DatabaseIdField, QueryForm
from chamber.once import FormTokenField


class IntroductionForm(ChamberForm):
    """Ask for an introduction to a member (the introducer is found on the server)."""

    target_id = DatabaseIdField("Member", validators=[DataRequired()])
    message = TextAreaField("Why you would like to meet", validators=[Optional(), Length(max=500)])
    form_token = FormTokenField()


class DecisionForm(ChamberForm):
    """Accept or decline: the CSRF token is all there is."""

    decision = HiddenField()


class AsOfForm(QueryForm):
    """My network as it was on a past day (read from the ledger)."""

    as_of = DateField("As of", validators=[Optional()])
