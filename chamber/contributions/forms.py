"""Logging a contribution, filtering the history, and the approval queue's decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wtforms import (
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from chamber.contributions.models import ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.forms import (
    MODE_CHOICES,
    ChamberForm,
    QueryForm,
    database_id,
    enum_choices,
    money_amount,
    money_text,
    not_in_future,
    parse_money,
    select_choices,
)
from chamber.localtime import chamber_today
from chamber.once import FormTokenField

KIND_CHOICES = enum_choices(ContributionKind)
#: the most an in-kind gift may be worth: $1,000,000.00
MAX_GIFT_CENTS = 1_000_000_00


def for_work_only(form, field) -> None:
    """Hours and mode are asked for work; an in-kind gift has neither (the value instead)."""
    if form.kind.data == ContributionKind.IN_KIND.value:
        field.errors[:] = []
        raise StopValidation()


def hours_for_work(form, field) -> None:
    """Hours are required for work (not marked required on the page: a gift has none)."""
    if not field.raw_data or not (field.raw_data[0] or "").strip():
        field.errors[:] = []
        raise StopValidation("Enter the hours, e.g. 1.5.")
    if field.errors:  # "Not a valid decimal value." already says it
        raise StopValidation()


def for_gifts_only(form, field) -> None:
    """The value is asked for an in-kind gift only, and is required there."""
    if form.kind.data != ContributionKind.IN_KIND.value:
        field.errors[:] = []
        raise StopValidation()
    if not (field.data or "").strip():
        raise StopValidation("Enter what the gift is worth, e.g. 250.")


def quarter_hours(form, field) -> None:
    """0.25 to 24 hours, in steps of a quarter hour."""
    if field.data is None:
        return
    if not field.data.is_finite():  # "NaN", "Infinity": Decimal parses them, comparing raises
        raise ValidationError("Enter the hours as a number, e.g. 1.5.")
    if not Decimal("0.25") <= field.data <= Decimal("24"):
        raise ValidationError("Hours must be between 0.25 and 24.")
    if (field.data * 4) % 1 != 0:
        raise ValidationError("Use quarter hours: .25, .5 or .75.")


class ContributionForm(ChamberForm):
    committee_id = SelectField("Committee", coerce=int, validate_choice=True)
    project_id = SelectField("Project (optional)", coerce=int, default=0, validators=[Optional()])
    kind = SelectField("Kind of work", choices=KIND_CHOICES)
    hours = DecimalField(
        "Hours",
        places=2,
        validators=[for_work_only, hours_for_work, quarter_hours],
        description="0.25 to 24, in quarter hours (1.25 = one hour and a quarter). "
        "Not for an in-kind gift.",
        render_kw={"inputmode": "decimal"},
    )
    contributed_on = DateField(
        "Date",
        validators=[DataRequired("Enter the date."), not_in_future],
        default=chamber_today,
    )
    mode = SelectField("In person or online", choices=MODE_CHOICES, validators=[for_work_only])
    value = StringField(
        "Estimated value ($)",
        validators=[for_gifts_only, Length(max=20), money_amount(MAX_GIFT_CENTS)],
        description="In-kind only: what the goods or services would have cost, e.g. 250.",
        render_kw={"inputmode": "decimal"},
    )
    description = TextAreaField(
        "What you did or gave",
        validators=[DataRequired("Say briefly what you did or gave."), Length(max=1000)],
    )

    def set_choices(self, committees, projects) -> None:
        self.committee_id.choices = select_choices((c.id, c.name) for c in committees)
        self.project_id.choices = select_choices(
            [(0, "— none —")] + [(p.id, f"{p.name} ({p.committee.name})") for p in projects]
        )

    def fill_from(self, contribution) -> None:
        self.committee_id.data = contribution.committee_id
        self.project_id.data = contribution.project_id or 0
        self.kind.data = contribution.kind.value
        self.hours.data = contribution.hours
        self.contributed_on.data = contribution.contributed_on
        self.mode.data = contribution.mode.value if contribution.mode else None
        self.value.data = money_text(contribution.value_cents)
        self.description.data = contribution.description

    def contribution_data(self) -> dict:
        kind = ContributionKind(self.kind.data)
        gift = kind is ContributionKind.IN_KIND
        return {
            "committee_id": self.committee_id.data,
            "project_id": self.project_id.data or None,
            "kind": kind,
            "hours": None if gift else self.hours.data,
            "contributed_on": self.contributed_on.data,
            "mode": None if gift else WorkMode(self.mode.data),
            "value_cents": parse_money(self.value.data) if gift else None,
            "description": self.description.data or "",
        }


class LogContributionForm(ContributionForm):
    """A new contribution: one per rendered form, so a second POST of it saves nothing."""

    form_token = FormTokenField()


class HistoryFilterForm(QueryForm):
    """GET filters of the member's history page (no CSRF: reading only)."""

    committee = SelectField("Committee", validators=[Optional()])
    status = SelectField(
        "Status",
        choices=select_choices(
            [("", "Any status")] + [(s.value, s.label) for s in ContributionStatus]
        ),
        validators=[Optional()],
    )
    mode = SelectField(
        "How",
        choices=select_choices([("", "In person or online")]) + MODE_CHOICES,
        validators=[Optional()],
    )
    year = SelectField("Year", validators=[Optional()])


class DecisionForm(ChamberForm):
    """Approve or reject the ticked contributions (or one, from its row), with a note. The
    button pressed is `decision`: "approve"/"reject" for the ticked rows,
    "approve-<id>"/"reject-<id>" for one row."""

    contribution_ids = SelectMultipleField(
        "Contributions", coerce=database_id, validate_choice=False
    )
    decision = StringField(validators=[InputRequired("Choose approve or reject.")])
    note = TextAreaField(
        "Note to the member",
        validators=[Optional(), Length(max=500)],
        description="Required when rejecting; sent with the decision.",
    )

    def validate_decision(self, field) -> None:
        verb, _, single = (field.data or "").partition("-")
        if verb not in {"approve", "reject"}:
            raise ValidationError("Choose approve or reject.")
        if single:
            try:
                database_id(single)
            except ValueError as exc:
                raise ValidationError("This contribution is not in the queue.") from exc

    @property
    def approves(self) -> bool:
        return self.decision.data.startswith("approve")

    @property
    def chosen_ids(self) -> list[int]:
        """The one row's id, or the ticked rows."""
        _, _, single = self.decision.data.partition("-")
        return [int(single)] if single else list(self.contribution_ids.data or [])


class HoursReportForm(QueryForm):
    """The period of the hours CSV (GET, no CSRF): from the 1st of January to today unless
    chosen; the last day may not come before the first."""

    first = DateField("From", validators=[Optional()])
    last = DateField("To", validators=[Optional()])

    def validate_last(self, field) -> None:
        if field.data and self.first.data and field.data < self.first.data:
            raise ValidationError("The last day comes before the first.")

    def period(self) -> tuple[date, date]:
        today = chamber_today()
        return self.first.data or date(today.year, 1, 1), self.last.data or today
