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
from chamber.contributions.demo import seed_contributions, seed_shift_credits
from chamber.db import utcnow
from chamber.extensions import db
from chamber.meetings.demo import seed_meetings
from chamber.members.models import (
    Affiliation,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Member,
    new_session_token,
)
from chamber.one_to_ones.demo import seed_one_to_ones
from chamber.projects.demo import seed_projects
from chamber.referrals.demo import seed_referrals
from chamber.relationships.demo import seed_relationships
from chamber.seeding import DEMO_EMAIL_DOMAINS, SIZES, SeedContext, bulk_insert

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

# The large demo chamber's further committees: what chambers really run.
MORE_COMMITTEE_NAMES = [
    ("Membership Retention", "Call members before renewal and learn why some leave."),
    ("Business After Hours", "Host the monthly evening mixer at a different member's shop."),
    ("Holiday Lights", "Light up Main Street in December with the merchants."),
    ("Farmers Market", "Run the Saturday market and find growers new customers."),
    ("Scholarship Fund", "Raise and award scholarships for graduating seniors."),
    ("Leadership Academy", "A year-long course for emerging leaders in town."),
    ("Ribbon Cuttings", "Celebrate every new business and expansion with a ribbon cutting."),
    ("Annual Awards Gala", "Plan the dinner that honours the year's best businesses."),
    ("Golf Outing", "Organise the spring golf tournament that funds our programmes."),
    ("Parking & Transit", "Work with the city on parking, buses and bike lanes downtown."),
    ("Public Safety", "Partner with police and fire on safer streets and events."),
    ("Manufacturing Council", "A voice and a meeting place for the area's makers."),
    ("Agribusiness", "Link farms, food processors and the businesses that serve them."),
    ("Real Estate & Development", "Track vacancies and help businesses find the right space."),
    ("Technology Council", "Help members adopt the tools that save them time."),
    ("Nonprofit Partners", "Bring charities and businesses together on shared causes."),
    ("Faith & Community", "Connect congregations and businesses on volunteering days."),
    ("Veterans in Business", "Support veteran-owned businesses and hiring veterans."),
    ("Hispanic Business Council", "Bilingual help and connections for Hispanic-owned firms."),
    ("Minority Business Council", "Open doors to contracts and capital for minority owners."),
    ("Family Business Forum", "Succession, family and growth: peers who have been there."),
    ("Entrepreneurs Roundtable", "Founders of young businesses trading advice monthly."),
    ("Retail Merchants", "Joint promotions and shop-local campaigns for retailers."),
    ("Restaurant Row", "Food and drink businesses working on events and staffing."),
    ("Healthcare Council", "Clinics, pharmacies and care providers planning together."),
    ("Trades & Construction", "Apprenticeships and work for local builders and trades."),
    ("Professional Services", "Accountants, lawyers and advisers sharing know-how."),
    ("Finance & Banking", "Financial literacy workshops and access to capital."),
    ("Hospitality Workforce", "Recruit and train staff for hotels and restaurants."),
    ("Summer Concert Series", "Free Thursday concerts in the park, June to August."),
    ("Fun Run", "Organise the autumn 5K that raises money for the food bank."),
    ("Clean Streets", "Monthly litter picks and planters along the high street."),
    ("Beautification", "Flower baskets, murals and storefront improvement grants."),
    ("Historic District", "Preserve the old town and its businesses together."),
    ("Riverfront", "Bring people and business to the river walk."),
    ("Wayfinding & Signage", "Help visitors find downtown shops and parking."),
    ("Shop Local Campaign", "Gift cards and promotions that keep spending in town."),
    ("Marketing & Communications", "Tell the chamber's story in print, online and on radio."),
    ("Newsletter", "Write and edit the monthly member newsletter."),
    ("Member Benefits", "Negotiate discounts and services for member businesses."),
    ("Finance & Audit", "Keep the chamber's own books honest and its budget sound."),
    ("Bylaws & Governance", "Review the bylaws and run the board elections."),
    ("Strategic Planning", "Draft the chamber's three-year plan with the board."),
    ("Diversity & Inclusion", "Make every member welcome and every event accessible."),
    ("Childcare Solutions", "Work with employers on childcare for their staff."),
    ("Housing Task Force", "Push for homes that local workers can afford."),
    ("Broadband Task Force", "Bring fast internet to every business park."),
    ("Workforce Housing Fund", "Raise money for housing grants for local employees."),
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


# Businesses of several people: (name, category, [(full name, job title), ...]). The demo
# chair and member represent the first two, with a colleague each.
_TEAMS = [
    (
        "Mendes Catering",
        "Catering",
        [("Carlos Mendes", "Owner and chef"), ("Ana Mendes", "Events manager")],
    ),
    ("Patel Bookkeeping", "Accounting", [("Maya Patel", "Founder"), ("Ravi Kumar", "Bookkeeper")]),
    (
        "Riverside Community Bank",
        "Banking",
        [
            ("Helen Okafor", "Branch manager"),
            ("Marcus Lindqvist", "Business banking advisor"),
            ("Priya Raman", "Loan officer"),
            ("Tom Becker", "Community relations"),
        ],
    ),
    (
        "Lakeside Family Clinic",
        "Health clinic",
        [
            ("Dr. Sofia Alvarez", "Medical director"),
            ("Grace Thompson", "Practice manager"),
            ("Daniel Cho", "Nurse practitioner"),
        ],
    ),
    (
        "Hartley & Osei Law",
        "Law firm",
        [
            ("Eleanor Hartley", "Managing partner"),
            ("Kwame Osei", "Partner"),
            ("Lucy Park", "Associate"),
        ],
    ),
]
_JOB_TITLES = ["Owner", "Founder", "Managing director", "Office manager", "Sales lead", "Partner"]
_COLLEAGUE_TITLES = ["Office manager", "Sales lead", "Operations manager", "Associate", "Partner"]


def _timestamps() -> dict:
    now = utcnow()
    return {"created_at": now, "updated_at": now, "version_id": 1}


def seed_members(ctx: SeedContext) -> None:
    """Businesses and their people: the three demo accounts (staff, and two people of small
    businesses), a bank, a clinic and a law firm of several people, then realistic local
    businesses of one to three people; a few memberships lapsed or dropped."""
    n = SIZES[ctx.size]["members"]
    password_hash = hash_password(DEMO_PASSWORD)
    fake, rng = ctx.fake, ctx.rng
    since = ctx.start - timedelta(days=400)
    businesses: list[dict] = []  # Business rows
    people: list[dict] = []  # Member rows, "business" = index into businesses
    emails: set[str] = set()

    def add_business(name: str, category: str, city: str, joined_on, **extra) -> int:
        businesses.append(
            {
                "name": name[:160],
                "category": category,
                "city": city,
                "address": f"{rng.randint(1, 999)} {fake.street_name()}, {city}",
                "website": _website(fake, name),
                "phone": fake.numerify("+1 555 ### ####"),
                "description": _bio(rng, name, category, city),
                "joined_on": joined_on,
                "status": BusinessStatus.ACTIVE,
                "is_listed": True,
                **_timestamps(),
            }
            | extra
        )
        return len(businesses) - 1

    def add_person(email: str, name: str, business: int | None, **extra) -> None:
        emails.add(email)
        people.append(
            {
                "email": email,
                "password_hash": password_hash,
                "full_name": name,
                "job_title": "",
                "phone": fake.numerify("+1 555 ### ####"),
                "bio": "",
                "business": business,
                "is_primary_contact": business is not None
                and not any(p["business"] == business for p in people[-4:]),
                "is_staff": False,
                "is_listed": True,
                "is_deactivated": False,
                "joined_on": since,
                "session_token": new_session_token(),
                **_timestamps(),
            }
            | extra
        )

    def demo_email(name: str) -> str:
        plain = "".join(ch for ch in name.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
        return f"{plain.removeprefix('dr.')}@{rng.choice(DEMO_EMAIL_DOMAINS)}"

    add_person(
        "director@example.com",
        "Diane Whitfield",
        None,
        job_title="Executive director",
        is_staff=True,
        bio="I run the chamber's office and its calendar; ask me anything about membership.",
    )
    demo_accounts = {"chair": "chair@example.com", "member": "member@example.com"}
    for index, (name, category, team) in enumerate(_TEAMS):
        business = add_business(name, category, "Riverside", since - timedelta(days=300 * index))
        for position, (full_name, title) in enumerate(team):
            key = ("chair", "member")[index] if index < 2 and position == 0 else None
            add_person(
                demo_accounts[key] if key else demo_email(full_name),
                full_name,
                business,
                job_title=title,
                bio=_bio(rng, name, category, "Riverside") if position == 0 else "",
                is_listed=position < 2,
            )
    while len(people) < n:
        category, city = rng.choice(CATEGORIES), rng.choice(CITIES)
        first, last = fake.first_name(), fake.last_name()
        name = rng.choice(
            [
                f"{last} {category}",
                f"{fake.company()}",
                f"{first}'s {category}",
                f"{rng.choice(CITIES)} {category}",
            ]
        )
        roll = rng.random()
        status = (
            BusinessStatus.LAPSED
            if roll < 0.03
            else BusinessStatus.DROPPED
            if roll < 0.04
            else BusinessStatus.ACTIVE
        )
        joined_on = ctx.today - timedelta(days=rng.randint(30, 365 * 8))
        business = add_business(
            name, category, city, joined_on, status=status, is_listed=rng.random() < 0.75
        )
        size = rng.choices([1, 2, 3], weights=[85, 12, 3])[0]
        for position in range(min(size, n - len(people))):
            if position:
                first, last = fake.first_name(), fake.last_name()
            email = ""
            while not email or email in emails:  # every business gets its people
                domain = rng.choice(DEMO_EMAIL_DOMAINS)
                email = f"{first}.{last}{rng.randint(1, 9999)}@{domain}".lower()
            add_person(
                email,
                f"{first} {last}",
                business,
                job_title=rng.choice(_JOB_TITLES if not position else _COLLEAGUE_TITLES),
                phone=fake.numerify("+1 555 ### ####"),
                bio=_bio(rng, name, category, city) if rng.random() < 0.6 else "",
                is_listed=rng.random() < 0.6,
                is_deactivated=rng.random() < 0.02,
                joined_on=joined_on + timedelta(days=rng.randint(0, 200) * position),
            )
        if rng.random() < 0.004:  # the chamber's other employees
            add_person(
                f"staff.{len(people)}@example.com",
                fake.name(),
                None,
                job_title=rng.choice(["Membership coordinator", "Events coordinator"]),
                is_staff=True,
            )

    business_ids = list(
        db.session.scalars(
            sa.insert(Business).returning(Business.id, sort_by_parameter_order=True),
            businesses,
        )
    )
    changes, affiliations = [], []
    for business_id, row in zip(business_ids, businesses, strict=True):
        changes.append(
            {
                "business_id": business_id,
                "from_status": None,
                "to_status": BusinessStatus.ACTIVE,
                "effective_on": row["joined_on"],
                "changed_at": utcnow(),
                "note": "Joined",
            }
        )
        if row["status"] is not BusinessStatus.ACTIVE:
            changes.append(
                {
                    "business_id": business_id,
                    "from_status": BusinessStatus.ACTIVE,
                    "to_status": row["status"],
                    "effective_on": ctx.random_day(after=row["joined_on"]),
                    "changed_at": utcnow(),
                    "note": "Did not renew" if row["status"] is BusinessStatus.LAPSED else "Closed",
                }
            )
    for person in people:
        index = person.pop("business")
        business_id = business_ids[index] if index is not None else None
        status = businesses[index]["status"] if index is not None else BusinessStatus.ACTIVE
        person["business_id"] = business_id
        person["is_active"] = not person["is_deactivated"] and status is BusinessStatus.ACTIVE
    bulk_insert(Member, people)
    ids = dict(db.session.execute(sa.select(Member.email, Member.id)).all())
    for person in people:
        if person["business_id"] is not None:
            affiliations.append(
                {
                    "member_id": ids[person["email"]],
                    "business_id": person["business_id"],
                    "started_on": person["joined_on"],
                    "ended_on": None,
                }
            )
    bulk_insert(BusinessStatusChange, changes)
    bulk_insert(Affiliation, affiliations)
    ctx.member_ids = sorted(ids.values())
    ctx.demo = {
        "director": ids["director@example.com"],
        "chair": ids["chair@example.com"],
        "member": ids["member@example.com"],
    }
    ctx.counts["businesses"] = len(businesses)
    ctx.counts["members"] = len(people)


def seed_committees(ctx: SeedContext) -> None:
    """Committees with chairs (some co-chairs), leads and members; a few join requests."""
    rng = ctx.rng
    n = SIZES[ctx.size]["committees"]
    names = (COMMITTEE_NAMES + MORE_COMMITTEE_NAMES)[:n]
    if len(names) < n:
        raise ValueError(f"{n} committees asked for, {len(names)} names to give them")
    committee_rows = []
    for index, (name, mission) in enumerate(names):
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
    joined = dict(db.session.execute(sa.select(Member.id, Member.joined_on)).all())
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
                    # Not before the member joined the chamber (issue 11).
                    "since_on": ctx.random_day(after=joined[member_id]),
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
                "since_on": max(ctx.start, joined[member_id]),
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
    seed_shift_credits,
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
