"""Logging contributions, editing and withdrawing them, and the leads' one-time decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from chamber import activity
from chamber.audit.services import record_audit
from chamber.committees.models import Committee, CommitteeMembership
from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.db import utcnow
from chamber.exceptions import ChamberError, NotAllowed
from chamber.extensions import db
from chamber.formatting import format_hours, format_money
from chamber.localtime import check_work_day, utc_to_local
from chamber.members.models import Member
from chamber.notifications.services import notify, path_for, register_kind
from chamber.once import delete_once, update_once
from chamber.projects import services as project_services
from chamber.projects.models import Project, ProjectStatus, Shift, ShiftSignup, SignupStatus

register_kind("contribution_decided", "A lead approved or rejected my contribution")

MIN_HOURS, MAX_HOURS = Decimal("0.25"), Decimal("24")


def check_hours(hours: Decimal | None) -> None:
    """0.25 to 24 hours, in quarter hours."""
    if hours is None:
        raise ChamberError("Enter the hours, e.g. 1.5.", field="hours")
    if not hours.is_finite():
        raise ChamberError("Enter the hours as a number, e.g. 1.5.", field="hours")
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ChamberError("Hours must be between 0.25 and 24.", field="hours")
    if (hours * 4) % 1 != 0:
        raise ChamberError("Use quarter hours: .25, .5 or .75.", field="hours")


MAX_GIFT_CENTS = 1_000_000_00


def check_amounts(data: dict) -> None:
    """Work has hours and a mode; an in-kind gift has a value and neither."""
    if data["kind"] is ContributionKind.IN_KIND:
        cents = data.get("value_cents")
        if cents is None:
            raise ChamberError("Enter what the gift is worth, e.g. 250.", field="value")
        if not 0 < cents <= MAX_GIFT_CENTS:
            raise ChamberError("The value must be between $0.01 and $1,000,000.00.", field="value")
        data["hours"] = data["mode"] = None
        return
    check_hours(data["hours"])
    if data.get("mode") is None:
        raise ChamberError("Choose in person or online.", field="mode")
    data["value_cents"] = None


def _check_fields(member: Member, data: dict) -> tuple[Committee, Project | None]:
    committee = db.session.get(Committee, data["committee_id"]) if data["committee_id"] else None
    if committee is None or committee.is_archived:
        raise ChamberError("Choose one of your committees.", field="committee_id")
    is_on_committee = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(CommitteeMembership)
        .where(
            CommitteeMembership.committee_id == committee.id,
            CommitteeMembership.member_id == member.id,
        )
    )
    if not is_on_committee:
        raise NotAllowed("You log work only for committees you serve on.", field="committee_id")
    project = None
    if data.get("project_id"):
        project = db.session.get(Project, data["project_id"])
        if project is None or project.committee_id != committee.id:
            raise ChamberError("This project belongs to another committee.", field="project_id")
        if project.status is ProjectStatus.CANCELLED:
            raise ChamberError("This project was cancelled.", field="project_id")
    check_amounts(data)
    check_work_day(member, data["contributed_on"])
    return committee, project


#: The columns a member fills in as the form gives them (description may be left out).
_AS_GIVEN = ("kind", "hours", "contributed_on", "mode", "value_cents")


def _checked_values(member: Member, data: dict) -> dict:
    """A contribution's columns from the form's data, once the chamber's rules accept it."""
    committee, project = _check_fields(member, data)
    return {
        "committee_id": committee.id,
        "project_id": project.id if project else None,
        "description": data.get("description") or "",
        **{column: data[column] for column in _AS_GIVEN},
    }


def log_contribution(member: Member, data: dict) -> Contribution:
    """A member records work; it waits for a lead's approval before it counts."""
    contribution = Contribution(
        member_id=member.id, status=ContributionStatus.PENDING, **_checked_values(member, data)
    )
    db.session.add(contribution)
    db.session.flush()
    return contribution


def _check_logged_by(member: Member, contribution: Contribution, change: str) -> None:
    """Only the member who logged a contribution may edit or withdraw it."""
    if contribution.member_id != member.id:
        raise NotAllowed(f"Only the member who logged this contribution may {change} it.")


def update_contribution(member: Member, contribution: Contribution, data: dict) -> None:
    """Edit while pending; a decision taken meanwhile wins and the edit is refused."""
    _check_logged_by(member, contribution, "edit")
    update_once(
        contribution,
        ContributionStatus.PENDING,
        "A lead has already decided on this contribution; it can't be changed.",
        **_checked_values(member, data),
        updated_at=utcnow(),
    )


def withdraw_contribution(member: Member, contribution: Contribution) -> None:
    """Take back a contribution that is still waiting for a decision."""
    _check_logged_by(member, contribution, "withdraw")
    delete_once(
        contribution,
        ContributionStatus.PENDING,
        "A lead has already decided on this contribution; it can't be withdrawn.",
    )


def decide_contribution(
    actor: Member, contribution: Contribution, approve: bool, note: str = ""
) -> None:
    """Approve or reject once: concurrent second decisions are refused, never applied twice."""
    if contribution.member_id == actor.id:
        raise NotAllowed("Another lead or staff decides on your own contribution.")
    note = (note or "").strip()
    if not approve and not note:
        raise ChamberError("Tell the member why the contribution is rejected.", field="note")
    update_once(
        contribution,
        ContributionStatus.PENDING,
        "This contribution was already decided.",
        status=ContributionStatus.APPROVED if approve else ContributionStatus.REJECTED,
        reviewer_id=actor.id,
        reviewed_at=utcnow(),
        review_note=note,
    )
    _after_decision(actor, contribution)


def amount_text(contribution: Contribution) -> str:
    """ "2.5 h" for work, "in-kind gift worth $250.00" for a gift."""
    if contribution.hours is None:
        return f"in-kind gift worth {format_money(contribution.value_cents)}"
    return f"{format_hours(contribution.hours)} h"


def _after_decision(actor: Member, contribution: Contribution) -> None:
    verdict = contribution.status.value
    record_audit(
        actor,
        f"contribution.{verdict}",
        contribution,
        summary=f"{contribution.member.full_name}: {amount_text(contribution)} "
        f"for {contribution.work_for}",
        before={"status": "pending"},
        after={"status": verdict, "note": contribution.review_note},
    )
    message = (
        f"Your {amount_text(contribution)} for {contribution.work_for} "
        f"on {contribution.contributed_on:%d %b %Y} was {verdict}."
    )
    if contribution.review_note:
        message += f" Note: {contribution.review_note}"
    notify(
        contribution.member,
        "contribution_decided",
        message,
        path_for("contributions.history", status=verdict),
        subject=f"Contribution {verdict}: {contribution.work_for}",
    )
    activity.contribution_decided.send(actor, contribution=contribution)


@dataclass
class BatchOutcome:
    approved: bool = True
    decided: list[Contribution] = field(default_factory=list)
    skipped: list[tuple[Contribution | None, str]] = field(default_factory=list)


def decide_contributions(
    actor: Member,
    committee: Committee,
    contribution_ids: list[int],
    approve: bool,
    note: str,
    outcome: BatchOutcome | None = None,
) -> BatchOutcome:
    """Decide many at once; ones already decided or the actor's own are skipped and reported
    (in `outcome`, when the caller passes one to read even after a refusal)."""
    return decide_in_queue(
        actor,
        Contribution.committee_id == committee.id,
        "this committee's queue",
        contribution_ids,
        approve,
        note,
        outcome,
    )


def decide_in_queue(
    actor: Member,
    in_queue: sa.ColumnElement[bool],
    queue_name: str,
    contribution_ids: list[int],
    approve: bool,
    note: str,
    outcome: BatchOutcome | None,
) -> BatchOutcome:
    """Decide the ticked contributions that are in a queue (`in_queue`, e.g. one committee's
    or the chamber events'): each one not in it, already decided or the actor's own is
    skipped and reported with why."""
    note = (note or "").strip()
    if not contribution_ids:
        raise ChamberError("Tick at least one contribution.", field="contribution_ids")
    if not approve and not note:
        raise ChamberError("Tell the members why their contributions are rejected.", field="note")
    outcome = outcome if outcome is not None else BatchOutcome(approved=approve)
    found = {
        contribution.id: contribution
        for contribution in db.session.scalars(
            sa.select(Contribution).where(Contribution.id.in_(contribution_ids), in_queue)
        )
    }
    for contribution_id in dict.fromkeys(contribution_ids):
        contribution = found.get(contribution_id)
        if contribution is None:
            outcome.skipped.append((None, f"not in {queue_name}"))
            continue
        try:
            decide_contribution(actor, contribution, approve, note)
        except ChamberError as error:
            outcome.skipped.append((contribution, error.message))
        else:
            outcome.decided.append(contribution)
    return outcome


def record_shift_attendance(actor: Member, shift: Shift, marks: dict[int, SignupStatus]) -> int:
    """Mark a shift's sign-ups, then credit each newly attended one with its approved hours
    and withdraw the hours of one no longer attended. Returns how many sign-ups changed."""
    changed = project_services.mark_signups(actor, shift, marks)
    for signup, previous in changed:
        if signup.status is SignupStatus.ATTENDED:
            credit_attended_shift(actor, signup)
        elif previous is SignupStatus.ATTENDED:
            withdraw_shift_credit(actor, signup)
    return len(changed)


def _shift_credit(signup: ShiftSignup) -> Contribution | None:
    return db.session.scalar(
        sa.select(Contribution).where(Contribution.shift_signup_id == signup.id)
    )


def credit_attended_shift(actor: Member, signup: ShiftSignup) -> Contribution:
    """The approved contribution of an attended shift (hours and mode from the shift), once
    per sign-up: marked attended again after a withdrawal, the same row counts again."""
    shift = signup.shift
    contribution = _shift_credit(signup)
    if contribution is None:
        contribution = Contribution(
            member_id=signup.member_id,
            committee_id=shift.project.committee_id,
            project_id=shift.project_id,
            shift_signup_id=signup.id,
            kind=ContributionKind.VOLUNTEER_HOURS,
            hours=shift.hours,
            contributed_on=utc_to_local(shift.starts_at).date(),
            description=f"Shift: {shift.title}"[:1000],
            mode=shift.mode,
        )
        db.session.add(contribution)
    contribution.status = ContributionStatus.APPROVED
    contribution.reviewer_id = actor.id
    contribution.reviewed_at = utcnow()
    contribution.review_note = "Attendance on the shift"
    db.session.flush()
    record_audit(
        actor,
        "contribution.credited",
        contribution,
        summary=f"{signup.member.full_name}: {contribution.hours} h for the shift “{shift.title}”",
        after={"status": "approved", "hours": str(contribution.hours)},
    )
    activity.contribution_decided.send(actor, contribution=contribution)
    return contribution


def withdraw_shift_credit(actor: Member, signup: ShiftSignup) -> None:
    """A sign-up no longer marked attended: its approved hours stop counting. The row stays
    (withdrawn, with who and when) and the change is audited; nothing is deleted."""
    contribution = _shift_credit(signup)
    if contribution is None or contribution.status is not ContributionStatus.APPROVED:
        return
    contribution.status = ContributionStatus.WITHDRAWN
    contribution.reviewer_id = actor.id
    contribution.reviewed_at = utcnow()
    contribution.review_note = f"Attendance changed to {signup.status.label.lower()}"
    db.session.flush()
    record_audit(
        actor,
        "contribution.withdrawn",
        contribution,
        summary=f"{signup.member.full_name}: {contribution.hours} h for the shift "
        f"“{signup.shift.title}” no longer count",
        before={"status": "approved"},
        after={"status": "withdrawn", "note": contribution.review_note},
    )
    activity.contribution_decided.send(actor, contribution=contribution)
