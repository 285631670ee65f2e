"""The audit log in plain words: what an action code, a field name and a stored value mean
to the director reading the log (codes stay in the database, words are for people)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from chamber.formatting import format_money

#: Actions whose plain words a generic reading of the code would get wrong or stiff.
ACTION_WORDS = {
    "access.refused": "Was refused access",
    "auth.sign_in": "Signed in",
    "auth.sign_out": "Signed out",
    "auth.sign_in_failed": "Failed to sign in",
    "contribution.approved": "Approved a contribution",
    "contribution.rejected": "Rejected a contribution",
    "contribution.credited": "Credited shift hours",
    "contribution.withdrawn": "Withdrew approved hours",
    "shift.attendance": "Took shift attendance",
    "meeting.created": "Scheduled a meeting",
    "meeting.updated": "Changed a meeting",
    "meeting.cancelled": "Cancelled a meeting",
    "meeting.attendance": "Took meeting attendance",
    "referral.won": "Marked a referral won",
    "referral.corrected": "Corrected a referral",
}


def action_words(code: str) -> str:
    """`referral.status_changed` reads "Referral status changed"."""
    if code in ACTION_WORDS:
        return ACTION_WORDS[code]
    words = code.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def field_words(key: str) -> str:
    """`closed_value_cents` reads "Closed value"."""
    words = key.removesuffix("_cents").removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def value_words(key: str, value: Any) -> str:
    """Money in dollars, nothing as a dash, yes/no for flags, everything else as stored."""
    if value is None or value == "":
        return "—"
    if key.endswith("_cents") and isinstance(value, int):
        return format_money(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        audit_action=action_words, audit_field=field_words, audit_value=value_words
    )
