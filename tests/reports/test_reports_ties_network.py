"""Reports 4 and 5 on the relationships ledger, checked against plain-Python arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

from chamber.extensions import db
from chamber.referrals.models import ReferralStatus
from chamber.relationships.models import Tie, TieMode, TieSource
from chamber.relationships.strength import Weights, score_floor
from tests.reports.conftest import HALF_LIFE, read_csv, today
from tests.reports.conftest import ledger_entry as _entry
from tests.reports.test_reports_figures import _sections


def _tie(a, b, *, strength_today: float, first_on: date, in_person=1.0, online=0.0):
    """A rollup row whose strength today is `strength_today` (score = log2 s + day/h)."""
    low, high = sorted((a.id, b.id))
    score = score_floor(strength_today, today(), Weights(half_life_days=HALF_LIFE))
    db.session.add(
        Tie(
            member_a_id=low,
            member_b_id=high,
            score_log2=score,
            strength_at_last=strength_today,
            first_on=first_on,
            last_on=today(),
            last_in_person_on=None,
            in_person_weight=in_person,
            online_weight=online,
            shift_hours=0,
            project_hours=0,
            meetings=0,
            one_to_ones=0,
            referrals_a_to_b=0,
            referrals_b_to_a=0,
            referrals_won=0,
            top_project_id=None,
            top_project_hours=0,
            contexts=1,
            is_reciprocal=False,
        )
    )


def test_referrals_split_by_the_tie_on_the_day(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    a, b, c, d = (world.member(n) for n in ("Ann", "Bob", "Cat", "Dan"))
    events = world.committee("Events", members=[a, b, c, d])
    day = today() - timedelta(days=20)
    # Ann-Bob: a meeting 90 days before (weight 4) and a one-to-one 10 days before (3), and
    # a meeting after the referral (must not count).
    _entry(a, b, TieSource.MEETING, day - timedelta(days=90), 4.0)
    _entry(a, b, TieSource.ONE_TO_ONE, day - timedelta(days=10), 3.0, TieMode.ONLINE)
    _entry(a, b, TieSource.MEETING, day + timedelta(days=1), 40.0)
    # Cat-Dan: an old shift, faded far below a working tie; and a referral entry (ignored).
    _entry(c, d, TieSource.SHIFT, day - timedelta(days=2000), 2.0)
    _entry(c, d, TieSource.REFERRAL, day - timedelta(days=5), 50.0)
    db.session.commit()
    world.referral(a, b, day, status=ReferralStatus.WON, value_cents=300_00, how_committee=events)
    world.referral(c, d, day, status=ReferralStatus.WON, value_cents=100_00)
    world.referral(b, c, day)  # never together
    ann_bob = (4 * 2 ** (-90 / HALF_LIFE) + 3 * 2 ** (-10 / HALF_LIFE)) * 1.25  # two contexts
    cat_dan = 2 * 2 ** (-2000 / HALF_LIFE)
    assert ann_bob >= 3.0 and 0 < cat_dan < 1.0  # strong; below working
    login(staff)
    tables = _sections(read_csv(client.get("/reports/ties.csv")))
    split = {
        row[0]: row[1:] for row in tables["Referrals with and without a working tie on the day"]
    }
    assert split["Had a working tie"] == ["1", "33.3%", "1", "100.0%", "300.00", "75.0%"]
    assert split["Had none"] == ["2", "66.7%", "1", "50.0%", "100.00", "25.0%"]
    bands = {row[0]: row[1] for row in tables["By strength of the tie on the day"]}
    assert bands == {
        "No time together before": "1",
        "Some, below a working tie": "1",
        "Working tie": "0",
        "Strong tie": "1",
    }
    modes = {row[0]: row[1] for row in tables["In person or online"]}
    # Ann-Bob: in person 4·2^(-0.5) ≈ 2.83 against online 3·2^(-1/18) ≈ 2.89: mostly online.
    assert modes == {"Mostly in person": "1", "Mostly online": "1", "No time together": "1"}
    committees = {row[0]: row[1:] for row in tables["Per committee"]}
    assert committees["Events"][:3] == ["1", "1", "100.0%"]


def test_member_sees_their_own_ties_report_only(client, login, world):
    a, b = world.member("Ann"), world.member("Bob")
    world.committee("Events", members=[a, b])
    login(a)
    assert client.get("/reports/ties").status_code == 200
    assert client.get(f"/reports/ties?member={b.id}").status_code == 403
    assert client.get("/reports/network").status_code == 403


def test_network_at_risk_connectors_balance_and_new_ties(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    a, b, c, lonely = (world.member(n) for n in ("Ann", "Bob", "Cat", "Lonely Lu"))
    faded = world.member("Faded Fay")
    left = world.member("Left Lou", is_active=False)
    world.committee("Events", members=[a, b, lonely, faded, left])
    world.committee("Ambassadors", members=[c])
    world.committee("Arts", members=[b])
    _tie(a, b, strength_today=5.0, first_on=today() - timedelta(days=40), in_person=3, online=1)
    _tie(a, c, strength_today=1.5, first_on=today() - timedelta(days=700))
    _tie(a, faded, strength_today=0.2, first_on=today() - timedelta(days=10))
    db.session.commit()
    login(staff)
    tables = _sections(read_csv(client.get("/reports/network.csv")))
    at_risk = [row[0] for row in tables["Members with no working tie today (at risk)"]]
    assert at_risk == ["Faded Fay", "Lonely Lu"]  # not staff, not who left
    connectors = {
        row[0]: row[2:] for row in tables["Connectors: working ties reaching the most committees"]
    }
    # Ann's working ties: Bob (Events, Arts) and Cat (Ambassadors): 2 ties, 3 committees.
    assert connectors["Ann"] == ["2", "3"]
    assert connectors["Bob"] == ["1", "1"]
    balance = {row[0]: row[1:] for row in tables["In person and online, per committee"]}
    assert balance["Events"] == ["2", "4.0", "1.0", "80.0%"]  # Ann-Bob 3+1, Ann-Fay 1+0
    formed = {row[0]: int(row[1]) for row in tables["Ties formed per month"]}
    assert sum(formed.values()) == 2  # the 700-day-old tie is before the range
    summary = {row[0]: row[1] for row in tables["The network today"]}
    assert summary["Members with no working tie"] == "2"
