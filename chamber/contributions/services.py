"""Logging contributions, editing and withdrawing them, and the leads' one-time decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chamber import activity
from chamber.audit.services import record_audit
from chamber.committees.models import Committee, CommitteeMembership
from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict, NotAllowed
from chamber.extensions import db
from chamber.localtime import chamber_today, utc_to_local
from chamber.members.models import Member
from chamber.notifications.services import notify, register_kind
from chamber.projects.models import Project, ProjectStatus

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


def check_work_day(member: Member, day: date | None, field_name: str = "contributed_on") -> None:
    """Not in the future (chamber time) and not before the member joined the chamber."""
    if day is None:
        raise ChamberError("Enter the date.", field=field_name)
    if day > chamber_today():
        raise ChamberError("This date is in the future.", field=field_name)
    if day < member.joined_on:
        raise ChamberError(
            f"This date is before you joined the chamber ({member.joined_on:%d %b %Y}).",
            field=field_name,
        )


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
    check_hours(data["hours"])
    check_work_day(member, data["contributed_on"])
    return committee, project


class AlreadyLogged(Conflict):
    """The log form was posted before: the contribution it created is `contribution_id`."""

    def __init__(self, contribution_id: int):
        super().__init__("This contribution was already logged.")
        self.contribution_id = contribution_id


def _by_form_token(form_token: str) -> Contribution | None:
    return db.session.scalar(sa.select(Contribution).where(Contribution.form_token == form_token))


def _check_not_logged(member: Member, form_token: str) -> None:
    """Raise AlreadyLogged if this form was saved before (by this member)."""
    existing = _by_form_token(form_token)
    if existing is None:
        return
    if existing.member_id != member.id:
        raise Conflict("This form has expired. Please reload the page.")
    raise AlreadyLogged(existing.id)


def log_contribution(member: Member, data: dict, form_token: str) -> Contribution:
    """A member records work; it waits for a lead's approval before it counts. Once per
    rendered form: raises AlreadyLogged when this form was posted before (double click)."""
    _check_not_logged(member, form_token)
    committee, project = _check_fields(member, data)
    contribution = Contribution(
        member_id=member.id,
        committee_id=committee.id,
        project_id=project.id if project else None,
        kind=data["kind"],
        hours=data["hours"],
        contributed_on=data["contributed_on"],
        description=data.get("description") or "",
        mode=data["mode"],
        status=ContributionStatus.PENDING,
        form_token=form_token,
    )
    try:
        # A savepoint: if a concurrent post of the same form won the race, the unique
        # form_token refuses this row and only the savepoint is undone.
        with db.session.begin_nested():
            db.session.add(contribution)
            db.session.flush()
    except IntegrityError:
        if _by_form_token(form_token) is None:
            raise
        _check_not_logged(member, form_token)
    return contribution


def update_contribution(member: Member, contribution: Contribution, data: dict) -> None:
    """Edit while pending; a decision taken meanwhile wins and the edit is refused."""
    if contribution.member_id != member.id:
        raise NotAllowed("Only the member who logged this contribution may edit it.")
    committee, project = _check_fields(member, data)
    result = db.session.execute(
        sa.update(Contribution)
        .where(
            Contribution.id == contribution.id,
            Contribution.status == ContributionStatus.PENDING,
        )
        .values(
            committee_id=committee.id,
            project_id=project.id if project else None,
            kind=data["kind"],
            hours=data["hours"],
            contributed_on=data["contributed_on"],
            description=data.get("description") or "",
            mode=data["mode"],
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("A lead has already decided on this contribution; it can't be changed.")
    db.session.refresh(contribution)


def withdraw_contribution(member: Member, contribution: Contribution) -> None:
    """Take back a contribution that is still waiting for a decision."""
    if contribution.member_id != member.id:
        raise NotAllowed("Only the member who logged this contribution may withdraw it.")
    result = db.session.execute(
        sa.delete(Contribution)
        .where(
            Contribution.id == contribution.id,
            Contribution.status == ContributionStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("A lead has already decided on this contribution; it can't be withdrawn.")
    db.session.expunge(contribution)


def decide_contribution(
    actor: Member, contribution: Contribution, approve: bool, note: str = ""
) -> None:
    """Approve or reject once: concurrent second decisions are refused, never applied twice."""
    if contribution.member_id == actor.id:
        raise NotAllowed("Another lead or staff decides on your own contribution.")
    note = (note or "").strip()
    if not approve and not note:
        raise ChamberError("Tell the member why the contribution is rejected.", field="note")
    status = ContributionStatus.APPROVED if approve else ContributionStatus.REJECTED
    result = db.session.execute(
        sa.update(Contribution)
        .where(
            Contribution.id == contribution.id,
            Contribution.status == ContributionStatus.PENDING,
        )
        .values(status=status, reviewer_id=actor.id, reviewed_at=utcnow(), review_note=note)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("This contribution was already decided.")
    db.session.refresh(contribution)
    _after_decision(actor, contribution)


def _after_decision(actor: Member, contribution: Contribution) -> None:
    verdict = contribution.status.value
    record_audit(
        actor,
        f"contribution.{verdict}",
        contribution,
        summary=f"{contribution.member.full_name}: {contribution.hours} h "
        f"for {contribution.committee.name}",
        before={"status": "pending"},
        after={"status": verdict, "note": contribution.review_note},
    )
    message = (
        f"Your {contribution.hours.normalize():f} h for {contribution.committee.name} "
        f"on {contribution.contributed_on:%d %b %Y} was {verdict}."
    )
    if contribution.review_note:
        message += f" Note: {contribution.review_note}"
    notify(
        contribution.member,
        "contribution_decided",
        message,
        f"/work?status={verdict}",
        subject=f"Contribution {verdict}: {contribution.committee.name}",
    )
    activity.contribution_decided.send(actor, contribution=contribution)


@dataclass
class BatchOutcome:
    decided: list[Contribution] = field(default_factory=list)
    skipped: list[tuple[Contribution | None, str]] = field(default_factory=list)


def decide_contributions(
    actor: Member, committee: Committee, contribution_ids: list[int], approve: bool, note: str
) -> BatchOutcome:
    """Decide many at once; ones already decided or the actor's own are skipped and reported."""
    note = (note or "").strip()
    if not contribution_ids:
        raise ChamberError("Tick at least one contribution.", field="contribution_ids")
    if not approve and not note:
        raise ChamberError("Tell the members why their contributions are rejected.", field="note")
    outcome = BatchOutcome()
    found = {
        contribution.id: contribution
        for contribution in db.session.scalars(
            sa.select(Contribution).where(
                Contribution.id.in_(contribution_ids),
                Contribution.committee_id == committee.id,
            )
        )
    }
    for contribution_id in dict.fromkeys(contribution_ids):
        contribution = found.get(contribution_id)
        if contribution is None:
            outcome.skipped.append((None, "not in this committee's queue"))
            continue
        try:
            decide_contribution(actor, contribution, approve, note)
        except ChamberError as error:
            outcome.skipped.append((contribution, error.message))
        else:
            outcome.decided.append(contribution)
    return outcome


def credit_attended_shift(actor: Member, signup) -> Contribution:
    """The approved contribution of an attended shift: hours and mode from the shift."""
    shift = signup.shift
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
        status=ContributionStatus.APPROVED,
        reviewer_id=actor.id,
        reviewed_at=utcnow(),
        review_note="Attendance on the shift",
    )
    db.session.add(contribution)
    db.session.flush()
    activity.contribution_decided.send(actor, contribution=contribution)
    return contribution


def uncredit_shift(actor: Member, signup) -> None:
    """A sign-up no longer marked attended loses the contribution it had earned."""
    contribution = db.session.scalar(
        sa.select(Contribution).where(Contribution.shift_signup_id == signup.id)
    )
    if contribution is None:
        return
    contribution.status = ContributionStatus.REJECTED
    activity.contribution_decided.send(actor, contribution=contribution)
    db.session.delete(contribution)
    db.session.flush()
