"""Committee, appointment and join-request forms."""

from __future__ import annotations

import re

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from chamber.committees.models import CommitteeRole
from chamber.forms import ChamberForm, DatabaseIdField, plain_text
from chamber.once import FormTokenField

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug_format(form, field) -> None:
    if field.data and not _SLUG.match(field.data):
        raise ValidationError("Use lower-case letters, digits and single hyphens, e.g. 'events'.")


class CommitteeForm(ChamberForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120), plain_text])
    slug = StringField(
        "Web address",
        validators=[Optional(), Length(max=80), slug_format],
        description="Part of the page address, e.g. 'community-events'. Left empty, it is made "
        "from the name.",
    )
    mission = StringField("Mission", validators=[Optional(), Length(max=300), plain_text])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    version_id = HiddenField()

    FIELDS = ("name", "slug", "mission", "description")

    def committee_data(self) -> dict:
        return {name: getattr(self, name).data or "" for name in self.FIELDS}


class NewCommitteeForm(CommitteeForm):
    form_token = FormTokenField()


# A {value: label} mapping: the choices shape every WTForms 3.x accepts without warnings.
ROLE_CHOICES = {role.value: role.label for role in CommitteeRole}


class AppointForm(ChamberForm):
    """Staff add a member chosen in the search to the committee in a role, or change it."""

    member = DatabaseIdField(validators=[DataRequired("Find the member by name, then appoint.")])
    role = SelectField("Role", choices=ROLE_CHOICES, default=CommitteeRole.MEMBER.value)


class RoleForm(ChamberForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class JoinRequestForm(ChamberForm):
    message = TextAreaField(
        "Why you would like to join (optional)", validators=[Optional(), Length(max=500)]
    )


class JoinDecisionForm(ChamberForm):
    """A lead's answer to a join request: the button pressed."""

    decision = SelectField(
        "Decision",
        choices={"approve": "Approve", "decline": "Decline"},
        validators=[DataRequired("Approve or decline the request.")],
    )

    @property
    def approves(self) -> bool:
        return self.decision.data == "approve"


class ArchiveForm(ChamberForm):
    """Staff archive a committee (archived=1) or restore it (archived=0)."""

    archived = BooleanField(false_values=("0", "", "false"))
