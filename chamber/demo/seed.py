"""The demo chamber: realistic members, committees and their history, small or large.

Each feature adds one step to SEED_STEPS. Steps insert in bulk (Core `insert` with lists of
rows) so the large chamber seeds in well under three minutes on SQLite.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from faker import Faker

from chamber.auth.passwords import hash_password
from chamber.committees.models import (
    Committee,
    CommitteeMembership,
    CommitteeRole,
    JoinRequest,
    JoinRequestStatus,
)
from chamber.contributions.demo import seed_contributions
from chamber.db import utcnow
from chamber.demo.context import DEMO_EMAIL_DOMAINS, SIZES, SeedContext, bulk_insert
from chamber.extensions import db
from chamber.meetings.demo import seed_meetings
from chamber.members.models import Member, new_session_token
from chamber.one_to_ones.demo import seed_one_to_ones
from chamber.projects.demo import seed_projects
from chamber.referrals.demo import seed_referrals
from chamber.relationships.demo import seed_relationships

DEMO_PASSWORD = "chamber-demo"  # noqa: S105 - the documented demo password (DESIGN.md)


CATEGORIES = [
    "Accounting",
    "Architecture",
    "Auto repair",
    "Bakery",
    "Banking",
    "Bookshop",
    "Catering",
    "Childcare",
    "Cleaning services",
    "Coffee shop",
    "Construction",
    "Dental care",
    "Electrician",
    "Event planning",
    "Financial planning",
    "Fitness",
    "Florist",
    "Graphic design",
    "Hair salon",
    "Hardware store",
    "Health clinic",
    "Hotel",
    "Insurance",
    "IT services",
    "Landscaping",
    "Law firm",
    "Marketing",
    "Photography",
    "Physiotherapy",
    "Plumbing",
    "Printing",
    "Real estate",
    "Restaurant",
    "Retail clothing",
    "Roofing",
    "Software",
    "Travel agency",
    "Veterinary",
    "Web design",
    "Wine shop",
]

COMMITTEE_NAMES = [
    ("Community Events", "Bring the town together through festivals, markets and fun runs."),
    ("Ambassadors", "Welcome new members and help them find their place in the chamber."),
    ("Education & Workforce", "Connect schools and employers; mentor the next generation."),
    ("Small Business Council", "Practical help and advocacy for owner-run businesses."),
    ("Downtown Revitalization", "Clean, green and lively streets that bring customers back."),
    ("Government Affairs", "Speak for local business at city hall, with facts and respect."),
    ("Women in Business", "Peer support, mentoring and visibility for women leaders."),
    ("Young Professionals", "Develop the chamber's next leaders through service and learning."),
    ("Tourism & Hospitality", "Make visitors stay longer and come back."),
    ("Health & Wellness", "Healthier workplaces and a healthier town."),
    ("Sustainability", "Help members cut waste and energy costs."),
    ("Arts & Culture", "Support the artists and venues that make the town worth visiting."),
]

CITIES = ["Riverside", "Millbrook", "Oak Harbor", "Cedar Falls", "Fairview", "Lakeside"]


def database_has_members() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Member)) > 0


_BIO_OPENINGS = [
    "{business} has served {city} since {year}.",
    "I started {business} in {year} after years in the trade.",
    "{business} is a family business in {city}, founded in {year}.",
    "We opened {business} in {year} to serve our neighbours in {city}.",
]
_BIO_FOCUS = [
    "We specialise in {category} for local families and small businesses.",
    "Most of our customers come to us by word of mouth, and we like it that way.",
    "I volunteer because this town gave my business its start.",
    "Ask me about {category} — I am happy to give a second opinion.",
    "We hire locally and train young people from the high school.",
]


def _bio(rng: random.Random, business: str, category: str, city: str) -> str:
    values = {
        "business": business,
        "category": category.lower(),
        "city": city,
        "year": rng.randint(1985, 2023),
    }
    return " ".join(
        [
            rng.choice(_BIO_OPENINGS).format(**values),
            *(line.format(**values) for line in rng.sample(_BIO_FOCUS, 2)),
        ]
    )


_COMMITTEE_DESCRIPTIONS = [
    "We meet once a month, mostly in person, and work in small teams between meetings.",
    "New members are welcome: most of our work is hands-on and takes a few hours a month.",
    "Our projects run through the year; each has a lead and a list of volunteer shifts.",
]


def _website(fake: Faker, business: str) -> str:
    slug = "".join(ch for ch in business.lower() if ch.isalnum())[:24] or fake.domain_word()
    return f"https://www.{slug}.example"


def seed_members(ctx: SeedContext) -> None:
    """Members: the three demo accounts first, then realistic businesses."""
    n = SIZES[ctx.size]["members"]
    password_hash = hash_password(DEMO_PASSWORD)
    fake, rng = ctx.fake, ctx.rng
    demo_rows = [
        (
            "director",
            "director@example.com",
            "Diane Whitfield",
            "Riverside Chamber of Commerce",
            "Membership organisation",
            True,
        ),
        ("chair", "chair@example.com", "Carlos Mendes", "Mendes Catering", "Catering", False),
        ("member", "member@example.com", "Maya Patel", "Patel Bookkeeping", "Accounting", False),
    ]
    rows = []
    for _key, email, name, business, category, staff in demo_rows:
        rows.append(
            {
                "email": email,
                "password_hash": password_hash,
                "full_name": name,
                "business_name": business,
                "category": category,
                "city": "Riverside",
                "phone": "+1 555 010 " + str(1000 + len(rows)),
                "website": _website(fake, business),
                "bio": _bio(rng, business, category, "Riverside"),
                "is_staff": staff,
                "is_listed": True,
                "joined_on": ctx.start - timedelta(days=400),
                "is_active": True,
                "session_token": new_session_token(),
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "version_id": 1,
            }
        )
    emails = {row["email"] for row in rows}
    while len(rows) < n:
        first, last = fake.first_name(), fake.last_name()
        email = f"{first}.{last}{rng.randint(1, 999)}@{rng.choice(DEMO_EMAIL_DOMAINS)}".lower()
        if email in emails:
            continue
        emails.add(email)
        category, city = rng.choice(CATEGORIES), rng.choice(CITIES)
        business = rng.choice(
            [
                f"{last} {category}",
                f"{fake.company()}",
                f"{first}'s {category}",
                f"{rng.choice(CITIES)} {category}",
            ]
        )
        rows.append(
            {
                "email": email,
                "password_hash": password_hash,
                "full_name": f"{first} {last}",
                "business_name": business[:160],
                "category": category,
                "city": city,
                "phone": fake.numerify("+1 555 ### ####"),
                "website": _website(fake, business),
                "bio": _bio(rng, business, category, city) if rng.random() < 0.7 else "",
                "is_staff": rng.random() < 0.004,
                "is_listed": rng.random() < 0.75,
                "joined_on": ctx.today - timedelta(days=rng.randint(30, 365 * 8)),
                "is_active": rng.random() > 0.04,
                "session_token": new_session_token(),
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "version_id": 1,
            }
        )
    bulk_insert(Member, rows)
    ids = {
        email: member_id
        for email, member_id in db.session.execute(sa.select(Member.email, Member.id))
    }
    ctx.member_ids = sorted(ids.values())
    ctx.demo = {key: ids[email] for key, email, *_ in demo_rows}
    ctx.counts["members"] = len(rows)


def seed_committees(ctx: SeedContext) -> None:
    """Committees with chairs (some co-chairs), leads and members; a few join requests."""
    rng, fake = ctx.rng, ctx.fake
    n = SIZES[ctx.size]["committees"]
    names = list(COMMITTEE_NAMES)
    while len(names) < n:
        topic = fake.unique.catch_phrase().split()[-1].capitalize()
        names.append((f"{topic} Committee {len(names) + 1}", fake.sentence(nb_words=9)))
    committee_rows = []
    for index, (name, mission) in enumerate(names[:n]):
        slug = "-".join(name.lower().replace("&", "and").split())
        slug = "".join(ch for ch in slug if ch.isalnum() or ch == "-")
        committee_rows.append(
            {
                "name": name,
                "slug": slug,
                "mission": mission,
                "description": f"{mission} " + " ".join(rng.sample(_COMMITTEE_DESCRIPTIONS, 2)),
                "is_archived": index == n - 1 and ctx.size == "small",
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "version_id": 1,
            }
        )
    bulk_insert(Committee, committee_rows)
    ctx.committee_ids = list(db.session.scalars(sa.select(Committee.id).order_by(Committee.id)))
    active_ids = ctx.committee_ids[: n - 1] if ctx.size == "small" else ctx.committee_ids

    ordinary = [m for m in ctx.member_ids if m not in ctx.demo.values()]
    membership_rows = []
    for committee_id in ctx.committee_ids:
        size = rng.randint(10, 18) if ctx.size == "small" else rng.randint(25, 90)
        people = rng.sample(ordinary, min(size, len(ordinary)))
        chairs = people[: rng.choice([1, 1, 2])]
        leads = people[len(chairs) : len(chairs) + rng.randint(0, 2)]
        ctx.rosters[committee_id] = people
        ctx.leads[committee_id] = chairs + leads
        for member_id in people:
            role = (
                CommitteeRole.CHAIR
                if member_id in chairs
                else CommitteeRole.LEAD
                if member_id in leads
                else CommitteeRole.MEMBER
            )
            membership_rows.append(
                {
                    "committee_id": committee_id,
                    "member_id": member_id,
                    "role": role,
                    "since_on": ctx.random_day(),
                }
            )
    # The demo chair chairs the first committee (Community Events); the demo member serves
    # on it and on the second one, so the demo accounts share committee work.
    events, ambassadors = active_ids[0], active_ids[1]
    for committee_id, member_id, role in (
        (events, ctx.demo["chair"], CommitteeRole.CHAIR),
        (events, ctx.demo["member"], CommitteeRole.MEMBER),
        (ambassadors, ctx.demo["member"], CommitteeRole.MEMBER),
        (ambassadors, ctx.demo["chair"], CommitteeRole.MEMBER),
    ):
        membership_rows.append(
            {
                "committee_id": committee_id,
                "member_id": member_id,
                "role": role,
                "since_on": ctx.start,
            }
        )
        ctx.rosters[committee_id].insert(0, member_id)
        if role.leads:
            ctx.leads[committee_id].insert(0, member_id)
    bulk_insert(CommitteeMembership, membership_rows)

    join_rows = []
    for committee_id in active_ids[: max(3, n // 3)]:
        outsiders = [m for m in ordinary if m not in set(ctx.rosters[committee_id])]
        for member_id in rng.sample(outsiders, 2):
            join_rows.append(
                {
                    "committee_id": committee_id,
                    "member_id": member_id,
                    "message": rng.choice(
                        ["", "I would love to help with this.", "I have time on weekday evenings."]
                    ),
                    "status": JoinRequestStatus.PENDING,
                    "created_at": utcnow(),
                }
            )
    bulk_insert(JoinRequest, join_rows)
    ctx.counts["committees"] = len(committee_rows)
    ctx.counts["committee memberships"] = len(membership_rows)


SEED_STEPS: list[Callable[[SeedContext], None]] = [
    seed_members,
    seed_committees,
    seed_meetings,
    seed_projects,
    seed_contributions,
    seed_one_to_ones,
    seed_referrals,
    seed_relationships,  # last: the ties follow from everything seeded above
]


def seed_chamber(
    *, size: str = "small", seed: int = 2026, echo=lambda _message: None
) -> dict[str, int]:
    """Run every step in one transaction and commit; returns row counts by kind."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    ctx = SeedContext(
        size=size,
        rng=random.Random(seed),
        fake=fake,
        today=date.today(),
        months=SIZES[size]["months"],
        echo=echo,
    )
    import click

    with click.progressbar(
        SEED_STEPS,
        label=f"Seeding the {size} demo chamber",
        item_show_func=lambda step: step.__name__ if step else "",
    ) as steps:
        for step in steps:
            step(ctx)
    db.session.commit()
    return ctx.counts
