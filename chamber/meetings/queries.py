"""Reading meetings: upcoming ones, the attendance sheet and rates, history and feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from chamber.committees.models import Committee, CommitteeMembership
from chamber.committees.picker import name_matches
from chamber.db import grouped, utcnow
from chamber.extensions import db
from chamber.meetings.models import (
    PRESENT,
    Attendance,
    AttendanceStatus,
    Meeting,
    Rsvp,
    RsvpAnswer,
)
from chamber.members.models import Member


def _my_committee_ids(member_id) -> sa.Select:
    return sa.select(CommitteeMembership.committee_id).where(
        CommitteeMembership.member_id == member_id
    )


def visible_meetings(member: Member) -> sa.Select:
    """Meetings of the member's committees and chamber-wide events, committee joined in."""
    return _visible_meetings(member.id)


def _visible_meetings(member_id) -> sa.Select:
    return (
        sa.select(Meeting)
        .options(joinedload(Meeting.committee))
        .outerjoin(Committee, Committee.id == Meeting.committee_id)
        .where(
            sa.or_(
                Meeting.committee_id.is_(None),
                sa.and_(
                    Meeting.committee_id.in_(_my_committee_ids(member_id)),
                    Committee.is_archived.is_(False),
                ),
            )
        )
    )


@cache
def _upcoming_statement(limit: int) -> sa.Select:
    """Built once per process for each limit (the member and the time are parameters)."""
    return (
        _visible_meetings(sa.bindparam("member_id"))
        .where(Meeting.ends_at >= sa.bindparam("now"))
        .order_by(Meeting.starts_at)
        .limit(limit)
    )


def upcoming_meetings(member: Member, limit: int = 5) -> list[Meeting]:
    return list(
        db.session.scalars(_upcoming_statement(limit), {"member_id": member.id, "now": utcnow()})
    )


def attendance_history(member: Member, page: int = 1, per_page: int = 20) -> Pagination:
    """The member's own attendance, newest first, meeting and committee joined in."""
    query = (
        sa.select(Attendance)
        .options(joinedload(Attendance.meeting).joinedload(Meeting.committee))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.member_id == member.id)
        .order_by(Meeting.starts_at.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def attendance_summary(member: Member) -> dict[AttendanceStatus, int]:
    """How often the member was marked each way."""
    return grouped(
        db.session, Attendance.status, sa.func.count(), Attendance.member_id == member.id
    )


@dataclass
class MeetingRow:
    meeting: Meeting
    in_person: int
    online: int
    absent: int
    excused: int


def _with_counts(query: sa.Select) -> list[MeetingRow]:
    counts = (
        sa.select(
            Attendance.meeting_id,
            sa.func.sum(
                sa.case((Attendance.status == AttendanceStatus.IN_PERSON, 1), else_=0)
            ).label("in_person"),
            sa.func.sum(sa.case((Attendance.status == AttendanceStatus.ONLINE, 1), else_=0)).label(
                "online"
            ),
            sa.func.sum(sa.case((Attendance.status == AttendanceStatus.ABSENT, 1), else_=0)).label(
                "absent"
            ),
            sa.func.sum(sa.case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0)).label(
                "excused"
            ),
        )
        .group_by(Attendance.meeting_id)
        .subquery()
    )
    query = query.add_columns(
        sa.func.coalesce(counts.c.in_person, 0),
        sa.func.coalesce(counts.c.online, 0),
        sa.func.coalesce(counts.c.absent, 0),
        sa.func.coalesce(counts.c.excused, 0),
    ).outerjoin(counts, counts.c.meeting_id == Meeting.id)
    return [MeetingRow(*row) for row in db.session.execute(query)]


def committee_meetings(committee: Committee | None, *, upcoming: bool, limit: int = 50):
    """A committee's (or the chamber's events') meetings with attendance counted in SQL."""
    now = utcnow()
    query = sa.select(Meeting).where(
        Meeting.committee_id == committee.id if committee else Meeting.committee_id.is_(None)
    )
    if upcoming:
        query = query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at)
    else:
        query = query.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc())
    return _with_counts(query.limit(limit))


@dataclass
class Sheet:
    """A meeting's check-in sheet: the people on it by name, their marks so far, their RSVP
    answers; with a search, only the people matching it (and, for a chamber event, any
    active member matching it, to check in someone who never answered)."""

    people: list[Member]
    marks: dict[int, AttendanceStatus]
    answers: dict[int, RsvpAnswer]
    text: str | None = None
    more: bool = False


#: How many people a search on the check-in sheet adds at most.
SHEET_MATCHES = 25


def attendance_sheet(meeting: Meeting, text: str | None = None) -> Sheet:
    """Who is on the sheet: the committee's active roster (or, for a chamber event, those who
    said they would come), plus anyone already recorded; four statements at most whatever
    the roster size."""
    marks = dict(
        db.session.execute(
            sa.select(Attendance.member_id, Attendance.status).where(
                Attendance.meeting_id == meeting.id
            )
        ).all()
    )
    answers = dict(
        db.session.execute(
            sa.select(Rsvp.member_id, Rsvp.answer).where(Rsvp.meeting_id == meeting.id)
        ).all()
    )
    condition = Member.id.in_(list(marks)) if marks else sa.false()
    if meeting.committee_id is not None:
        expected = Member.id.in_(
            sa.select(CommitteeMembership.member_id).where(
                CommitteeMembership.committee_id == meeting.committee_id
            )
        )
    else:
        coming = [member_id for member_id, answer in answers.items() if answer.is_coming]
        expected = Member.id.in_(coming) if coming else sa.false()
    condition = sa.or_(sa.and_(expected, Member.is_active.is_(True)), condition)
    query = sa.select(Member).order_by(Member.full_name, Member.id)
    if not text:
        return Sheet(list(db.session.scalars(query.where(condition))), marks, answers)
    matching = name_matches(text)
    if meeting.committee_id is None:
        # Anyone active may be checked in at a chamber event.
        condition = sa.or_(condition, Member.is_active.is_(True))
    people = list(db.session.scalars(query.where(condition, matching).limit(SHEET_MATCHES + 1)))
    return Sheet(
        people[:SHEET_MATCHES], marks, answers, text=text, more=len(people) > SHEET_MATCHES
    )


def attendance_rate(committee: Committee, last: int = 6) -> tuple[float | None, int]:
    """Share present (in person or online) of those expected — excused do not count against —
    over the committee's last `last` meetings with attendance taken. (rate, meetings)."""
    recent = (
        sa.select(Meeting.id)
        .where(
            Meeting.committee_id == committee.id,
            Meeting.attendance_taken_at.is_not(None),
            Meeting.starts_at <= utcnow(),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(last)
        .subquery()
    )
    present, expected, meetings = db.session.execute(
        sa.select(
            sa.func.sum(sa.case((Attendance.status.in_(PRESENT), 1), else_=0)),
            sa.func.sum(sa.case((Attendance.status != AttendanceStatus.EXCUSED, 1), else_=0)),
            sa.func.count(sa.distinct(Attendance.meeting_id)),
        ).where(Attendance.meeting_id.in_(sa.select(recent.c.id)))
    ).one()
    if not expected:
        return None, meetings or 0
    return float(present) / float(expected), meetings


def attendance_by_mode(member: Member, since: datetime) -> dict[AttendanceStatus, int]:
    rows = db.session.execute(
        sa.select(Attendance.status, sa.func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Attendance.member_id == member.id,
            Attendance.status.in_(PRESENT),
            Meeting.starts_at >= since,
        )
        .group_by(Attendance.status)
    )
    return dict(rows.all())


def feed_meetings(member: Member) -> list[Meeting]:
    """What the member's calendar shows: 90 days back, a year ahead."""
    return _in_calendar(visible_meetings(member))


def committee_feed_meetings(committee: Committee) -> list[Meeting]:
    return _in_calendar(
        sa.select(Meeting)
        .options(joinedload(Meeting.committee))
        .where(Meeting.committee_id == committee.id)
    )


def _in_calendar(query: sa.Select) -> list[Meeting]:
    """The meetings of `query` a calendar feed shows: 90 days back, a year ahead."""
    now = utcnow()
    return list(
        db.session.scalars(
            query.where(
                Meeting.starts_at >= now - timedelta(days=90),
                Meeting.starts_at <= now + timedelta(days=366),
            ).order_by(Meeting.starts_at)
        )
    )


def load_meeting(committee: Committee | None, meeting_id: int) -> Meeting:
    """A meeting of this committee (or a chamber-wide event when `committee` is None), or a
    404 page: another committee's meeting is missing here, not forbidden."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.committee_id != (committee.id if committee else None):
        abort(404)
    return meeting


def my_rsvp(member: Member, meeting: Meeting) -> RsvpAnswer | None:
    return db.session.scalar(
        sa.select(Rsvp.answer).where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == member.id)
    )


@dataclass
class MeetingPeople:
    """Who said they would come (by answer) and, once attendance is taken, who came."""

    answers: dict[RsvpAnswer, list[sa.Row]]
    attended: list[sa.Row]

    @property
    def coming(self) -> int:
        return sum(len(rows) for answer, rows in self.answers.items() if answer.is_coming)

    @property
    def not_going(self) -> int:
        return len(self.answers[RsvpAnswer.NOT_GOING])


def meeting_people(meeting: Meeting) -> MeetingPeople:
    """Names (plain columns) of active members by RSVP answer, and of those present:
    two statements whatever the size of the meeting."""
    answers: dict[RsvpAnswer, list[sa.Row]] = {answer: [] for answer in RsvpAnswer}
    for row in db.session.execute(
        sa.select(Rsvp.answer, Member.id, Member.full_name, Member.business_name)
        .join(Member, Member.id == Rsvp.member_id)
        .where(Rsvp.meeting_id == meeting.id, Member.is_active.is_(True))
        .order_by(Member.full_name, Member.id)
    ):
        answers[row.answer].append(row)
    attended = []
    if meeting.attendance_taken_at is not None:
        attended = list(
            db.session.execute(
                sa.select(
                    Member.id,
                    Member.full_name,
                    Member.business_name,
                    Member.is_active,
                    Attendance.status,
                )
                .join(Attendance, Attendance.member_id == Member.id)
                .where(Attendance.meeting_id == meeting.id, Attendance.status.in_(PRESENT))
                .order_by(Member.full_name, Member.id)
            )
        )
    return MeetingPeople(answers=answers, attended=attended)


def next_meetings(committee: Committee, limit: int = 5) -> list[Meeting]:
    """The committee's meetings that have not ended, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.committee_id == committee.id, Meeting.ends_at >= utcnow())
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )
