"""One concrete next step for a member, from their ties (the dashboard shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for

from chamber.members.models import Member
from chamber.relationships import queries
from chamber.relationships.why import ago, hours_text

BOOK_AFTER_HOURS = 4.0


@dataclass
class NextStep:
    text: str
    link: str
    link_label: str

    @classmethod
    def see(cls, text: str, other: Member) -> NextStep:
        """A step about another member, linked to their profile (/members/<id>)."""
        return cls(
            text,
            url_for("people.profile", member_id=other.id),
            f"See {other.full_name.split(' ')[0]}'s profile",
        )


def next_step(
    member: Member,
    today: date,
    strongest: list | None = None,
    balance: queries.Balance | None = None,
) -> NextStep:
    """The most useful thing to do next: a one-to-one with someone I work with but never met
    alone, a tie going cold, more time in person, or a first committee. A caller that already
    read the member's 10 strongest ties or their balance passes them in (not read twice)."""
    if strongest is None:
        strongest = queries.strongest_ties(member, limit=10)
    for tie in strongest:
        if tie.hours_together >= BOOK_AFTER_HOURS and tie.one_to_ones == 0:
            other = tie.other(member.id)
            return NextStep.see(
                f"You have worked {hours_text(tie.hours_together)} h with {other.full_name} "
                "and never met one-to-one: book one.",
                other,
            )
    cold = queries.cold_ties(member, today, limit=1)
    if cold:
        tie = cold[0]
        other = tie.other(member.id)
        return NextStep.see(
            f"You and {other.full_name} worked closely, but not since {ago(tie.last_on, today)}: "
            "get back in touch.",
            other,
        )
    if not strongest:
        return NextStep(
            "Join a committee and come to its next meeting: shared work is how members get to "
            "know each other.",
            url_for("committees.index"),
            "Find a committee",
        )
    if balance is None:
        balance = queries.balance(member)
    if balance.total and balance.in_person_percent < 50:
        return NextStep(
            f"Only {balance.in_person_percent}% of your time together is in person: come to the "
            "next meeting in person.",
            url_for("meetings.index"),
            "See the next meetings",
        )
    return NextStep(
        "Volunteer for a shift on a project: a few hours side by side build more than a year "
        "of e-mails.",
        url_for("projects.index"),
        "See the projects",
    )
