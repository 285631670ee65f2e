"""The reports' kept rows per referral (report_referral_origins: attributed committee, tie on
the day) and per tie and committee (report_committee_reach) always equal a recomputation
from scratch, after every kind of change: referrals given, moved, named, deleted and bulk
inserted; work approved and withdrawn; a project's committee; ledger entries and ties written
by the relationships engine (pair by pair and by a whole rebuild); rosters. The reports read
them: a tie written after the referral still counts on its day."""

from __future__ import annotations

import math
from datetime import date, timedelta

import sqlalchemy as sa

from chamber.committees.models import CommitteeMembership, CommitteeRole
from chamber.contributions.models import ContributionStatus
from chamber.extensions import db
from chamber.referrals.models import Referral, ReferralStatus, ReferralTemperature
from chamber.relationships import engine
from chamber.relationships.models import Tie, TieEntry, TieMode, TieSource
from chamber.relationships.strength import Weights
from chamber.reports.cache import cache as report_cache
from chamber.reports.origins import ORIGINS_RECOMPUTED, ReferralOrigin
from chamber.reports.reach import REACH_RECOMPUTED, CommitteeReach
from tests.reports.conftest import HALF_LIFE, read_csv, today
from tests.reports.conftest import ledger_entry as _entry
from tests.reports.test_reports_figures import _sections
from tests.reports.test_reports_rollups import _contribution


def _same(stored: dict, recomputed: dict) -> bool:
    """Equal keys, and per key equal values (floats to the last few bits: the kept sums add
    the same keys as the recomputation, perhaps in another order)."""
    if stored.keys() != recomputed.keys():
        return False
    for key, row in stored.items():
        for mine, theirs in zip(row, recomputed[key], strict=True):
            if isinstance(mine, float) or isinstance(theirs, float):
                if not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif mine != theirs:
                return False
    return True


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _origins_are_right() -> None:
    db.session.commit()
    stored = {
        row.referral_id: (
            row.member_a_id,
            row.member_b_id,
            row.given_on,
            row.committee_id,
            row.how,
            row.tie_key,
            row.tie_in_person_key,
            row.tie_online_key,
            row.tie_work,
            row.tie_one_to_one,
        )
        for row in db.session.scalars(sa.select(ReferralOrigin))
    }
    recomputed = {
        row[0]: (row[1], row[2], _as_date(row[3]), *row[4:])
        for row in db.session.execute(sa.text(ORIGINS_RECOMPUTED))
    }
    assert _same(stored, recomputed), (stored, recomputed)


def _reach_is_right() -> None:
    db.session.commit()
    stored = {
        (row.member_id, row.committee_id, row.partner_id): (
            row.score_log2,
            row.in_person_weight,
            row.online_weight,
        )
        for row in db.session.scalars(sa.select(CommitteeReach))
    }
    recomputed = {
        tuple(row[:3]): tuple(row[3:]) for row in db.session.execute(sa.text(REACH_RECOMPUTED))
    }
    assert _same(stored, recomputed), (stored, recomputed)


def _write_ties(*pairs) -> None:
    """The relationships engine's own step: each pair's tie recomputed from its ledger."""
    db.session.flush()
    engine.refresh_pairs(
        [tuple(sorted((a.id, b.id))) for a, b in pairs], Weights(half_life_days=HALF_LIFE)
    )
    db.session.commit()


def test_origins_equal_a_recomputation_after_every_change(app, world, make_project):
    app.config["RELATIONSHIP_HALF_LIFE_DAYS"] = HALF_LIFE
    a, b, c, d = (world.member(name) for name in ("Ann", "Bob", "Cat", "Dan"))
    events = world.committee("Events", members=[a, b, c])
    arts = world.committee("Arts", members=[c, d])
    mural = make_project(arts)
    now = today()
    work_a = _contribution(a, events, now - timedelta(days=100))
    _contribution(b, events, now - timedelta(days=90))
    _contribution(c, arts, now - timedelta(days=80))
    _contribution(d, arts, now - timedelta(days=70))

    shared = world.referral(a, b, now - timedelta(days=20))  # shared work: Events
    named = world.referral(c, d, now - timedelta(days=10), how_project=mural)
    apart = world.referral(b, d, now - timedelta(days=5))  # no committee in common
    _origins_are_right()
    rows = {row.referral_id: row for row in db.session.scalars(sa.select(ReferralOrigin))}
    assert (rows[shared.id].committee_id, rows[shared.id].how) == (events.id, "shared work")
    assert (rows[named.id].committee_id, rows[named.id].how) == (arts.id, "named")
    assert (rows[apart.id].committee_id, rows[apart.id].how) == (None, "none")

    # Time together before the referral, written after it (a late sheet): the tie on its day
    # counts it; what came after the day does not.
    _entry(a, b, TieSource.MEETING, now - timedelta(days=60), 4.0)
    late = _entry(a, b, TieSource.ONE_TO_ONE, now - timedelta(days=30), 3.0, TieMode.ONLINE)
    _entry(a, b, TieSource.MEETING, now - timedelta(days=1), 40.0)
    _write_ties((a, b))
    _origins_are_right()
    assert db.session.get(ReferralOrigin, shared.id).tie_one_to_one == 1

    late.decay_key *= 2  # an entry updated in place, its tie rewritten
    _write_ties((a, b))
    _origins_are_right()

    db.session.execute(sa.delete(TieEntry).where(TieEntry.member_a_id == min(a.id, b.id)))
    _write_ties((a, b))  # the pair lost every entry: its tie is gone
    _origins_are_right()
    assert db.session.get(ReferralOrigin, shared.id).tie_key == 0

    engine.rebuild()  # the whole ledger and every tie from the sources
    _origins_are_right()

    work_a.status = ContributionStatus.WITHDRAWN  # Ann's first day in Events is gone
    _origins_are_right()
    assert db.session.get(ReferralOrigin, shared.id).how == "none"
    _contribution(a, events, now - timedelta(days=50))  # ... and back, later
    _origins_are_right()
    assert db.session.get(ReferralOrigin, shared.id).committee_id == events.id

    shared.given_on = now - timedelta(days=55)  # now before Ann's work: no shared committee
    _origins_are_right()
    assert db.session.get(ReferralOrigin, shared.id).how == "none"
    apart.how_committee_id = events.id  # named afterwards
    _origins_are_right()
    mural.committee_id = events.id  # the named project moves committee
    _origins_are_right()
    assert db.session.get(ReferralOrigin, named.id).committee_id == events.id

    db.session.execute(  # a bulk insert (Core): imports and the demo seed write this way
        sa.insert(Referral),
        [
            {
                "giver_id": d.id,
                "receiver_id": c.id,
                "prospect_name": "P",
                "need": "N",
                "temperature": ReferralTemperature.WARM,
                "given_on": now - timedelta(days=day),
                "status": ReferralStatus.GIVEN,
            }
            for day in (2, 3)
        ],
    )
    _origins_are_right()
    db.session.delete(named)
    _origins_are_right()
    assert db.session.get(ReferralOrigin, named.id) is None


def test_a_tie_written_after_the_referral_counts_on_its_day(app, client, login, world):
    app.config["RELATIONSHIP_HALF_LIFE_DAYS"] = HALF_LIFE
    staff = world.member("Sam Staff", is_staff=True)
    a, b = world.member("Ann"), world.member("Bob")
    world.committee("Events", members=[a, b])
    day = today() - timedelta(days=20)
    world.referral(a, b, day, status=ReferralStatus.WON, value_cents=100_00)
    login(staff)
    bands = {
        row[0]: row[1]
        for row in _sections(read_csv(client.get("/reports/ties.csv")))[
            "By strength of the tie on the day"
        ]
    }
    assert bands["No time together before"] == "1"
    # A meeting sheet recorded late: 4 points 10 days before the referral, strong on its day.
    _entry(a, b, TieSource.MEETING, day - timedelta(days=10), 4.0)
    _write_ties((a, b))
    # The engine moves the data version with every change of the ties (relationship_state);
    # written directly here, the kept report is dropped by hand.
    report_cache.built.clear()
    bands = {
        row[0]: row[1]
        for row in _sections(read_csv(client.get("/reports/ties.csv")))[
            "By strength of the tie on the day"
        ]
    }
    assert bands["Strong tie"] == "1"
    assert bands["No time together before"] == "0"


def test_reach_equals_a_recomputation_after_every_change(app, world):
    app.config["RELATIONSHIP_HALF_LIFE_DAYS"] = HALF_LIFE
    a, b, c, d = (world.member(name) for name in ("Ann", "Bob", "Cat", "Dan"))
    events = world.committee("Events", members=[a, b])
    arts = world.committee("Arts", members=[b, c])
    now = today()
    _entry(a, b, TieSource.MEETING, now - timedelta(days=10), 4.0)
    _entry(b, c, TieSource.SHIFT, now - timedelta(days=5), 2.0, TieMode.ONLINE)
    _entry(c, d, TieSource.ONE_TO_ONE, now - timedelta(days=3), 3.0)
    _write_ties((a, b), (b, c), (c, d))
    _reach_is_right()
    # Ann's tie to Bob reaches Events and Arts (Bob's committees); Dan's tie to Cat, Arts.
    reached = {
        (row.member_id, row.committee_id) for row in db.session.scalars(sa.select(CommitteeReach))
    }
    assert {(a.id, events.id), (a.id, arts.id), (d.id, arts.id)} <= reached

    _entry(a, b, TieSource.ONE_TO_ONE, now - timedelta(days=2), 3.0)  # a tie grows
    _write_ties((a, b))
    _reach_is_right()

    db.session.add(  # Dan joins Events: Cat's tie now reaches it
        CommitteeMembership(
            committee_id=events.id, member_id=d.id, role=CommitteeRole.MEMBER, since_on=now
        )
    )
    _reach_is_right()
    assert (c.id, events.id, d.id) in {
        (row.member_id, row.committee_id, row.partner_id)
        for row in db.session.scalars(sa.select(CommitteeReach))
    }
    db.session.execute(  # ... and Bob leaves Arts
        sa.delete(CommitteeMembership).where(
            CommitteeMembership.committee_id == arts.id, CommitteeMembership.member_id == b.id
        )
    )
    _reach_is_right()

    db.session.execute(sa.delete(TieEntry).where(TieEntry.member_b_id == max(c.id, d.id)))
    _write_ties((c, d))  # a tie gone
    _reach_is_right()
    engine.rebuild()
    _reach_is_right()
    db.session.execute(sa.delete(Tie))
    _reach_is_right()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommitteeReach)) == 0
