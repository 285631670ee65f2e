"""The demo chamber's referrals: realistic statuses, values and consistent timelines."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import date

import pytest
import sqlalchemy as sa
from faker import Faker

from chamber.db import utcnow
from chamber.demo import seed
from chamber.extensions import db
from chamber.members.models import Member
from chamber.referrals import demo
from chamber.referrals.models import MAX_VALUE_CENTS, Referral, ReferralEvent, ReferralStatus

S = ReferralStatus


def _check_consistent(rosters: dict[int, list[int]]) -> list[Referral]:
    """Every referral's timeline walks forward from 'given' to its current status."""
    referrals = list(db.session.scalars(sa.select(Referral)))
    events = defaultdict(list)
    for event in db.session.scalars(sa.select(ReferralEvent).order_by(ReferralEvent.id)):
        events[event.referral_id].append(event)
    now = utcnow()
    for referral in referrals:
        assert referral.giver_id != referral.receiver_id
        if referral.how_committee_id is not None:
            roster = set(rosters[referral.how_committee_id])
            assert {referral.giver_id, referral.receiver_id} <= roster
        timeline = events[referral.id]
        assert timeline[0].from_status is None and timeline[0].to_status == S.GIVEN
        assert timeline[0].actor_id == referral.giver_id
        assert timeline[0].created_at == referral.created_at
        for before, after in zip(timeline, timeline[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status.stage > before.to_status.stage
            assert before.created_at <= after.created_at <= now
            assert after.actor_id == referral.receiver_id
        assert timeline[-1].to_status == referral.status
        if referral.status == S.WON:
            assert 0 < referral.closed_value_cents <= MAX_VALUE_CENTS
            assert referral.created_at.date() <= referral.closed_on <= date.today()
        else:
            assert referral.closed_value_cents is None
            assert (referral.closed_on is not None) == referral.status.is_closed
        if referral.thanked_at is not None:
            assert referral.thank_you_note
    return referrals


def _context(size: str) -> seed.SeedContext:
    fake = Faker("en_US")
    fake.seed_instance(7)
    return seed.SeedContext(
        size=size,
        rng=random.Random(7),
        fake=fake,
        today=date.today(),
        months=seed.SIZES[size]["months"],
        echo=lambda _message: None,
    )


def test_small_demo_has_realistic_referrals_and_the_demo_accounts_story(app):
    ctx = _context("small")
    seed.seed_members(ctx)
    seed.seed_committees(ctx)
    demo.seed_referrals(ctx)
    db.session.commit()
    referrals = _check_consistent(ctx.rosters)
    assert 250 <= len(referrals) <= 400
    assert {r.status for r in referrals} == set(S)
    member, chair = ctx.demo["member"], ctx.demo["chair"]
    for person in (member, chair):
        given = [r for r in referrals if r.giver_id == person]
        received = [r for r in referrals if r.receiver_id == person]
        assert len(given) >= 4 and len(received) >= 6
        assert any(r.status == S.WON and r.thanked_at for r in received)
        assert any(r.status == S.WON and r.thanked_at for r in given)
        assert any(r.status.is_open for r in received)
    between = [r for r in referrals if {r.giver_id, r.receiver_id} == {member, chair}]
    assert any(r.status == S.WON and r.how_committee_id for r in between)
    assert ctx.counts["referrals"] == len(referrals)


def test_the_whole_small_seed_includes_referrals(app):
    counts = seed.seed_chamber(size="small")
    assert counts["referrals"] > 0 and counts["referral events"] > counts["referrals"]
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@example.com"))
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Referral).where(Referral.receiver_id == member.id)
    )


@pytest.mark.slow
def test_large_demo_statuses_values_and_timelines_look_real(app, monkeypatch):
    """The large chamber's generator, at a twentieth of its 100,000 rows (same code path)."""
    monkeypatch.setitem(demo.COUNTS, "large", 5_000)
    ctx = _context("large")
    seed.seed_members(ctx)
    seed.seed_committees(ctx)
    demo.seed_referrals(ctx)
    db.session.commit()
    referrals = _check_consistent(ctx.rosters)
    assert len(referrals) == 5_000
    share = {s: sum(r.status == s for r in referrals) / len(referrals) for s in S}
    assert 0.25 <= share[S.WON] <= 0.45
    assert 0.12 <= share[S.LOST] <= 0.30
    assert 0.04 <= share[S.UNREACHABLE] <= 0.18
    assert 0.10 <= share[S.GIVEN] + share[S.CONTACTED] + share[S.MEETING] <= 0.45
    values = [r.closed_value_cents for r in referrals if r.status == S.WON]
    assert 50_000 <= statistics.median(values) <= 500_000  # $500 to $5,000
    assert max(values) > 10 * statistics.median(values)  # a long tail of big deals
    hot = [r for r in referrals if r.temperature.value == "hot" and r.status.is_closed]
    cold = [r for r in referrals if r.temperature.value == "cold" and r.status.is_closed]
    win = lambda rows: sum(r.status == S.WON for r in rows) / len(rows)  # noqa: E731
    assert win(hot) > win(cold)
    months = {r.created_at.strftime("%Y-%m") for r in referrals}
    assert len(months) >= 30  # spread over the 36 demo months
