"""Reading work done at chamber-wide events: the events a member may log it for, the staff's
approval queue and recent decisions, and the hours per member (CSV)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from chamber.contributions.models import Contribution, ContributionStatus
from chamber.contributions.queries import hours_per_member
from chamber.db import utcnow
from chamber.extensions import db
from chamber.meetings.models import PRESENT, Attendance, Meeting, Rsvp, RsvpAnswer
from chamber.members.models import Member

#: How far back a member may still log work at an event.
LOGGABLE_DAYS = 365


def took_part(member_id: int) -> sa.ColumnElement[bool]:
    """Meetings the member was present at; or, where their attendance was not recorded, said
    they would come to (going or online). Marked absent or excused: not there."""
    present = sa.select(Attendance.meeting_id).where(
        Attendance.member_id == member_id, Attendance.status.in_(PRESENT)
    )
    recorded = sa.select(Attendance.meeting_id).where(Attendance.member_id == member_id)
    coming = sa.select(Rsvp.meeting_id).where(
        Rsvp.member_id == member_id, Rsvp.answer.in_([RsvpAnswer.GOING, RsvpAnswer.ONLINE])
    )
    return sa.or_(
        Meeting.id.in_(present), sa.and_(Meeting.id.in_(coming), Meeting.id.not_in(recorded))
    )


def loggable_events(member: Member) -> list[Meeting]:
    """Chamber-wide events of the last year that have begun and that the member took part
    in, newest first (one statement)."""
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.committee_id.is_(None),
                Meeting.starts_at <= now,
                Meeting.starts_at >= now - timedelta(days=LOGGABLE_DAYS),
                took_part(member.id),
            )
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        )
    )


def event_queue(page: int = 1, per_page: int = 100) -> Pagination:
    """Pending work at chamber events, oldest first, member and event joined in."""
    query = (
        sa.select(Contribution)
        .options(joinedload(Contribution.member), joinedload(Contribution.meeting))
        .where(
            Contribution.meeting_id.is_not(None), Contribution.status == ContributionStatus.PENDING
        )
        .order_by(Contribution.created_at, Contribution.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def pending_event_count() -> int:
    """Work at chamber events waiting for staff."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Contribution)
        .where(
            Contribution.meeting_id.is_not(None), Contribution.status == ContributionStatus.PENDING
        )
    )


def recent_event_decisions(limit: int = 10) -> list[Contribution]:
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .options(
                joinedload(Contribution.member),
                joinedload(Contribution.meeting),
                joinedload(Contribution.reviewer),
            )
            .where(
                Contribution.meeting_id.is_not(None),
                Contribution.status != ContributionStatus.PENDING,
            )
            .order_by(Contribution.reviewed_at.desc())
            .limit(limit)
        )
    )


def event_hours_by_member(first: date, last: date) -> list[sa.Row]:
    """Approved work at chamber events per member in a period, in person and online, in SQL;
    in-kind gifts apart (never added to the hours). The columns of a committee's hours CSV."""
    return hours_per_member(Contribution.meeting_id.is_not(None), first, last)
