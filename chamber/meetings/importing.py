"""Importing past attendance from an event platform's CSV export (`import-attendance`).

Columns: event, starts_at, email, mode. An event not yet known (same title, same start) is
created as a chamber-wide event, its start read in the chamber's time zone. Refused rows are
reported with their line and reason; a row already recorded adds nothing, so importing the
same file twice adds nothing. Every meeting that gained attendance is announced
(activity.attendance_recorded), so the relationships follow in the same transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from chamber import activity
from chamber.db import utcnow
from chamber.exceptions import ChamberError
from chamber.extensions import db
from chamber.localtime import local_to_utc
from chamber.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingMode
from chamber.members.models import Member

COLUMNS = ("event", "starts_at", "email", "mode")
EVENT_LENGTH = timedelta(hours=2)  # an imported event lasts this long (exports give a start)
_MODES = {
    "in_person": AttendanceStatus.IN_PERSON,
    "in person": AttendanceStatus.IN_PERSON,
    "in-person": AttendanceStatus.IN_PERSON,
    "offline": AttendanceStatus.IN_PERSON,
    "onsite": AttendanceStatus.IN_PERSON,
    "on site": AttendanceStatus.IN_PERSON,
    "online": AttendanceStatus.ONLINE,
    "virtual": AttendanceStatus.ONLINE,
    "remote": AttendanceStatus.ONLINE,
}
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


@dataclass
class AttendanceImport:
    added: int = 0
    already: int = 0
    events_created: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # line, reason

    @property
    def total(self) -> int:
        return self.added + self.already + len(self.refused)


def read_attendance_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for each data line; a missing column refuses the whole file."""
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ChamberError(
            "The first line must name the columns event, starts_at, email, mode; missing: "
            + ", ".join(missing)
            + ".",
            field="file",
        )
    reader.fieldnames = header
    return [
        (reader.line_num, {name: (row.get(name) or "").strip() for name in COLUMNS})
        for row in reader
    ]


def parse_start(text: str) -> datetime | None:
    """A start as naive UTC: local chamber time, or an ISO time with its own offset."""
    for fmt in _FORMATS:
        try:
            return local_to_utc(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return local_to_utc(value)
    return value.astimezone(UTC).replace(tzinfo=None)


def _row_problem(row: dict[str, str]) -> str | None:
    if not row["event"]:
        return "event: the event's name is missing"
    if len(row["event"]) > 160:
        return "event: at most 160 characters"
    if not row["email"]:
        return "email: missing"
    if row["mode"].lower() not in _MODES:
        return "mode: say in_person or online"
    return None


def import_attendance(
    actor: Member | None,
    rows: list[tuple[int, dict[str, str]]],
    *,
    progress: Callable[[int], None] | None = None,
) -> AttendanceImport:
    """Record who attended which event; refuse bad rows whole, with the reason."""
    report = AttendanceImport()
    emails = {row["email"].lower() for _line, row in rows if row["email"]}
    members: dict[str, Member] = {}
    email_list = sorted(emails)
    for start in range(0, len(email_list), 500):
        for member in db.session.scalars(
            sa.select(Member).where(
                sa.func.lower(Member.email).in_(email_list[start : start + 500])
            )
        ):
            members[member.email.lower()] = member
    meetings: dict[tuple[str, datetime], Meeting] = {}
    recorded: dict[int, set[int]] = {}
    seen: set[tuple[str, datetime, int]] = set()
    touched: dict[int, Meeting] = {}
    now = utcnow()
    for line, row in rows:
        if progress is not None:
            progress(1)
        problem = _row_problem(row)
        starts_at = parse_start(row["starts_at"]) if not problem else None
        if problem is None and starts_at is None:
            problem = "starts_at: not a date and time (YYYY-MM-DD HH:MM)"
        if problem is None and starts_at > now:
            problem = "starts_at: the event has not happened yet"
        member = members.get(row["email"].lower()) if problem is None else None
        if problem is None and member is None:
            problem = f"email: no member with the address {row['email']}"
        if problem is None and not member.is_active:
            problem = f"email: {member.full_name} is deactivated"
        if problem is None and (row["event"], starts_at, member.id) in seen:
            problem = "the same person at the same event appears earlier in the file"
        if problem is not None:
            report.refused.append((line, problem))
            continue
        seen.add((row["event"], starts_at, member.id))
        status = _MODES[row["mode"].lower()]
        meeting = _meeting(meetings, row["event"], starts_at, status, report)
        if meeting.id not in recorded:
            recorded[meeting.id] = set(
                db.session.scalars(
                    sa.select(Attendance.member_id).where(Attendance.meeting_id == meeting.id)
                )
            )
        if member.id in recorded[meeting.id]:
            report.already += 1
            continue
        db.session.add(
            Attendance(
                meeting_id=meeting.id,
                member_id=member.id,
                status=status,
                recorded_by_id=actor.id if actor else None,
                recorded_at=now,
            )
        )
        recorded[meeting.id].add(member.id)
        touched[meeting.id] = meeting
        report.added += 1
    db.session.flush()
    for meeting in touched.values():
        if meeting.attendance_taken_at is None:
            meeting.attendance_taken_at = now
        present = set(
            db.session.scalars(
                sa.select(Attendance.member_id).where(
                    Attendance.meeting_id == meeting.id,
                    Attendance.status.in_([AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE]),
                )
            )
        )
        activity.attendance_recorded.send(actor, meeting=meeting, member_ids=present)
    db.session.flush()
    return report


def _meeting(
    meetings: dict, title: str, starts_at: datetime, status: AttendanceStatus, report
) -> Meeting:
    key = (title, starts_at)
    meeting = meetings.get(key)
    if meeting is None:
        meeting = db.session.scalar(
            sa.select(Meeting)
            .where(Meeting.title == title, Meeting.starts_at == starts_at)
            .order_by(Meeting.committee_id.is_not(None), Meeting.id)
            .limit(1)
        )
    if meeting is None:
        mode = MeetingMode.IN_PERSON if status is AttendanceStatus.IN_PERSON else MeetingMode.ONLINE
        meeting = Meeting(
            committee_id=None,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + EVENT_LENGTH,
            place="",
            mode=mode,
            agenda="Imported from the event platform's attendance list.",
        )
        db.session.add(meeting)
        db.session.flush()
        report.events_created.append(title)
    elif meeting.mode is not MeetingMode.HYBRID and meeting.committee_id is None:
        # An imported event with both kinds of attendance was hybrid.
        kind = MeetingMode.IN_PERSON if status is AttendanceStatus.IN_PERSON else MeetingMode.ONLINE
        if meeting.mode is not kind and meeting.agenda.startswith("Imported"):
            meeting.mode = MeetingMode.HYBRID
    meetings[key] = meeting
    return meeting
