"""Logging work done at a chamber-wide event: the contribution form, with the event chosen
instead of a committee, a project and a date (the event's day)."""

from __future__ import annotations

from wtforms import SelectField

from chamber.contributions.forms import ContributionForm
from chamber.contributions.models import ContributionKind
from chamber.enums import WorkMode
from chamber.forms import parse_money, select_choices
from chamber.localtime import utc_to_local
from chamber.once import FormTokenField


class EventContributionForm(ContributionForm):
    """Hours (or an in-kind gift) at a chamber-wide event the member attended or said they
    would attend; one per rendered form (a second POST saves nothing)."""

    committee_id = None
    project_id = None
    contributed_on = None
    meeting_id = SelectField("Chamber event", coerce=int, validate_choice=True)
    form_token = FormTokenField()

    def set_events(self, events) -> None:
        self.meeting_id.choices = select_choices(
            (event.id, f"{event.title} ({utc_to_local(event.starts_at):%d %b %Y})")
            for event in events
        )

    def event_contribution_data(self) -> dict:
        kind = ContributionKind(self.kind.data)
        gift = kind is ContributionKind.IN_KIND
        return {
            "meeting_id": self.meeting_id.data,
            "kind": kind,
            "hours": None if gift else self.hours.data,
            "mode": None if gift else WorkMode(self.mode.data),
            "value_cents": parse_money(self.value.data) if gift else None,
            "description": self.description.data or "",
        }
