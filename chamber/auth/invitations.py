"""Inviting people: a signed, single-use link by e-mail with which they set a password.

The person (and their business) is made by chamber.members.services; this module, above it,
mints the link and queues the e-mail in the same transaction, so both land or neither does.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for

from chamber.audit.services import record_audit
from chamber.auth import tokens
from chamber.exceptions import Conflict
from chamber.mail.services import external_url, queue_mail
from chamber.members import services as member_services
from chamber.members.models import Business, Member


def send_invitation(actor: Member, person: Member) -> None:
    """E-mail a signed link with which the person sets a password (valid for days, once)."""
    if not person.is_active:
        raise Conflict(f"{person.full_name} cannot sign in now; reactivate them first.")
    token = tokens.make_token(person, tokens.INVITATION)
    queue_mail(
        person.email,
        "You are invited to Chamber",
        "invitation",
        member=person,
        inviter=actor,
        link=external_url(url_for("auth.accept_invitation", token=token)),
    )
    record_audit(actor, "member.invited", person, summary=person.email)


def send_invitations(actor: Member, people: Iterable[Member]) -> int:
    """Invite each person who can sign in and has no password yet; how many were invited."""
    sent = 0
    for person in people:
        if person.is_active and not person.has_password:
            send_invitation(actor, person)
            sent += 1
    return sent


def invite_person(actor: Member, data: dict, business: Business | None = None) -> Member:
    """A new person of `business` (or, from the general form, of a new business or none for
    staff), invited by e-mail."""
    if business is None:
        business = member_services.business_for_new_person(actor, data)
    elif not business.is_active:
        raise Conflict(
            f"{business.name}'s membership is {business.status.label.lower()}: reinstate it "
            "before inviting its people."
        )
    person = member_services.new_person(actor, data, business)
    send_invitation(actor, person)
    return person
