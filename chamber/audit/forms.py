"""The audit log's filters (a GET form: reading only)."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from chamber.audit.labels import action_words
from chamber.forms import QueryForm, select_choices, sensible_year


class AuditFilterForm(QueryForm):
    action = SelectField("Action", validators=[Optional()])
    actor = StringField("Who", validators=[Optional(), Length(max=100)])
    target_type = SelectField("On", validators=[Optional()])
    first = DateField("From", validators=[Optional(), sensible_year])
    last = DateField("To", validators=[Optional(), sensible_year])

    def set_choices(self, actions: list[str], target_types: list[str]) -> None:
        self.action.choices = select_choices(
            [("", "All actions")] + [(code, action_words(code)) for code in actions]
        )
        self.target_type.choices = select_choices(
            [("", "Anything")] + [(name, name.replace("_", " ")) for name in target_types]
        )

    def value(self, name: str):
        """A filter's value, or None when it is empty or was refused."""
        field = self[name]
        return None if field.errors or not field.data else field.data
