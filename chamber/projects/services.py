"""Projects and shifts: creating them, signing up under capacity, marking attendance."""

from __future__ import annotations

import sqlalchemy as sa

from chamber import activity
from chamber.audit.services import record_audit
from chamber.committees.models import Committee
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict, NotAllowed
from chamber.extensions import db
from chamber.localtime import to_local
from chamber.meetings.models import Meeting, Rsvp, RsvpAnswer
from chamber.members.models import Member
from chamber.once import change_once
from chamber.projects.models import (
    Project,
    ProjectStatus,
    Shift,
    ShiftSignup,
    SignupStatus,
)

# A project moves forward only; completed and cancelled are final.
NEXT_STATUSES = {
    ProjectStatus.PROPOSED: {ProjectStatus.ACTIVE, ProjectStatus.CANCELLED},
    ProjectStatus.ACTIVE: {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED},
    ProjectStatus.COMPLETED: set(),
    ProjectStatus.CANCELLED: set(),
}


def _check_project(data: dict) -> None:
    if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise ChamberError("The project cannot end before it starts.", field="ends_on")


def create_project(actor: Member, committee: Committee, data: dict) -> Project:
    if committee.is_archived:
        raise Conflict("This committee is archived.")
    _check_project(data)
    status = ProjectStatus(data.get("status") or ProjectStatus.PROPOSED)
    if status not in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE):
        raise ChamberError("A new project is proposed or active.", field="status")
    project = Project(
        committee_id=committee.id,
        name=data["name"],
        summary=data.get("summary") or "",
        status=status,
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
    )
    db.session.add(project)
    db.session.flush()
    record_audit(actor, "project.created", project, summary=f"{committee.name}: {project.name}")
    return project


def update_project(actor: Member, project: Project, data: dict) -> None:
    _check_project(data)
    status = ProjectStatus(data["status"])
    if status is not project.status and status not in NEXT_STATUSES[project.status]:
        allowed = ", ".join(s.label.lower() for s in NEXT_STATUSES[project.status]) or "nothing"
        raise ChamberError(
            f"A {project.status.label.lower()} project can become: {allowed}.", field="status"
        )
    before = project.status.value
    project.name = data["name"]
    project.summary = data.get("summary") or ""
    project.starts_on, project.ends_on = data.get("starts_on"), data.get("ends_on")
    project.status = status
    db.session.flush()
    if before != status.value:
        record_audit(
            actor,
            "project.status_changed",
            project,
            summary=project.name,
            before={"status": before},
            after={"status": status.value},
        )


def _signed_up_count(shift_id: int) -> int:
    """Slots taken: every sign-up not cancelled (attended and no-shows held theirs)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ShiftSignup)
        .where(ShiftSignup.shift_id == shift_id, ShiftSignup.status != SignupStatus.CANCELLED)
    )


def _first_meeting_during(query: sa.Select, starts_at, ends_at) -> Meeting | None:
    """The earliest meeting `query` finds that overlaps the span from `starts_at` to
    `ends_at`, or None."""
    return db.session.scalar(
        query.where(Meeting.starts_at < ends_at, Meeting.ends_at > starts_at)
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def _local_span(starts_at, ends_at) -> str:
    start, end = to_local(starts_at), to_local(ends_at)
    return f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}–{end:%H:%M}"


def _day(value) -> str:
    return f"{value.day} {value:%b %Y}"


def _check_shift(project: Project, data: dict) -> None:
    """A shift ends after it starts, lies within its project's dates (local days), and,
    unless the lead confirms, does not overlap a meeting of the same committee."""
    if project.status not in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE):
        raise Conflict(f"This project is {project.status.label.lower()}; it takes no new shifts.")
    if data["ends_at"] <= data["starts_at"]:
        raise ChamberError("The shift must end after it starts.", field="ends_at")
    if (data["ends_at"] - data["starts_at"]).total_seconds() > 24 * 3600:
        raise ChamberError("A shift lasts at most 24 hours.", field="ends_at")
    first_day, last_day = to_local(data["starts_at"]).date(), to_local(data["ends_at"]).date()
    if project.starts_on and first_day < project.starts_on:
        raise ChamberError(
            f"The project starts on {_day(project.starts_on)}; the shift cannot be earlier "
            "(or change the project's dates first).",
            field="starts_at",
        )
    if project.ends_on and last_day > project.ends_on:
        raise ChamberError(
            f"The project ends on {_day(project.ends_on)}; the shift cannot be later "
            "(or change the project's dates first).",
            field="ends_at",
        )
    if data.get("confirm_clash"):
        return
    meeting = _first_meeting_during(
        sa.select(Meeting).where(Meeting.committee_id == project.committee_id),
        data["starts_at"],
        data["ends_at"],
    )
    if meeting is not None:
        raise ChamberError(
            f"This overlaps the committee's meeting “{meeting.title}” "
            f"({_local_span(meeting.starts_at, meeting.ends_at)}): its members cannot be at "
            "both. Tick the box to plan the shift anyway.",
            field="confirm_clash",
        )


def create_shift(actor: Member, project: Project, data: dict) -> Shift:
    _check_shift(project, data)
    shift = Shift(
        project_id=project.id,
        title=data["title"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        place=data.get("place") or "",
        mode=data["mode"],
        slots=data["slots"],
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def update_shift(actor: Member, shift: Shift, data: dict) -> None:
    _lock_shift(shift.id)
    if (data["starts_at"], data["ends_at"]) == (shift.starts_at, shift.ends_at):
        data = {**data, "confirm_clash": True}  # not moved: the lead planned it already
    _check_shift(shift.project, data)
    taken = _signed_up_count(shift.id)
    if data["slots"] < taken:
        raise Conflict(
            f"{taken} members are signed up; slots cannot be fewer than that.", field="slots"
        )
    shift.title, shift.place, shift.mode = data["title"], data.get("place") or "", data["mode"]
    shift.starts_at, shift.ends_at, shift.slots = data["starts_at"], data["ends_at"], data["slots"]
    db.session.flush()
    activity.shift_changed.send(actor, shift=shift)


def _lock_shift(shift_id: int) -> None:
    """Serialise sign-ups per shift: PostgreSQL locks the row; SQLite already holds the write
    lock since BEGIN IMMEDIATE. Counting after the lock sees every committed sign-up."""
    db.session.execute(sa.select(Shift.id).where(Shift.id == shift_id).with_for_update())


def _lock_member(member_id: int) -> None:
    """Serialise one member's sign-ups, so two overlapping shifts cannot both be taken."""
    db.session.execute(sa.select(Member.id).where(Member.id == member_id).with_for_update())


def sign_up_for_shift(member: Member, shift: Shift) -> ShiftSignup:
    """Take a slot: refused when the shift is full, past, or overlaps another of my shifts."""
    if not member.is_active:
        raise NotAllowed("Your account is deactivated.")
    if shift.project.status is not ProjectStatus.ACTIVE:
        raise Conflict("Sign-ups open when the project is active.")
    if shift.starts_at <= utcnow():
        raise Conflict("This shift has already started.")
    # Always member first, then shift: one lock order, so two requests never deadlock.
    _lock_member(member.id)
    _lock_shift(shift.id)
    signup = db.session.scalar(
        sa.select(ShiftSignup).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.member_id == member.id
        )
    )
    if signup is not None:
        db.session.refresh(signup)
        if signup.status is SignupStatus.SIGNED_UP:
            raise Conflict("You are already signed up for this shift.")
        if signup.status is not SignupStatus.CANCELLED:
            raise Conflict("Your attendance on this shift is already recorded.")
    clash = db.session.scalar(
        sa.select(Shift)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(
            ShiftSignup.member_id == member.id,
            ShiftSignup.status == SignupStatus.SIGNED_UP,
            Shift.id != shift.id,
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
        .limit(1)
    )
    if clash is not None:
        raise Conflict(f"This overlaps your shift “{clash.title}”. Cancel that one first.")
    meeting = _first_meeting_during(
        sa.select(Meeting)
        .join(Rsvp, Rsvp.meeting_id == Meeting.id)
        .where(
            Rsvp.member_id == member.id,
            Rsvp.answer.in_([RsvpAnswer.GOING, RsvpAnswer.ONLINE]),
        ),
        shift.starts_at,
        shift.ends_at,
    )
    if meeting is not None:
        raise Conflict(
            f"This shift overlaps “{meeting.title}” "
            f"({_local_span(meeting.starts_at, meeting.ends_at)}), which you said you would "
            "attend. Change your answer on the meeting's page first."
        )
    if _signed_up_count(shift.id) >= shift.slots:
        raise Conflict("Sorry, this shift is full.")
    if signup is None:
        signup = ShiftSignup(shift_id=shift.id, member_id=member.id)
        db.session.add(signup)
    else:
        signup.status = SignupStatus.SIGNED_UP
    db.session.flush()
    return signup


def cancel_signup(member: Member, shift: Shift) -> None:
    """Give the slot back before the shift starts."""
    if shift.starts_at <= utcnow():
        raise Conflict("This shift has started; ask a lead to record your attendance.")
    result = db.session.execute(
        sa.update(ShiftSignup)
        .where(
            ShiftSignup.shift_id == shift.id,
            ShiftSignup.member_id == member.id,
            ShiftSignup.status == SignupStatus.SIGNED_UP,
        )
        .values(status=SignupStatus.CANCELLED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("You are not signed up for this shift.")


MARKABLE = (SignupStatus.SIGNED_UP, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


def mark_signups(
    actor: Member, shift: Shift, marks: dict[int, SignupStatus]
) -> list[tuple[ShiftSignup, SignupStatus]]:
    """Record who came. Returns each sign-up that changed with its previous status, so the
    caller (contributions.services.record_shift_attendance) credits or withdraws the hours."""
    if shift.starts_at > utcnow():
        raise Conflict("Attendance can be recorded once the shift has started.")
    signups = {
        signup.id: signup
        for signup in db.session.scalars(
            sa.select(ShiftSignup).where(
                ShiftSignup.shift_id == shift.id, ShiftSignup.status.in_(MARKABLE)
            )
        )
    }
    for signup_id, status in marks.items():
        signup = signups.get(signup_id)
        if signup is None or status not in MARKABLE:
            raise ChamberError("This sign-up is no longer on the shift; reload the page.")
        if signup.member_id == actor.id and status is not signup.status:
            raise NotAllowed("Another lead or staff records your own attendance.")
    changed = []
    for signup_id, status in marks.items():
        signup = signups[signup_id]
        previous = signup.status
        if status is previous:
            continue
        # Conditional update: of two leads marking at once, only one changes the row, so
        # only one credits (or withdraws) the contribution.
        try:
            change_once(
                sa.update(ShiftSignup)
                .where(ShiftSignup.id == signup_id, ShiftSignup.status == previous)
                .values(status=status, marked_by_id=actor.id, updated_at=utcnow()),
                "Someone else marked this sign-up meanwhile.",
            )
        except Conflict:
            continue
        db.session.refresh(signup)
        changed.append((signup, previous))
    if changed:
        record_audit(
            actor,
            "shift.attendance",
            shift,
            summary=f"Attendance on “{shift.title}”: {len(changed)} changed",
            after={str(s.member_id): s.status.value for s, _ in changed},
        )
    return changed
