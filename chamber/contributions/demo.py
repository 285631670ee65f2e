"""Demo data: logged contributions, mostly approved, some waiting in the leads' queues."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.db import utcnow
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import utc_to_local
from chamber.meetings.demo import active_committee_ids
from chamber.members.models import Member
from chamber.projects.models import Project, ProjectStatus, Shift, ShiftSignup, SignupStatus
from chamber.seeding import SeedContext, bulk_insert

TARGET = {"small": 2400, "large": 300_000}  # rows in all, shift credits included
DESCRIPTIONS = {
    ContributionKind.VOLUNTEER_HOURS: ["Helped at the event", "Set up and cleaned up"],
    ContributionKind.TASK: ["Prepared the newsletter", "Booked the venue", "Updated the website"],
    ContributionKind.IN_KIND: ["Donated catering", "Printed the flyers", "Lent the sound system"],
    ContributionKind.SPEAKING: ["Talk at the member breakfast", "Panel at the expo"],
    ContributionKind.MENTORING: ["Mentored a new member", "Coached a student team"],
}
KINDS = [ContributionKind.VOLUNTEER_HOURS] * 4 + [
    ContributionKind.TASK,
    ContributionKind.TASK,
    ContributionKind.IN_KIND,
    ContributionKind.SPEAKING,
    ContributionKind.MENTORING,
]


def seed_contributions(ctx: SeedContext) -> None:
    """Contributions by committee members; pending ones are recent, as in a real queue."""

    rng, today = ctx.rng, ctx.today
    joined = dict(db.session.execute(sa.select(Member.id, Member.joined_on)).all())
    projects: dict[int, list[int]] = {}
    for project_id, committee_id in db.session.execute(
        sa.select(Project.id, Project.committee_id).where(Project.status != ProjectStatus.CANCELLED)
    ):
        projects.setdefault(committee_id, []).append(project_id)
    memberships = [
        (committee_id, member_id)
        for committee_id in active_committee_ids()
        for member_id in ctx.rosters.get(committee_id, [])
    ]
    wanted = TARGET[ctx.size] - ctx.counts.get("contributions", 0)
    now = utcnow()
    hours_choices = [Decimal(q) / 4 for q in (2, 4, 4, 6, 8, 8, 12, 16, 24)]
    rows = []
    events, demo_member, chair = active_committee_ids()[0], ctx.demo["member"], ctx.demo["chair"]
    # The demo accounts' own history first, so the demo always shows both statuses.
    fixed = [(events, demo_member, ContributionStatus.APPROVED)] * 6 + [
        (events, demo_member, ContributionStatus.PENDING)
    ] * 2
    fixed += [(events, m, ContributionStatus.PENDING) for m in ctx.rosters[events][2:6]]
    while len(rows) < wanted:
        if fixed:
            committee_id, member_id, status = fixed.pop(0)
        else:
            committee_id, member_id = rng.choice(memberships)
            status = None
        first = max(joined[member_id], ctx.start)
        if first > today:
            continue
        day = first + timedelta(days=rng.randint(0, (today - first).days))
        if status is None:
            roll = rng.random()
            if (today - day).days < 45 and roll < 0.35:
                status = ContributionStatus.PENDING
            elif roll > 0.97:
                status = ContributionStatus.REJECTED
            else:
                status = ContributionStatus.APPROVED
        elif status is ContributionStatus.PENDING:
            day = max(first, today - timedelta(days=rng.randint(1, 20)))
        kind = rng.choice(KINDS)
        leads = [m for m in ctx.leads.get(committee_id, []) if m != member_id]
        reviewer = leads[0] if leads else ctx.demo["director"]
        if member_id == chair and status is not ContributionStatus.PENDING:
            reviewer = ctx.demo["director"]
        decided = status is not ContributionStatus.PENDING
        reviewed_at = now - timedelta(days=max((today - day).days - 3, 0))
        rows.append(
            {
                "member_id": member_id,
                "committee_id": committee_id,
                "project_id": rng.choice(projects[committee_id])
                if projects.get(committee_id) and rng.random() < 0.6
                else None,
                "shift_signup_id": None,
                "kind": kind,
                "hours": rng.choice(hours_choices),
                "contributed_on": day,
                "description": rng.choice(DESCRIPTIONS[kind]),
                "mode": WorkMode.ONLINE if rng.random() < 0.3 else WorkMode.IN_PERSON,
                "status": status,
                "reviewer_id": reviewer if decided else None,
                "reviewed_at": reviewed_at if decided else None,
                "review_note": "Please log the event hours on the shift instead."
                if status is ContributionStatus.REJECTED
                else "",
                "created_at": now - timedelta(days=(today - day).days),
                "updated_at": now,
            }
        )
    for row in rows:
        if row["kind"] is ContributionKind.IN_KIND:
            # A gift has a value, not hours: priced from the draw, so the random stream (and
            # every other demo row) stays as it was.
            row["value_cents"] = int(row["hours"] * 4) * 2_500
            row["hours"] = row["mode"] = None
        else:
            row["value_cents"] = None
    bulk_insert(Contribution, rows)
    ctx.counts["contributions"] = ctx.counts.get("contributions", 0) + len(rows)


def seed_shift_credits(ctx: SeedContext) -> None:
    """Every attended demo shift earns its approved contribution, as marking it does."""
    rows = db.session.execute(
        sa.select(
            ShiftSignup.id,
            ShiftSignup.member_id,
            ShiftSignup.marked_by_id,
            Shift.project_id,
            Shift.title,
            Shift.starts_at,
            Shift.ends_at,
            Shift.mode,
            Project.committee_id,
        )
        .join(ShiftSignup.shift)
        .join(Shift.project)
        .where(ShiftSignup.status == SignupStatus.ATTENDED)
        .order_by(ShiftSignup.id)
    ).all()
    credited = []
    for row in rows:
        minutes = (row.ends_at - row.starts_at).total_seconds() / 60
        reviewer = row.marked_by_id
        if reviewer == row.member_id:
            reviewer = next(
                (m for m in ctx.leads.get(row.committee_id, []) if m != reviewer),
                ctx.demo["director"],
            )
        credited.append(
            {
                "member_id": row.member_id,
                "committee_id": row.committee_id,
                "project_id": row.project_id,
                "shift_signup_id": row.id,
                "kind": ContributionKind.VOLUNTEER_HOURS,
                "hours": Decimal(round(minutes / 15)) / 4,
                "contributed_on": utc_to_local(row.starts_at).date(),
                "description": f"Shift: {row.title}",
                "mode": row.mode,
                "status": ContributionStatus.APPROVED,
                "reviewer_id": reviewer,
                "reviewed_at": row.ends_at,
                "review_note": "Attendance on the shift",
                "value_cents": None,
                "created_at": row.ends_at,
                "updated_at": row.ends_at,
            }
        )
    bulk_insert(Contribution, credited)
    ctx.counts["contributions"] = ctx.counts.get("contributions", 0) + len(credited)
