"""Scheduling meetings, taking attendance in one submit, and private calendar feeds."""

from __future__ import annotations

import sqlalchemy as sa

from chamber import activity
from chamber.audit.services import changes, record_audit
from chamber.committees.models import Committee, CommitteeMembership
from chamber.db import utcnow
from chamber.exceptions import ChamberError, Conflict
from chamber.extensions import db
from chamber.meetings.models import (
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Meeting,
    MeetingMode,
    Rsvp,
    RsvpAnswer,
)
from chamber.members.models import Member

MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "mode", "agenda")


def _check_meeting(data: dict) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise ChamberError("The meeting must end after it starts.", field="ends_at")
    if (data["ends_at"] - data["starts_at"]).total_seconds() > 24 * 3600:
        raise ChamberError("A meeting lasts at most 24 hours.", field="ends_at")


def create_meeting(actor: Member, committee: Committee | None, data: dict) -> Meeting:
    """A committee meeting, or a chamber-wide event when `committee` is None."""
    if committee is not None and committee.is_archived:
        raise Conflict("This committee is archived.")
    _check_meeting(data)
    meeting = Meeting(
        committee_id=committee.id if committee else None,
        **{name: data.get(name) or "" for name in ("title", "place", "agenda")},
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        mode=data["mode"],
    )
    db.session.add(meeting)
    db.session.flush()
    where = committee.name if committee else "Chamber event"
    record_audit(actor, "meeting.created", meeting, summary=f"{where}: {meeting.title}")
    return meeting


def update_meeting(actor: Member, meeting: Meeting, data: dict) -> None:
    _check_meeting(data)
    if meeting.attendance_taken_at is not None and data["starts_at"] > utcnow():
        raise ChamberError(
            "Attendance is already recorded; the meeting cannot move to the future.",
            field="starts_at",
        )
    before = {name: str(getattr(meeting, name)) for name in MEETING_FIELDS}
    for name in MEETING_FIELDS:
        setattr(meeting, name, data.get(name) if data.get(name) is not None else "")
    db.session.flush()
    after = {name: str(getattr(meeting, name)) for name in MEETING_FIELDS}
    old, new = changes(before, after)
    record_audit(actor, "meeting.updated", meeting, summary=meeting.title, before=old, after=new)
    if before["starts_at"] != after["starts_at"] and meeting.attendance_taken_at is not None:
        # Ties count when people met: a moved meeting moves its time together.
        activity.attendance_recorded.send(
            actor, meeting=meeting, member_ids=present_member_ids(meeting)
        )
    activity.meeting_changed.send(actor, meeting=meeting)


def delete_meeting(actor: Member, meeting: Meeting) -> None:
    """Cancel a meeting that has no attendance yet (recorded history is kept)."""
    if meeting.attendance_taken_at is not None:
        raise Conflict("Attendance is recorded for this meeting; it is kept as history.")
    record_audit(actor, "meeting.cancelled", meeting, summary=meeting.title)
    db.session.delete(meeting)
    db.session.flush()


def roster_ids(committee: Committee) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(CommitteeMembership.member_id).where(
                CommitteeMembership.committee_id == committee.id
            )
        )
    )


def record_attendance(
    actor: Member, meeting: Meeting, marks: dict[int, AttendanceStatus | None]
) -> set[int]:
    """Save the whole attendance sheet at once; an empty mark clears a member's row.
    Returns the ids of members present (in person or online)."""
    if meeting.starts_at > utcnow():
        raise Conflict("Attendance can be taken once the meeting has started.")
    # One sheet at a time per meeting (two leads saving at once never collide on inserts).
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    existing = {
        attendance.member_id: attendance
        for attendance in db.session.scalars(
            sa.select(Attendance).where(Attendance.meeting_id == meeting.id)
        )
    }
    if meeting.committee is not None:
        allowed = roster_ids(meeting.committee) | set(existing)
        if set(marks) - allowed:
            raise ChamberError("Someone on the sheet is not on the committee; reload the page.")
    else:
        active = set(
            db.session.scalars(
                sa.select(Member.id).where(Member.id.in_(list(marks)), Member.is_active.is_(True))
            )
        )
        if set(marks) - active - set(existing):
            raise ChamberError("Someone on the sheet is not an active member.")
    now = utcnow()
    for member_id, status in marks.items():
        attendance = existing.get(member_id)
        if status is None:
            if attendance is not None:
                db.session.delete(attendance)
        elif attendance is None:
            db.session.add(
                Attendance(
                    meeting_id=meeting.id,
                    member_id=member_id,
                    status=status,
                    recorded_by_id=actor.id,
                    recorded_at=now,
                )
            )
        elif attendance.status is not status:
            attendance.status, attendance.recorded_by_id, attendance.recorded_at = (
                status,
                actor.id,
                now,
            )
    if meeting.attendance_taken_at is None:
        meeting.attendance_taken_at = now
    db.session.flush()
    present = {member_id for member_id, status in marks.items() if status and status.is_present} | {
        member_id
        for member_id, attendance in existing.items()
        if member_id not in marks and attendance.status.is_present
    }
    record_audit(
        actor,
        "meeting.attendance",
        meeting,
        summary=f"Attendance on “{meeting.title}”: {len(present)} present",
    )
    activity.attendance_recorded.send(actor, meeting=meeting, member_ids=present)
    return present


def present_member_ids(meeting: Meeting) -> set[int]:
    """Who was there, in person or online."""
    return set(
        db.session.scalars(
            sa.select(Attendance.member_id).where(
                Attendance.meeting_id == meeting.id,
                Attendance.status.in_([s for s in AttendanceStatus if s.is_present]),
            )
        )
    )


def answer_rsvp(member: Member, meeting: Meeting, answer: RsvpAnswer) -> Rsvp:
    """Going, joining online or not going; changeable until the meeting starts."""
    if not member.is_active:
        raise Conflict("Your account is deactivated.")
    if meeting.starts_at <= utcnow():
        raise Conflict("This meeting has started; answers are closed.")
    if answer is RsvpAnswer.ONLINE and meeting.mode is MeetingMode.IN_PERSON:
        raise ChamberError("This meeting is in person only; there is no online link.")
    rsvp = db.session.scalar(
        sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == member.id)
    )
    if rsvp is None:
        rsvp = Rsvp(meeting_id=meeting.id, member_id=member.id, answer=answer)
        db.session.add(rsvp)
    else:
        rsvp.answer, rsvp.answered_at = answer, utcnow()
    db.session.flush()
    return rsvp


def active_feed(member: Member) -> CalendarFeed | None:
    return db.session.scalar(
        sa.select(CalendarFeed).where(
            CalendarFeed.member_id == member.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def revoke_calendar_feed(member: Member) -> int:
    """Turn off the member's calendar address; every copy of the link stops working."""
    result = db.session.execute(
        sa.update(CalendarFeed)
        .where(CalendarFeed.member_id == member.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def create_calendar_feed(member: Member) -> CalendarFeed:
    """A fresh private calendar address; the previous one (if any) is revoked."""
    revoke_calendar_feed(member)
    feed = CalendarFeed(member_id=member.id)
    db.session.add(feed)
    db.session.flush()
    return feed


def member_for_feed(token: str) -> Member | None:
    """The active member behind a live feed token, or None (revoked, unknown, deactivated)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        sa.select(Member)
        .join(CalendarFeed, CalendarFeed.member_id == Member.id)
        .where(
            CalendarFeed.token == token,
            CalendarFeed.revoked_at.is_(None),
            Member.is_active.is_(True),
        )
    )
