"""Saying in plain words what a tie is made of."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_timedelta

from chamber.relationships.models import Tie


def hours_text(hours: float) -> str:
    return f"{round(hours, 2):g}"


def ago(day: date, today: date) -> str:
    """'today', 'yesterday', '3 weeks ago', '5 months ago'."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return format_timedelta(-timedelta(days=days), add_direction=True, locale="en")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def why(tie: Tie, today: date) -> str:
    """E.g. "14 h together on Spring Clean-Up, 5 meetings, last in person 3 weeks ago"."""
    parts: list[str] = []
    hours = tie.hours_together
    if hours > 0:
        text = f"{hours_text(hours)} h together"
        if tie.top_project is not None:
            if tie.top_project_hours >= hours - 1e-9:
                text += f" on {tie.top_project.name}"
            else:
                text += f", most on {tie.top_project.name}"
        parts.append(text)
    if tie.meetings:
        parts.append(_count(tie.meetings, "meeting"))
    if tie.one_to_ones:
        parts.append(_count(tie.one_to_ones, "one-to-one"))
    if tie.referrals:
        text = _count(tie.referrals, "referral")
        if tie.is_reciprocal:
            text += " both ways"
        if tie.referrals_won:
            text += f" ({tie.referrals_won} won)"
        parts.append(text)
    if tie.last_in_person_on is not None:
        parts.append(f"last in person {ago(tie.last_in_person_on, today)}")
    else:
        parts.append(f"only online so far, last {ago(tie.last_on, today)}")
    return ", ".join(parts)
