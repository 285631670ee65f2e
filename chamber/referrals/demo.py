"""Demo referrals: word of mouth between members who serve together, with realistic outcomes.

Small chamber: a few hundred referrals over the demo months, and the demo member and chair
have referrals given and received (won with a value and a thank-you among them). Large
chamber: 100,000 referrals with their timelines, built as plain dicts and inserted in bulk.
"""

from __future__ import annotations

import collections
import itertools
import math
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from chamber.db import utcnow
from chamber.extensions import db
from chamber.localtime import to_local
from chamber.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferralTemperature,
)
from chamber.seeding import DEMO_EMAIL_DOMAINS, bulk_insert

COUNTS = {"small": 320, "large": 100_000}

NEEDS = [
    "Needs their books tidied up before the end of the tax year.",
    "Opening a second shop and wants help with the lease and fit-out.",
    "Planning a 60-guest anniversary dinner in the spring.",
    "Looking for a reliable cleaner for a three-storey office.",
    "Wants a new website that takes online bookings.",
    "Roof leaks after heavy rain; would like a quote this week.",
    "Moving to town in August and needs a family dentist.",
    "Starting a bakery and needs insurance for the premises and staff.",
    "Hiring two apprentices and wants advice on the paperwork.",
    "Wants a garden redesign with native plants and a small patio.",
    "Needs printed menus and signage for a new café.",
    "Selling the family home and looking for an agent they can trust.",
    "Wants a fitness programme for the staff of a 20-person firm.",
    "Company car fleet due for servicing; five vehicles.",
    "Small law office needs IT support and a backup plan.",
    "Needs photos of the new showroom for the launch.",
    "Wants flowers for a wedding of 120 guests in June.",
    "Looking for a financial planner to discuss retirement.",
    "Needs an electrician to rewire an old workshop.",
    "Planning a company offsite for 35 people with catering.",
    "Wants a marketing plan for the holiday season.",
    "Renovating a kitchen; needs a plumber and a builder.",
    "Needs a vet who does house calls for an older dog.",
    "Looking for a venue and travel arrangements for a conference.",
]
NOTES = [
    "Left a voicemail and sent an e-mail.",
    "Spoke on the phone; booked a visit.",
    "Met at their office, good fit.",
    "Sent a quote.",
    "They went with someone cheaper.",
    "Postponed until next year.",
    "",
    "",
    "",
]
THANK_YOUS = [
    "Thank you so much for thinking of me — this was a great client.",
    "Thanks for the introduction! They have already booked a second job.",
    "Really grateful for the referral. Coffee is on me at the next meeting.",
    "Thank you! Working together on the festival clearly paid off.",
    "Many thanks — a lovely customer and a very smooth job.",
]
WIN_RATE = {"hot": 0.55, "warm": 0.36, "cold": 0.18}
UNREACHABLE_RATE = {"hot": 0.04, "warm": 0.10, "cold": 0.22}
LOST_RATE = 0.22


class _Pools:
    """Prospect names and contacts drawn once from Faker (per-row Faker calls are slow)."""

    def __init__(self, ctx, size: int):
        fake = ctx.fake
        self.people = [(fake.first_name(), fake.last_name()) for _ in range(size)]
        self.companies = [fake.company() for _ in range(size // 4)]
        self.domains = list(DEMO_EMAIL_DOMAINS)
        self.phones = [fake.numerify("+1 555 ### ####") for _ in range(size)]


def _value_cents(rng) -> int:
    """Closed business: a few hundred to tens of thousands of dollars, long-tailed."""
    dollars = rng.lognormvariate(math.log(1800), 1.05)
    dollars = min(max(dollars, 60), 400_000)
    step = 50 if dollars > 1000 else 5
    cents = int(round(dollars / step) * step * 100)
    if rng.random() < 0.15:  # some invoices are not round
        cents += rng.randint(1, 99)
    return cents


def _outcome(rng, temperature: str) -> ReferralStatus | None:
    """The outcome this referral is heading for (None: it stalls open)."""
    roll = rng.random()
    if roll < WIN_RATE[temperature]:
        return ReferralStatus.WON
    roll -= WIN_RATE[temperature]
    if roll < LOST_RATE:
        return ReferralStatus.LOST
    roll -= LOST_RATE
    if roll < UNREACHABLE_RATE[temperature]:
        return ReferralStatus.UNREACHABLE
    return None


def _path(rng, outcome: ReferralStatus | None) -> list[ReferralStatus]:
    """The statuses after 'given', forward only, with the skips real pipelines have."""
    C, M = ReferralStatus.CONTACTED, ReferralStatus.MEETING
    if outcome is ReferralStatus.WON:
        if rng.random() < 0.08:
            return [ReferralStatus.WON]  # the prospect said yes on the first call
        return [C, M, outcome] if rng.random() < 0.85 else [C, outcome]
    if outcome is ReferralStatus.LOST:
        return [C, M, outcome] if rng.random() < 0.55 else [C, outcome]
    if outcome is ReferralStatus.UNREACHABLE:
        return [C, outcome] if rng.random() < 0.3 else [outcome]
    return [C, M][: rng.choice([0, 1, 1, 2])]


class ReferralBuilder:
    """Builds referral rows and their event rows (events kept by row until ids exist)."""

    def __init__(self, ctx, pools: _Pools):
        self.ctx, self.rng, self.pools = ctx, ctx.rng, pools
        self.now = utcnow()
        self.referrals: list[dict] = []
        self.events: dict[int, list[dict]] = {}  # id(row) -> its events

    def add(
        self,
        giver_id: int,
        receiver_id: int,
        committee_id: int | None,
        given_at: datetime,
        *,
        temperature: str | None = None,
        outcome: ReferralStatus | None = None,
        forced: bool = False,
        thank: bool | None = None,
    ) -> None:
        rng, pools = self.rng, self.pools
        if temperature is None:
            roll = rng.random()
            temperature = "hot" if roll < 0.25 else "warm" if roll < 0.75 else "cold"
        if not forced:
            outcome = _outcome(rng, temperature)
        steps = _path(rng, outcome)
        first, last = rng.choice(pools.people)
        name = f"{first} {last}"
        if rng.random() < 0.3:
            name = f"{name} ({rng.choice(pools.companies)})"
        email = f"{first}.{last}@{rng.choice(pools.domains)}".lower() if rng.random() < 0.85 else ""
        phone = rng.choice(pools.phones) if not email or rng.random() < 0.6 else ""
        quick = {"hot": 0.5, "warm": 1.0, "cold": 2.0}[temperature]
        events = [_event(giver_id, None, ReferralStatus.GIVEN, given_at, "")]
        at, status = given_at, ReferralStatus.GIVEN
        for step in steps:
            gap = {
                ReferralStatus.CONTACTED: rng.uniform(0.1, 4) * quick,
                ReferralStatus.MEETING: rng.uniform(2, 18) * quick,
            }.get(step, rng.uniform(3, 45) * quick)
            nxt = at + timedelta(days=gap, minutes=rng.randint(0, 600))
            if nxt > self.now and not forced:
                break  # the rest of this story has not happened yet
            nxt = min(nxt, self.now - timedelta(minutes=5))
            events.append(_event(receiver_id, status, step, nxt, rng.choice(NOTES)))
            at, status = nxt, step
        row = {
            "giver_id": giver_id,
            "receiver_id": receiver_id,
            "prospect_name": name[:120],
            "prospect_email": email,
            "prospect_phone": phone,
            "need": rng.choice(NEEDS),
            "temperature": ReferralTemperature(temperature),
            "how_committee_id": committee_id,
            "how_project_id": None,
            "status": status,
            "closed_value_cents": None,
            "closed_on": None,
            "given_on": to_local(given_at).date(),
            "thank_you_note": "",
            "thanked_at": None,
            "version_id": len(events),
            "created_at": given_at,
            "updated_at": at,
        }
        if status.is_closed:
            row["closed_on"] = at.date()
        if status is ReferralStatus.WON:
            row["closed_value_cents"] = _value_cents(rng)
            if thank is None:
                thank = rng.random() < 0.6
            if thank:
                thanked_at = min(at + timedelta(days=rng.uniform(0.1, 6)), self.now)
                row["thank_you_note"] = rng.choice(THANK_YOUS)
                row["thanked_at"] = thanked_at
                row["updated_at"] = thanked_at
        self.referrals.append(row)
        self.events[id(row)] = events

    def insert(self, bulk_insert) -> tuple[int, int]:
        """Insert the referrals, read their ids back (in insertion order), then the events."""
        self.referrals.sort(key=lambda row: row["created_at"])  # ids follow time, as in life
        # Core inserts on the tables (not the mapped classes): one executemany per batch,
        # where the ORM's bulk path splits rows by which columns are None.
        bulk_insert(Referral.__table__, self.referrals)
        # The seed runs on an empty database, so every referral row is one of ours, and ids
        # follow the order of the inserts.
        ids = db.session.scalars(sa.select(Referral.id).order_by(Referral.id)).all()
        event_rows = []
        for row, referral_id in zip(self.referrals, ids, strict=True):
            for event in self.events[id(row)]:
                event["referral_id"] = referral_id
                event_rows.append(event)
        bulk_insert(ReferralEvent.__table__, event_rows)
        return len(self.referrals), len(event_rows)


def _event(actor_id, from_status, to_status, at: datetime, note: str) -> dict:
    return {
        "actor_id": actor_id,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
        "created_at": at,
    }


def _given_at(ctx, *, min_age_days: int = 0, max_age_days: int | None = None) -> datetime:
    """A working-hours moment within the demo period (UTC)."""
    span = max_age_days if max_age_days is not None else (ctx.today - ctx.start).days
    age = ctx.rng.randint(min_age_days, max(span, min_age_days))
    day = ctx.today - timedelta(days=age)
    at = datetime.combine(day, time(13, 0)) + timedelta(minutes=ctx.rng.randint(0, 9 * 60))
    return min(at, utcnow() - timedelta(hours=1))


#: Share of referrals passed between people who serve on one committee; the rest go through
#: everyday word of mouth to any member.
WITHIN_COMMITTEE = 0.5


def _demand(ctx) -> dict[int, float]:
    """How often people ask for each member's trade: uneven (long-tailed) and mostly unrelated
    to volunteering, so the demo's hours-to-referrals effect is moderate and noisy, as real
    data would be, with members who break the pattern: busy volunteers whose trade nobody
    asks for, and quiet members everyone sends customers to. The demo is synthetic."""
    rng = ctx.rng
    active_ids = set(ctx.member_ids) - set(ctx.demo.values())
    committees_of = collections.Counter(m for roster in ctx.rosters.values() for m in roster)
    demand = {}
    for member_id in sorted(active_ids):
        weight = rng.lognormvariate(0, 0.7)
        roll = rng.random()
        if committees_of[member_id] >= 2 and roll < 0.15:
            weight *= 0.1  # a busy volunteer in a trade few people need
        elif roll > 0.93:
            weight *= 5  # a quiet member whose trade is always in demand
        demand[member_id] = weight
    return demand


def seed_referrals(ctx) -> None:
    """Referrals between members who share a committee, plus the demo accounts' own story."""
    rng = ctx.rng
    n = COUNTS[ctx.size]
    builder = ReferralBuilder(ctx, _Pools(ctx, 400 if ctx.size == "small" else 3000))
    committees = [c for c, roster in ctx.rosters.items() if len(roster) >= 2]
    _demo_story(ctx, builder)
    demo_ids = set(ctx.demo.values())
    span = (ctx.today - ctx.start).days
    cum_weights = list(itertools.accumulate(len(ctx.rosters[c]) for c in committees))
    demand = _demand(ctx)
    everyone = sorted(demand)
    everyone_weights = list(itertools.accumulate(demand[m] for m in everyone))
    while len(builder.referrals) < n:
        for committee_id in rng.choices(committees, cum_weights=cum_weights, k=1000):
            roster = ctx.rosters[committee_id]
            giver_id = rng.choice(roster)
            if rng.random() < WITHIN_COMMITTEE:
                # Word of mouth between people who work together, to the ones whose trade
                # is asked for.
                receiver_id = rng.choices(roster, weights=[demand.get(m, 0) for m in roster])[0]
                how = committee_id if rng.random() < 0.75 else None
            else:
                # Everyday word of mouth: a neighbour, a customer, a friend of a friend.
                receiver_id = rng.choices(everyone, cum_weights=everyone_weights)[0]
                how = None
            if receiver_id == giver_id or demo_ids & {giver_id, receiver_id}:
                continue  # the demo accounts have their curated story, not a random one
            # Referrals grow with the relationships behind them: more in recent months.
            age = int(span * (1 - math.sqrt(rng.random())))
            given_at = _given_at(ctx, min_age_days=age, max_age_days=age)
            builder.add(giver_id, receiver_id, how, given_at)
            if len(builder.referrals) == n:
                break
    referrals, events = builder.insert(bulk_insert)
    ctx.counts["referrals"] = referrals
    ctx.counts["referral events"] = events


def _demo_story(ctx, builder: ReferralBuilder) -> None:
    """The demo member and chair: given and received, open and won, valued and thanked."""
    rng = ctx.rng
    member, chair = ctx.demo["member"], ctx.demo["chair"]
    shared = [c for c, roster in ctx.rosters.items() if member in roster and chair in roster]
    how = shared[0] if shared else None
    W, L, U = ReferralStatus.WON, ReferralStatus.LOST, ReferralStatus.UNREACHABLE
    # Between the two demo accounts (they serve together on two committees).
    between = [
        (chair, member, ("hot", W, True, 120, 200)),
        (member, chair, ("warm", W, True, 60, 90)),
        (member, chair, ("hot", None, None, 1, 3)),
    ]
    for giver, receiver, story in between:
        _add_story(ctx, builder, giver, receiver, how, story)
    for person in (member, chair):
        colleagues = sorted(
            {m for roster in ctx.rosters.values() if person in roster for m in roster}
            - set(ctx.demo.values())
        )
        committee_of = {
            m: c for c, roster in ctx.rosters.items() if person in roster for m in roster
        }
        plan = [
            ("received", "hot", W, True, 150, 300),
            ("received", "warm", W, False, 30, 80),
            ("received", "warm", L, None, 90, 200),
            ("received", "cold", U, None, 40, 120),
            ("received", "hot", None, None, 0, 4),
            ("received", "warm", None, None, 5, 12),
            ("given", "hot", W, True, 100, 250),
            ("given", "warm", W, False, 20, 60),
            ("given", "cold", L, None, 60, 160),
            ("given", "warm", None, None, 2, 9),
        ]
        for direction, *story in plan:
            other = rng.choice(colleagues)
            giver, receiver = (other, person) if direction == "received" else (person, other)
            _add_story(ctx, builder, giver, receiver, committee_of.get(other), story)


def _add_story(ctx, builder: ReferralBuilder, giver: int, receiver: int, how, story) -> None:
    """One referral of the demo accounts' story, told whole: `story` is its temperature,
    outcome, whether it is thanked, and how many days ago it was given (at least, at most)."""
    temperature, outcome, thank, min_age, max_age = story
    builder.add(
        giver,
        receiver,
        how,
        _given_at(ctx, min_age_days=min_age, max_age_days=max_age),
        temperature=temperature,
        outcome=outcome,
        forced=True,
        thank=thank,
    )
