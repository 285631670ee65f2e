"""Demo data: one-to-ones between members who serve together, mostly confirmed."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from chamber.db import utcnow
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.members.models import Member
from chamber.one_to_ones.models import OneToOne, OneToOneStatus
from chamber.seeding import SeedContext, bulk_insert

TARGET = {"small": 300, "large": 20_000}
NOTES = [
    "Coffee at the bakery",
    "Walked through each other's services",
    "Lunch after the meeting",
    "",
]


def seed_one_to_ones(ctx: SeedContext) -> None:
    """Pairs mostly from a shared committee; the demo member has one waiting to confirm."""

    rng, today, now = ctx.rng, ctx.today, utcnow()
    joined = dict(db.session.execute(sa.select(Member.id, Member.joined_on)).all())
    rosters = [roster for roster in ctx.rosters.values() if len(roster) >= 2]
    rows, seen = [], set()
    fixed = [(ctx.demo["chair"], ctx.demo["member"], OneToOneStatus.PENDING)]
    fixed.append((ctx.demo["member"], ctx.demo["chair"], OneToOneStatus.CONFIRMED))
    attempts = 0
    while len(rows) < TARGET[ctx.size] and attempts < TARGET[ctx.size] * 5:
        attempts += 1
        if fixed:
            logged_by, partner, status = fixed.pop(0)
        else:
            if rng.random() < 0.85:
                logged_by, partner = rng.sample(rng.choice(rosters), 2)
            else:
                logged_by, partner = rng.sample(ctx.member_ids, 2)
            status = None
        first = max(joined[logged_by], joined[partner], ctx.start)
        if first > today:
            continue
        day = first + timedelta(days=rng.randint(0, (today - first).days))
        if status is OneToOneStatus.PENDING:
            day = today - timedelta(days=2)
        key = (min(logged_by, partner), max(logged_by, partner), day)
        if key in seen:
            continue
        seen.add(key)
        if status is None:
            roll = rng.random()
            recent = (today - day).days < 30
            status = (
                OneToOneStatus.PENDING
                if recent and roll < 0.5
                else OneToOneStatus.DECLINED
                if roll > 0.95
                else OneToOneStatus.CONFIRMED
            )
        rows.append(
            {
                "logged_by_id": logged_by,
                "partner_id": partner,
                "met_on": day,
                "mode": WorkMode.ONLINE if rng.random() < 0.25 else WorkMode.IN_PERSON,
                "note": rng.choice(NOTES),
                "status": status,
                "created_at": now - timedelta(days=(today - day).days),
                "responded_at": None if status is OneToOneStatus.PENDING else now,
            }
        )
    bulk_insert(OneToOne, rows)
    ctx.counts["one-to-ones"] = len(rows)
