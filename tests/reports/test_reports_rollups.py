"""The reports' rollup (report_committee_work: first day of approved work per member and
committee) always equals a recomputation from the contributions, after every kind of change:
ORM and bulk inserts, a lead's decision, a withdrawal, edits of date, member and committee,
deletions. And the committee report reads it: work approved later moves a referral."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.contributions.services import decide_contribution
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.reports.models import CommitteeWork, committee_work_recomputed
from tests.reports.conftest import read_csv, today


def _stored() -> set[tuple]:
    return {
        (row.member_id, row.committee_id, row.since)
        for row in db.session.scalars(sa.select(CommitteeWork))
    }


def _recomputed() -> set[tuple]:
    return {
        (row.member_id, row.committee_id, _as_date(row.since))
        for row in db.session.execute(committee_work_recomputed())
    }


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _assert_rollup_is_right() -> None:
    db.session.commit()
    assert _stored() == _recomputed()


def _contribution(member, committee, day, status=ContributionStatus.APPROVED) -> Contribution:
    contribution = Contribution(
        member_id=member.id,
        committee_id=committee.id,
        kind=ContributionKind.VOLUNTEER_HOURS,
        hours=Decimal(2),
        contributed_on=day,
        description="Helped",
        mode=WorkMode.IN_PERSON,
        status=status,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def test_rollup_equals_a_recomputation_after_every_change(world):
    lead, ann, bob = world.member("Lead"), world.member("Ann"), world.member("Bob")
    events = world.committee("Events", chair=lead, members=[ann, bob])
    other = world.committee("Other", members=[ann])
    now = today()

    first = _contribution(ann, events, now - timedelta(days=30))
    _assert_rollup_is_right()
    assert _stored() == {(ann.id, events.id, now - timedelta(days=30))}

    earlier = _contribution(ann, events, now - timedelta(days=90))  # an earlier first day
    later = _contribution(ann, events, now - timedelta(days=5))  # changes nothing
    pending = _contribution(bob, events, now - timedelta(days=60), ContributionStatus.PENDING)
    _assert_rollup_is_right()
    assert (bob.id, events.id, now - timedelta(days=60)) not in _stored()

    decide_contribution(lead, pending, approve=True)  # a conditional UPDATE (Core)
    _assert_rollup_is_right()
    assert (bob.id, events.id, now - timedelta(days=60)) in _stored()

    earlier.status = ContributionStatus.WITHDRAWN  # the first day moves back to the next one
    _assert_rollup_is_right()
    assert (ann.id, events.id, now - timedelta(days=30)) in _stored()

    first.contributed_on = now - timedelta(days=200)  # a date edited
    later.committee_id = other.id  # a committee changed
    _assert_rollup_is_right()
    assert (ann.id, other.id, now - timedelta(days=5)) in _stored()

    pending.member_id = ann.id  # a member changed: Bob has no approved work left
    _assert_rollup_is_right()
    assert not any(row[0] == bob.id for row in _stored())

    db.session.execute(  # bulk writes, as the demo seed and imports make them
        sa.insert(Contribution),
        [
            {
                "member_id": member.id,
                "committee_id": other.id,
                "kind": ContributionKind.TASK,
                "hours": Decimal(1),
                "contributed_on": now - timedelta(days=n),
                "description": "",
                "mode": WorkMode.ONLINE,
                "status": ContributionStatus.APPROVED,
            }
            for n, member in enumerate([bob, bob, lead], start=10)
        ],
    )
    _assert_rollup_is_right()
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.member_id == bob.id)
        .values(status=ContributionStatus.REJECTED)
    )
    _assert_rollup_is_right()

    for contribution in (first, later):
        db.session.delete(contribution)
    _assert_rollup_is_right()
    db.session.execute(sa.delete(Contribution))
    _assert_rollup_is_right()
    assert _stored() == set()


def test_work_approved_later_attributes_an_earlier_referral(client, login, world):
    """The committee report follows the rollup at once: a lead approves work done before a
    referral, and the referral moves from "no shared committee" to the committee."""
    staff = world.member("Sam Staff", is_staff=True)
    lead, ann, bob = world.member("Lead"), world.member("Ann"), world.member("Bob")
    events = world.committee("Events", chair=lead, members=[ann, bob])
    now = today()
    world.contribution(ann, events, 2, now - timedelta(days=40))
    world.referral(ann, bob, now - timedelta(days=10))
    bobs = _contribution(bob, events, now - timedelta(days=20), ContributionStatus.PENDING)
    login(staff)

    def attributed() -> dict[str, str]:
        rows = read_csv(client.get("/reports/by-committee.csv"))
        return {row[1]: row[2] for row in rows[1:] if len(row) > 2}

    assert attributed().get("Events") is None
    decide_contribution(lead, bobs, approve=True)
    db.session.commit()
    assert attributed().get("Events") == "1"
