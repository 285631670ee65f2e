"""Demo data: monthly committee meetings, quarterly chamber events and their attendance."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from chamber.committees.models import Committee
from chamber.db import utcnow
from chamber.extensions import db
from chamber.localtime import local_to_utc
from chamber.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingMode,
    Rsvp,
    RsvpAnswer,
)
from chamber.seeding import SeedContext, bulk_insert

TARGET = {"small": None, "large": 2000}  # None: every active committee meets monthly
PLACES = ["Chamber office, 12 Main Street", "Riverside Library, room B", "Town Hall annex"]
EVENT_TITLES = ["Business After Hours", "Annual Awards Dinner", "Member Breakfast", "Expo"]


# No meeting or chamber event on a public holiday or a weekend (issue 11: one fell on
# 25 December).
HOLIDAYS = {(1, 1), (7, 4), (12, 24), (12, 25), (12, 26), (12, 31)}


def event_day(day):
    """The first weekday on or after `day` that is not a holiday."""
    while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        day += timedelta(days=1)
    return day


def active_committee_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Committee.id).where(Committee.is_archived.is_(False)).order_by(Committee.id)
        )
    )


def _meeting_row(ctx: SeedContext, committee_id, title, day, hour, minutes, mode) -> dict:
    starts_at = local_to_utc(datetime.combine(day, time(hour, 0)))
    now = utcnow()
    return {
        "committee_id": committee_id,
        "title": title,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "place": ctx.rng.choice(PLACES) if mode != MeetingMode.ONLINE else "Video call link",
        "mode": mode,
        "agenda": "Welcome and updates\nProject reports\nNext steps",
        "attendance_taken_at": starts_at + timedelta(hours=2) if starts_at < now else None,
        "created_at": now,
        "updated_at": now,
    }


def seed_meetings(ctx: SeedContext) -> None:
    """Committee meetings over the whole period (plus the next two months), events, attendance."""

    rng = ctx.rng
    committees = active_committee_ids()
    months = ctx.months + 2
    target = TARGET[ctx.size]
    chance = 1.0 if target is None else min(1.0, target / (months * len(committees)))
    modes = [MeetingMode.IN_PERSON] * 5 + [MeetingMode.HYBRID] * 3 + [MeetingMode.ONLINE] * 2
    rows = []
    for month in range(months):
        first = ctx.start + timedelta(days=30 * month)
        for committee_id in committees:
            if rng.random() > chance:
                continue
            day = event_day(first + timedelta(days=rng.randint(0, 27)))
            rows.append(
                _meeting_row(
                    ctx,
                    committee_id,
                    "Monthly meeting",
                    day,
                    rng.choice([8, 12, 18]),
                    90,
                    rng.choice(modes),
                )
            )
        if month % 3 == 0:
            day = event_day(first + timedelta(days=rng.randint(0, 27)))
            rows.append(
                _meeting_row(
                    ctx, None, rng.choice(EVENT_TITLES), day, 18, 150, MeetingMode.IN_PERSON
                )
            )
    bulk_insert(Meeting, rows)
    ids = list(db.session.scalars(sa.select(Meeting.id).order_by(Meeting.id)))
    sheet_cap = 40 if ctx.size == "large" else None
    attendance = []
    everyone = ctx.member_ids
    for meeting_id, row in zip(ids, rows, strict=True):
        if row["attendance_taken_at"] is None:
            continue
        if row["committee_id"] is None:
            people = rng.sample(everyone, min(len(everyone), rng.randint(25, 60)))
        else:
            people = ctx.rosters.get(row["committee_id"], [])
            if sheet_cap and len(people) > sheet_cap:
                people = people[:3] + rng.sample(people[3:], sheet_cap - 3)
        for member_id in people:
            attendance.append(
                {
                    "meeting_id": meeting_id,
                    "member_id": member_id,
                    "status": _presence(rng, row["mode"], member_id in ctx.demo.values()),
                    "recorded_by_id": None,
                    "recorded_at": row["attendance_taken_at"],
                }
            )
    bulk_insert(Attendance, attendance)
    answers = _answers(ctx, ids, rows)
    bulk_insert(Rsvp, answers)
    ctx.counts["meetings"] = len(rows)
    ctx.counts["attendances"] = len(attendance)
    ctx.counts["meeting answers"] = len(answers)


def _answers(ctx: SeedContext, ids: list[int], rows: list[dict]) -> list[dict]:
    """Some members have answered the meetings ahead (the demo accounts are left to try it)."""
    rng, now = ctx.rng, utcnow()
    demo = set(ctx.demo.values())
    answers = []
    for meeting_id, row in zip(ids, rows, strict=True):
        if row["starts_at"] <= now:
            continue
        if row["committee_id"] is None:
            people = rng.sample(ctx.member_ids, min(len(ctx.member_ids), rng.randint(10, 30)))
        else:
            roster = ctx.rosters.get(row["committee_id"], [])
            people = rng.sample(roster, len(roster) // 2)
        options = [RsvpAnswer.GOING] * 6 + [RsvpAnswer.NOT_GOING] * 2
        if row["mode"] is not MeetingMode.IN_PERSON:
            options += [RsvpAnswer.ONLINE] * 3
        answers += [
            {
                "meeting_id": meeting_id,
                "member_id": member_id,
                "answer": rng.choice(options),
                "answered_at": now - timedelta(days=rng.randint(0, 10)),
            }
            for member_id in people
            if member_id not in demo
        ]
    return answers


def _presence(rng, mode: MeetingMode, is_demo: bool) -> AttendanceStatus:
    roll = rng.random() - (0.15 if is_demo else 0)
    if roll < 0.65:
        if mode is MeetingMode.ONLINE:
            return AttendanceStatus.ONLINE
        if mode is MeetingMode.HYBRID and rng.random() < 0.4:
            return AttendanceStatus.ONLINE
        return AttendanceStatus.IN_PERSON
    return AttendanceStatus.ABSENT if roll < 0.88 else AttendanceStatus.EXCUSED
