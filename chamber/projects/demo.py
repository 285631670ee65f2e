"""Demo data: committee projects, their shifts, sign-ups and the hours attended shifts earned."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from chamber.db import utcnow
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import local_to_utc, utc_to_local
from chamber.meetings.demo import active_committee_ids
from chamber.members.models import Member
from chamber.projects.models import Project, ProjectStatus, Shift, ShiftSignup, SignupStatus
from chamber.seeding import SeedContext, bulk_insert

TARGET = {"small": 4, "large": 600}  # small: projects per committee; large: in all
PROJECT_NAMES = [
    "Spring Clean-up Day",
    "Farmers' Market Welcome Tent",
    "Holiday Lights on Main Street",
    "Summer Reading Challenge",
    "Career Day at Riverside High",
    "Small Business Saturday",
    "Food Bank Drive",
    "Heritage Walking Tours",
    "Park Bench Restoration",
    "5K Fun Run",
    "Mentoring Circle",
    "Shop Local Passport",
]
# What each project is, in the words a chamber would use (issue 11: no filler text).
PROJECT_SUMMARIES = {
    "Spring Clean-up Day": "Volunteers from member businesses clear litter from Riverside Park "
    "and the river path, then plant the flower beds on Main Street.",
    "Farmers' Market Welcome Tent": "A chamber tent at the Saturday market: directions, the "
    "business directory and a word for newcomers about local shops.",
    "Holiday Lights on Main Street": "Members hang the holiday lights on Main Street's lamp "
    "posts and storefronts and take them down again in January.",
    "Summer Reading Challenge": "With the library, member businesses sponsor prizes and "
    "volunteers run the reading log table on Saturday mornings.",
    "Career Day at Riverside High": "Members talk to students about their trades, and run mock "
    "interviews and a CV clinic in the school hall.",
    "Small Business Saturday": "A day to shop local: window posters, a shop map and volunteers "
    "greeting visitors along Main Street.",
    "Food Bank Drive": "Collection boxes in member shops, a weekend of sorting at the food bank "
    "and delivery runs with members' vans.",
    "Heritage Walking Tours": "Volunteer guides lead walks past the town's historic buildings and "
    "the businesses that have traded there for generations.",
    "Park Bench Restoration": "Sanding, repairing and repainting the park's benches, with timber "
    "and paint donated by member businesses.",
    "5K Fun Run": "A family run along the river: registration desk, water stations and "
    "marshals, with member businesses sponsoring the medals.",
    "Mentoring Circle": "Experienced owners meet new members online each month to talk through "
    "pricing, hiring and finding customers.",
    "Shop Local Passport": "Visitors collect stamps at participating shops; volunteers hand out "
    "passports and draw the prize winners.",
}
SHIFT_TITLES = ["Set-up crew", "Welcome desk", "Clean-up crew", "Info booth", "Online help desk"]


def seed_projects(ctx: SeedContext) -> None:
    """Projects (the demo chair's committee has an active one with open shifts ahead)."""

    rng, today = ctx.rng, ctx.today
    committees = active_committee_ids()
    plan: list[int] = []
    if ctx.size == "small":
        for committee_id in committees:
            plan += [committee_id] * TARGET["small"]
    else:
        plan = [committees[i % len(committees)] for i in range(TARGET["large"])]
    now = utcnow()
    rows = []
    for index, committee_id in enumerate(plan):
        starts_on = ctx.random_day()
        ends_on = starts_on + timedelta(days=rng.randint(14, 180))
        if ends_on < today:
            status = rng.choice([ProjectStatus.COMPLETED] * 5 + [ProjectStatus.CANCELLED])
        elif starts_on > today - timedelta(days=7) and rng.random() < 0.3:
            status = ProjectStatus.PROPOSED
        else:
            status = ProjectStatus.ACTIVE
        if index == 0:  # the demo chair's committee: an active project running now
            starts_on, ends_on, status = (
                today - timedelta(days=45),
                today + timedelta(days=60),
                (ProjectStatus.ACTIVE),
            )
        name = PROJECT_NAMES[index % len(PROJECT_NAMES)]
        if index >= len(PROJECT_NAMES):
            name = f"{name} {starts_on.year}"
        rows.append(
            {
                "committee_id": committee_id,
                "name": name,
                "summary": PROJECT_SUMMARIES[PROJECT_NAMES[index % len(PROJECT_NAMES)]],
                "status": status,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk_insert(Project, rows)
    project_ids = list(db.session.scalars(sa.select(Project.id).order_by(Project.id)))
    ctx.counts["projects"] = len(rows)
    _seed_shifts(ctx, list(zip(project_ids, rows, strict=True)))


def _seed_shifts(ctx: SeedContext, projects: list[tuple[int, dict]]) -> None:

    rng, now = ctx.rng, utcnow()
    shifts = []
    for project_id, project in projects:
        if project["status"] in (ProjectStatus.PROPOSED, ProjectStatus.CANCELLED):
            continue
        span = max((project["ends_on"] - project["starts_on"]).days, 1)
        for _ in range(rng.randint(2, 5)):
            day = project["starts_on"] + timedelta(days=rng.randint(0, span))
            if project["status"] is ProjectStatus.COMPLETED and day > ctx.today:
                day = ctx.today - timedelta(days=rng.randint(1, 30))
            starts_at = local_to_utc(datetime.combine(day, time(rng.choice([9, 10, 13, 17]))))
            mode = WorkMode.ONLINE if rng.random() < 0.15 else WorkMode.IN_PERSON
            shifts.append(
                {
                    "project_id": project_id,
                    "committee_id": project["committee_id"],
                    "title": "Online help desk"
                    if mode is WorkMode.ONLINE
                    else rng.choice(SHIFT_TITLES[:4]),
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=rng.choice([90, 120, 180, 240])),
                    "place": "" if mode is WorkMode.ONLINE else "Riverside Park pavilion",
                    "mode": mode,
                    "slots": rng.randint(3, 10),
                    "created_at": now,
                    "updated_at": now,
                }
            )
    bulk_insert(Shift, [{k: v for k, v in s.items() if k != "committee_id"} for s in shifts])
    shift_ids = list(db.session.scalars(sa.select(Shift.id).order_by(Shift.id)))
    signups, taken = [], {}
    joined = dict(db.session.execute(sa.select(Member.id, Member.joined_on)).all())
    for shift_id, shift in zip(shift_ids, shifts, strict=True):
        roster = ctx.rosters.get(shift["committee_id"], [])
        is_past = shift["starts_at"] < now
        for member_id in rng.sample(roster, min(len(roster), rng.randint(0, shift["slots"]))):
            # One sign-up per member and day keeps the demo free of overlapping shifts.
            key = (member_id, shift["starts_at"].date())
            if key in taken or joined[member_id] > key[1]:
                continue
            taken[key] = shift_id
            if is_past:
                status = SignupStatus.ATTENDED if rng.random() < 0.85 else SignupStatus.NO_SHOW
            else:
                status = SignupStatus.SIGNED_UP
            signups.append(
                {
                    "shift_id": shift_id,
                    "member_id": member_id,
                    "status": status,
                    "marked_by_id": ctx.leads.get(shift["committee_id"], [None])[0]
                    if is_past
                    else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    bulk_insert(ShiftSignup, signups)
    ctx.counts["shifts"] = len(shifts)
    ctx.counts["shift sign-ups"] = len(signups)


def _local_day(starts_at: datetime) -> date:
    return utc_to_local(starts_at).date()
