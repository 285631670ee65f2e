"""Changing referrals: give, move along the pipeline, thank, and staff corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from chamber import activity
from chamber.audit.services import changes, record_audit
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict, NotAllowed, StaleEdit
from chamber.extensions import db
from chamber.formatting import format_money
from chamber.localtime import chamber_today, to_local
from chamber.members.models import Member
from chamber.members.services import may_use_member_areas
from chamber.notifications.services import notify, path_for, register_kind
from chamber.referrals import queries
from chamber.referrals.models import (
    MAX_VALUE_CENTS,
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

register_kind("referral_received", "A member passes me a referral")
register_kind("referral_status_changed", "A referral I gave moves on (contacted, won, lost…)")
register_kind("referral_thanked", "A member thanks me for a referral")


def given_on(referral: Referral) -> date:
    """The day the referral was given, in the chamber's time zone."""
    return to_local(referral.created_at).date()


def _link(referral: Referral) -> str:
    return path_for("referrals.show", referral_id=referral.id)


def _flush_versioned(referral: Referral) -> None:
    """Flush an edit; a concurrent save of the same referral (version moved) is a StaleEdit."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleEdit() from exc


def _tell_giver(
    actor: Member, referral: Referral, kind: str, message: str, *, subject: str, change: str
) -> None:
    """The receiver's move reaches the giver (a notification of `kind`, by e-mail if they
    want it) and the listeners of referral changes (`change`)."""
    notify(referral.giver, kind, message, _link(referral), subject=subject)
    activity.referral_changed.send(actor, referral=referral, change=change)


def _check_version(referral: Referral, version_id) -> None:
    if str(referral.version_id) != str(version_id or ""):
        raise StaleEdit()


def _add_event(
    referral: Referral, actor: Member | None, from_status, to_status, note: str = ""
) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral,
        actor_id=actor.id if actor is not None else None,
        from_status=from_status,
        to_status=to_status,
        note=note or "",
    )
    db.session.add(event)
    return event


def give_referral(actor: Member, receiver: Member | None, data: dict) -> Referral:
    """The actor passes a prospect to another active member.

    `data` holds the prospect fields, temperature and the optional how_committee_id /
    how_project_id (which must be a committee or project both worked on).
    """
    if not actor.is_active:
        raise NotAllowed("Your membership is not active.")
    if receiver is None or not receiver.is_active:
        raise Conflict("Choose an active member to refer to.", field="receiver")
    if receiver.id == actor.id:
        raise Conflict("You cannot refer business to yourself.", field="receiver")
    committee_id, project_id = data.get("how_committee_id"), data.get("how_project_id")
    if data.get("how_given") and committee_id is None and project_id is None:
        raise Conflict("Choose one of the listed committees or projects.", field="how")
    if committee_id is not None and committee_id not in {
        committee.id for committee in queries.shared_committees(actor, receiver)
    }:
        raise Conflict(
            f"You and {receiver.full_name} do not both serve on that committee.", field="how"
        )
    if project_id is not None and project_id not in {
        project.id for project in queries.shared_projects(actor, receiver)
    }:
        raise Conflict(
            f"You and {receiver.full_name} have not both worked on that project.", field="how"
        )
    referral = Referral(
        giver_id=actor.id,
        receiver_id=receiver.id,
        prospect_name=data["prospect_name"],
        prospect_email=data.get("prospect_email") or "",
        prospect_phone=data.get("prospect_phone") or "",
        need=data["need"],
        temperature=data["temperature"],
        how_committee_id=committee_id,
        how_project_id=project_id,
        status=ReferralStatus.GIVEN,
        given_on=chamber_today(),
    )
    db.session.add(referral)
    db.session.flush()
    _add_event(referral, actor, None, ReferralStatus.GIVEN)
    db.session.flush()
    notify(
        receiver,
        "referral_received",
        f"{actor.full_name} passed you a {referral.temperature.value} referral.",
        _link(referral),
        subject=f"New referral from {actor.full_name}",
    )
    activity.referral_changed.send(actor, referral=referral, change="given")
    return referral


def _check_closing(referral: Referral, value_cents: int | None, closed_on: date | None) -> None:
    """Won business needs a positive, sane value and a closing date within the referral's life."""
    if value_cents is None:
        raise ChamberError("Enter the value of the business won.", field="closed_value")
    if value_cents <= 0:
        raise ChamberError("The value must be more than zero.", field="closed_value")
    if value_cents > MAX_VALUE_CENTS:
        raise ChamberError(
            "That is more than $10,000,000.00; check the amount.", field="closed_value"
        )
    if closed_on is None:
        raise ChamberError("Enter the date the business was won.", field="closed_on")
    if closed_on > chamber_today():
        raise ChamberError("The closing date cannot be in the future.", field="closed_on")
    if closed_on < given_on(referral):
        raise ChamberError(
            "The closing date cannot be before the referral was given "
            f"({given_on(referral):%d %b %Y}).",
            field="closed_on",
        )


def change_referral_status(
    actor: Member,
    referral: Referral,
    to_status: ReferralStatus,
    *,
    version_id,
    closed_value_cents: int | None = None,
    closed_on: date | None = None,
    note: str = "",
) -> None:
    """The receiver moves the referral forward; the giver hears about it."""
    if actor.id != referral.receiver_id:
        raise NotAllowed("Only the member who received this referral works it.")
    _check_version(referral, version_id)
    from_status = referral.status
    if to_status not in from_status.next_statuses():
        if from_status.is_closed:
            raise Conflict(
                f"This referral is already {from_status.label.lower()}; "
                "ask the chamber's staff if that was a mistake.",
                field="status",
            )
        raise Conflict(
            f"A referral cannot go back from {from_status.label.lower()} to "
            f"{to_status.label.lower()}.",
            field="status",
        )
    if to_status == ReferralStatus.WON:
        _check_closing(referral, closed_value_cents, closed_on)
        referral.closed_value_cents, referral.closed_on = closed_value_cents, closed_on
    elif to_status.is_closed:
        referral.closed_on = chamber_today()
    referral.status = to_status
    _add_event(referral, actor, from_status, to_status, note)
    _flush_versioned(referral)
    if to_status == ReferralStatus.WON:
        record_audit(
            actor,
            "referral.won",
            referral,
            summary=f"Referral {referral.id} won: {format_money(closed_value_cents)}",
            before={"status": from_status.value, "closed_value_cents": None},
            after={"status": to_status.value, "closed_value_cents": closed_value_cents},
        )
    outcome = to_status.label.lower()
    if to_status == ReferralStatus.WON:
        outcome += f" ({format_money(closed_value_cents)})"
    _tell_giver(
        actor,
        referral,
        "referral_status_changed",
        f"{actor.full_name} updated your referral of {referral.prospect_name}: {outcome}.",
        subject=f"Your referral to {actor.full_name}: {to_status.label.lower()}",
        change="status",
    )


def thank_giver(actor: Member, referral: Referral, note: str) -> None:
    """The receiver thanks the giver, once (BNI's "thank you for closed business")."""
    if actor.id != referral.receiver_id:
        raise NotAllowed("Only the member who received this referral thanks its giver.")
    if referral.is_thanked:
        raise Conflict("You have already thanked the giver for this referral.")
    referral.thank_you_note = note
    referral.thanked_at = utcnow()
    _flush_versioned(referral)
    won = (
        f" ({format_money(referral.closed_value_cents)} of closed business)"
        if referral.status == ReferralStatus.WON
        else ""
    )
    excerpt = note if len(note) <= 160 else note[:159].rstrip() + "…"
    _tell_giver(
        actor,
        referral,
        "referral_thanked",
        f"{actor.full_name} thanked you for referring {referral.prospect_name}{won}: “{excerpt}”",
        subject=f"{actor.full_name} says thank you",
        change="thanked",
    )


def correct_referral(
    actor: Member,
    referral: Referral,
    to_status: ReferralStatus,
    *,
    version_id,
    closed_value_cents: int | None,
    closed_on: date | None,
    reason: str,
) -> None:
    """Staff set any status, value and date (to put a mistake right); audited before/after."""
    if not (actor.is_active and actor.is_staff):
        raise NotAllowed("Only the chamber's staff correct referrals.")
    _check_version(referral, version_id)
    if not reason:
        raise ChamberError("Say why this is corrected.", field="reason")
    if to_status == ReferralStatus.WON:
        _check_closing(referral, closed_value_cents, closed_on)
    else:
        closed_value_cents = None
        if to_status.is_closed:
            closed_on = closed_on or referral.closed_on or chamber_today()
            if closed_on > chamber_today():
                raise ChamberError("The closing date cannot be in the future.", field="closed_on")
            if closed_on < given_on(referral):
                raise ChamberError(
                    "The closing date cannot be before the referral was given.",
                    field="closed_on",
                )
        else:
            closed_on = None
    before = _correctable(referral)
    referral.status = to_status
    referral.closed_value_cents = closed_value_cents
    referral.closed_on = closed_on
    old, new = changes(before, _correctable(referral))
    if not new:
        raise Conflict(
            "Nothing would change: pick a different status, value or date.", field="status"
        )
    note = f"Corrected by staff: {reason}"
    _add_event(referral, actor, ReferralStatus(before["status"]), to_status, note)
    _flush_versioned(referral)
    record_audit(
        actor,
        "referral.corrected",
        referral,
        summary=f"Referral {referral.id} corrected: {reason}",
        before=old,
        after=new,
    )
    message = (
        f"The chamber's staff corrected the referral of {referral.prospect_name}: "
        f"now {to_status.label.lower()}"
        + (f" ({format_money(closed_value_cents)})" if closed_value_cents else "")
        + "."
    )
    for member in (referral.giver, referral.receiver):
        notify(
            member,
            "referral_status_changed",
            message,
            _link(referral),
            subject="A referral was corrected",
        )
    change = "status" if old.keys() & {"status"} else "value"
    activity.referral_changed.send(actor, referral=referral, change=change)


def _correctable(referral: Referral) -> dict:
    return {
        "status": referral.status.value if referral.status else None,
        "closed_value_cents": referral.closed_value_cents,
        "closed_on": referral.closed_on.isoformat() if referral.closed_on else None,
    }


# A receiver leaves the member areas -------------------------------------------------------


@dataclass
class HandOver:
    """One open referral of a person who left: now with `to` (a colleague at the same
    business), or handed back to its giver (`to` None)."""

    referral: Referral
    to: Member | None


def _colleague(leaving: Member, giver_id: int) -> Member | None:
    """Who at the leaving person's business takes their referrals over: the primary contact
    if they are in the member areas, else the longest-standing colleague who is (never the
    referral's own giver)."""
    business = leaving.business
    if business is None:
        return None
    colleagues = [
        person
        for person in business.people
        if person is not leaving and person.id != giver_id and may_use_member_areas(person)
    ]
    return min(
        colleagues, key=lambda p: (not p.is_primary_contact, p.joined_on, p.id), default=None
    )


def hand_over_referrals(actor: Member | None, member: Member, **_kwargs) -> list[HandOver]:
    """When a person leaves the member areas (deactivated, or their business lapsed), each
    open referral they received goes to a colleague at their business who is still a member;
    when there is none it is handed back to its giver, still open, for them (or staff) to
    pass on. Either way a timeline entry says so and the giver is told; the colleague gets
    the referral as a new one. Connected to activity.member_activation_changed."""
    if member.is_active:
        return []
    referrals = list(
        db.session.scalars(
            sa.select(Referral)
            .where(Referral.receiver_id == member.id, Referral.status.in_(OPEN_STATUSES))
            .order_by(Referral.id)
        )
    )
    business = member.business.name if member.business is not None else "the chamber"
    hand_overs = []
    for referral in referrals:
        colleague = _colleague(member, referral.giver_id)
        if colleague is not None:
            referral.receiver = colleague
            note = (
                f"{member.full_name} is no longer a member: handed over to "
                f"{colleague.full_name} ({business})."
            )
            to_giver = (
                f"{member.full_name} is no longer a member; your referral of "
                f"{referral.prospect_name} is now with {colleague.full_name} ({business})."
            )
        else:
            note = (
                f"{member.full_name} is no longer a member and nobody at {business} can take "
                "it over: handed back to the giver."
            )
            to_giver = (
                f"{member.full_name} is no longer a member, so nobody is working your referral "
                f"of {referral.prospect_name}. It is handed back to you: pass it to another "
                "member, or ask the chamber's staff."
            )
        _add_event(referral, actor, referral.status, referral.status, note)
        _flush_versioned(referral)
        record_audit(
            actor,
            "referral.handed_over",
            referral,
            summary=f"Referral {referral.id}: {note}",
            before={"receiver": member.full_name},
            after={"receiver": colleague.full_name if colleague else None},
        )
        notify(
            referral.giver,
            "referral_status_changed",
            to_giver,
            _link(referral),
            subject=f"Your referral of {referral.prospect_name}: {member.full_name} has left",
        )
        if colleague is not None:
            notify(
                colleague,
                "referral_received",
                f"{member.full_name} is no longer a member: you take over the referral of "
                f"{referral.prospect_name} from {referral.giver.full_name}.",
                _link(referral),
                subject=f"A referral handed over to you: {referral.prospect_name}",
            )
            activity.referral_changed.send(actor, referral=referral, change="receiver")
        hand_overs.append(HandOver(referral, colleague))
    return hand_overs


activity.member_activation_changed.connect(hand_over_referrals)


def reassign_referral(
    actor: Member, referral: Referral, receiver: Member | None, *, version_id
) -> None:
    """Staff pass an open referral whose receiver is no longer a member (one handed back to
    its giver, or left with nobody) to another active member. The timeline says so, the
    change is audited, the new receiver gets it as a new referral (notification and e-mail)
    and the giver is told who has it now."""
    if not (actor.is_active and actor.is_staff):
        raise NotAllowed("Only the chamber's staff reassign referrals.")
    _check_version(referral, version_id)
    if not referral.status.is_open:
        raise Conflict("This referral is closed; there is nothing to pass on.")
    if referral.receiver.is_active:
        raise Conflict(
            f"This referral is already with {referral.receiver.full_name}, an active member."
        )
    if receiver is None or not receiver.is_active:
        raise ChamberError("Choose an active member to pass the referral to.", field="receiver")
    if receiver.id == referral.giver_id:
        raise ChamberError(
            f"{receiver.full_name} gave this referral; choose another member.", field="receiver"
        )
    former = referral.receiver
    referral.receiver = receiver
    note = (
        f"{former.full_name} is no longer a member: passed to {receiver.full_name} "
        "by the chamber's staff."
    )
    _add_event(referral, actor, referral.status, referral.status, note)
    _flush_versioned(referral)
    record_audit(
        actor,
        "referral.reassigned",
        referral,
        summary=f"Referral {referral.id}: {note}",
        before={"receiver": former.full_name},
        after={"receiver": receiver.full_name},
    )
    notify(
        receiver,
        "referral_received",
        f"The chamber's staff passed you the referral of {referral.prospect_name} from "
        f"{referral.giver.full_name} ({former.full_name} is no longer a member).",
        _link(referral),
        subject=f"A referral passed to you: {referral.prospect_name}",
    )
    notify(
        referral.giver,
        "referral_status_changed",
        f"Your referral of {referral.prospect_name} is now with {receiver.full_name}"
        + (f" ({receiver.business_name})" if receiver.business_name else "")
        + ".",
        _link(referral),
        subject=f"Your referral of {referral.prospect_name} has a new receiver",
    )
    activity.referral_changed.send(actor, referral=referral, change="receiver")
