"""The e-mail preferences form, built from the kinds features register."""

from __future__ import annotations

import sqlalchemy as sa
from wtforms import BooleanField

from chamber.extensions import db
from chamber.forms import ChamberForm
from chamber.notifications.models import EmailPreference
from chamber.notifications.services import NOTIFICATION_KINDS


def email_preferences_form(member, submitted: bool = False) -> ChamberForm:
    """One checkbox per kind of notification: checked means 'send me an e-mail'. Shown with
    the member's choices; `submitted` reads what was posted instead."""

    class EmailPreferencesForm(ChamberForm):
        pass

    for kind, label in NOTIFICATION_KINDS.items():
        setattr(EmailPreferencesForm, f"email_{kind}", BooleanField(label))
    if submitted:
        return EmailPreferencesForm()
    muted = set(
        db.session.scalars(
            sa.select(EmailPreference.kind).where(
                EmailPreference.member_id == member.id, EmailPreference.is_muted.is_(True)
            )
        )
    )
    defaults = {f"email_{kind}": kind not in muted for kind in NOTIFICATION_KINDS}
    return EmailPreferencesForm(data=defaults, formdata=None)


def muted_kinds(form) -> set[str]:
    return {kind for kind in NOTIFICATION_KINDS if not getattr(form, f"email_{kind}").data}
