"""Work at chamber-wide events: a member logs it for an event they took part in; staff (who
run those events) approve or reject it, once, as leads do their committee's."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.contributions.event_queries import took_part
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.contributions.services import BatchOutcome, check_amounts, decide_in_queue
from chamber.db import utcnow
from chamber.exceptions import ChamberError, NotAllowed
from chamber.extensions import db
from chamber.localtime import check_work_day, utc_to_local
from chamber.meetings.models import Meeting
from chamber.members.models import Member


def _check_event(member: Member, meeting_id: int | None) -> Meeting:
    """A chamber-wide event (no committee) that has begun and that the member took part in."""
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is None:
        raise ChamberError("Choose one of the chamber events you took part in.", field="meeting_id")
    if meeting.committee_id is not None:
        raise ChamberError(
            "This is a committee meeting: log that work for the committee.", field="meeting_id"
        )
    if meeting.starts_at > utcnow():
        raise ChamberError("This event has not taken place yet.", field="meeting_id")
    was_there = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Meeting)
        .where(Meeting.id == meeting.id, took_part(member.id))
    )
    if not was_there:
        raise NotAllowed(
            "You log work only for events you attended or said you would attend.",
            field="meeting_id",
        )
    return meeting


def log_event_contribution(member: Member, data: dict) -> Contribution:
    """A member records work at a chamber-wide event, on the event's day; it waits for the
    staff's approval before it counts."""
    if not member.is_active:
        raise NotAllowed("Your membership is not active.")
    meeting = _check_event(member, data.get("meeting_id"))
    check_amounts(data)
    day = utc_to_local(meeting.starts_at).date()
    check_work_day(member, day, field_name="meeting_id")
    contribution = Contribution(
        member_id=member.id,
        meeting_id=meeting.id,
        kind=data["kind"],
        hours=data["hours"],
        contributed_on=day,
        description=data.get("description") or "",
        mode=data["mode"],
        value_cents=data["value_cents"],
        status=ContributionStatus.PENDING,
    )
    db.session.add(contribution)
    db.session.flush()
    return contribution


def decide_event_contributions(
    actor: Member,
    contribution_ids: list[int],
    approve: bool,
    note: str,
    outcome: BatchOutcome | None = None,
) -> BatchOutcome:
    """Staff decide on many at once; ones already decided, the actor's own, or not work at a
    chamber event are skipped and reported (in `outcome`)."""
    if not (actor.is_active and actor.is_staff):
        raise NotAllowed("The chamber's staff decide on work at chamber events.")
    return decide_in_queue(
        actor,
        Contribution.meeting_id.is_not(None),
        "the chamber events' queue",
        contribution_ids,
        approve,
        note,
        outcome,
    )
