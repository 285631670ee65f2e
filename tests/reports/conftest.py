"""A small chamber written down twice: as rows in the database and as plain Python lists, so
every report figure can be checked against an independent computation (tests/reports/oracle)."""

from __future__ import annotations

import csv
import io
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from chamber.auth.passwords import hash_password
from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.members.models import Member
from chamber.referrals.models import Referral, ReferralStatus, ReferralTemperature
from chamber.relationships.models import TieEntry, TieMode
from chamber.relationships.strength import Weights
from tests.conftest import TEST_PASSWORD


@dataclass
class World:
    """What the fixture wrote, in plain Python."""

    members: dict[int, dict] = field(default_factory=dict)
    contributions: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    committees: dict[int, dict] = field(default_factory=dict)


_people = itertools.count(1)


@pytest.fixture
def make_person(app):
    """A member with only the person's own fields (the shared factory also fills business
    fields); signs in with tests.conftest.TEST_PASSWORD."""
    password_hash = hash_password(TEST_PASSWORD)

    def make(full_name: str, **overrides) -> Member:
        n = next(_people)
        person = Member(
            **{
                "email": f"person{n}@example.org",
                "full_name": full_name,
                "joined_on": date(2020, 1, 1),
                "password_hash": password_hash,
            }
            | overrides
        )
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def world(app, make_person, make_committee):
    """Builder: world.member(...), world.contribution(...), world.referral(...)."""

    class Builder(World):
        def member(self, name: str, *, joined_on: date | None = None, **overrides):
            joined_on = joined_on or date(2020, 1, 1)
            person = make_person(name, joined_on=joined_on, **overrides)
            self.members[person.id] = {
                "id": person.id,
                "name": name,
                "joined_on": joined_on,
                "is_active": overrides.get("is_active", True),
                "is_staff": overrides.get("is_staff", False),
            }
            return person

        def committee(self, name: str, *, chair=None, members=()):
            committee = make_committee(name=name, chair=chair, members=members)
            self.committees[committee.id] = {
                "id": committee.id,
                "name": name,
                "members": {m.id for m in (*members, *([chair] if chair else []))},
            }
            return committee

        def contribution(
            self,
            member,
            committee,
            hours,
            day: date,
            *,
            status=ContributionStatus.APPROVED,
            mode=WorkMode.IN_PERSON,
        ):
            db.session.add(
                Contribution(
                    member_id=member.id,
                    committee_id=committee.id,
                    kind=ContributionKind.VOLUNTEER_HOURS,
                    hours=Decimal(str(hours)),
                    contributed_on=day,
                    description="Helped",
                    mode=mode,
                    status=status,
                )
            )
            db.session.commit()
            self.contributions.append(
                {
                    "member": member.id,
                    "committee": committee.id,
                    "hours": Decimal(str(hours)),
                    "day": day,
                    "status": status,
                    "mode": mode,
                }
            )

        def referral(
            self,
            giver,
            receiver,
            day: date,
            *,
            status=ReferralStatus.GIVEN,
            value_cents=None,
            closed_on=None,
            how_committee=None,
            how_project=None,
            prospect="Pat Prospect",
        ) -> Referral:
            won = status is ReferralStatus.WON
            if won and closed_on is None:
                closed_on = day + timedelta(days=10)
            referral = Referral(
                giver_id=giver.id,
                receiver_id=receiver.id,
                prospect_name=prospect,
                prospect_email="pat.prospect@prospect.example",
                need="A new roof before winter.",
                temperature=ReferralTemperature.WARM,
                how_committee_id=how_committee.id if how_committee else None,
                how_project_id=how_project.id if how_project else None,
                status=status,
                closed_value_cents=value_cents if won else None,
                closed_on=closed_on if status.is_closed else None,
                given_on=day,
            )
            db.session.add(referral)
            db.session.commit()
            self.referrals.append(
                {
                    "giver": giver.id,
                    "receiver": receiver.id,
                    "day": day,
                    "status": status,
                    "value": value_cents if won else 0,
                    "closed_on": closed_on if won else None,
                    "how": how_committee.id if how_committee else None,
                }
            )
            return referral

    return Builder()


def today() -> date:
    return chamber_today()


#: The half-life the ledger entries below are keyed with (the test configuration's).
HALF_LIFE = 180.0


def ledger_entry(a, b, source, day, weight, mode=TieMode.IN_PERSON) -> TieEntry:
    """A ledger entry as the relationships engine writes it, decay key included (its own
    rule); added to the session, not committed."""
    low, high = sorted((a.id, b.id))
    entry = TieEntry(
        member_a_id=low,
        member_b_id=high,
        source=source,
        ref_id=1,
        happened_on=day,
        mode=mode,
        amount=weight,
        weight=weight,
        decay_key=Weights(half_life_days=HALF_LIFE).decay_key(weight, day),
    )
    db.session.add(entry)
    return entry


@pytest.fixture
def random_world(world):
    """About thirty members with seeded random hours and referrals, plus the awkward ones:
    a member who left, a new member, a staff member, equal hours and zero hours."""
    rng = random.Random(7)
    now = today()
    people = [world.member(f"Person {i:02d}", joined_on=date(2019, 1, 1)) for i in range(24)]
    left = world.member("Lou Left", joined_on=date(2019, 1, 1), is_active=False)
    new = world.member("Nina New", joined_on=now - timedelta(days=40))
    staff = world.member("Sam Staff", joined_on=date(2019, 1, 1), is_staff=True)
    everyone = [*people, left, new, staff]
    events = world.committee("Community Events", chair=people[0], members=people[1:12])
    other = world.committee("Ambassadors", chair=people[12], members=[*people[13:], left, new])
    for person in everyone:
        committee = events if person.id in world.committees[events.id]["members"] else other
        if person is people[3]:
            continue  # zero hours
        for _ in range(rng.randint(0, 6)):
            day = now - timedelta(days=rng.randint(0, 500))
            world.contribution(
                person,
                committee,
                rng.choice([1, 2, 2.5, 4]),
                day,
                mode=rng.choice([WorkMode.IN_PERSON, WorkMode.ONLINE]),
            )
    # Equal hours for two members, and a pending contribution that must not count.
    world.contribution(people[5], events, 3, now - timedelta(days=3))
    world.contribution(people[6], events, 3, now - timedelta(days=3))
    world.contribution(
        people[7], events, 8, now - timedelta(days=2), status=ContributionStatus.PENDING
    )
    for _ in range(70):
        giver, receiver = rng.sample(everyone, 2)
        day = now - timedelta(days=rng.randint(0, 500))
        status = rng.choice(list(ReferralStatus))
        value = rng.randint(1, 500) * 1000 if status is ReferralStatus.WON else None
        closed = min(day + timedelta(days=rng.randint(0, 60)), now)
        shared = [
            c
            for c in (events, other)
            if {giver.id, receiver.id} <= world.committees[c.id]["members"]
        ]
        how = shared[0] if shared and rng.random() < 0.4 else None
        world.referral(
            giver,
            receiver,
            day,
            status=status,
            value_cents=value,
            closed_on=closed,
            how_committee=how,
        )
    world.people, world.left, world.new, world.staff = people, left, new, staff
    world.events, world.other = events, other
    return world


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))
