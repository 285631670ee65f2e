"""Tie strength on hand-made cases, against values worked out by hand (README's defaults:
meeting 4, one-to-one 3, referral 2 (+3 won), hours 1 each, online x0.5, half-life 180 days,
reciprocity +25 %, each extra context +25 %)."""

from __future__ import annotations

import pytest

from chamber.enums import WorkMode
from chamber.localtime import chamber_today
from chamber.relationships import queries
from chamber.relationships.strength import Weights
from tests.relationships.conftest import IN_PERSON, ONLINE, days_ago, strength


@pytest.fixture
def trio(make_member, make_committee):
    ana, ben, cy = (make_member(full_name=name) for name in ("Ana Ruiz", "Ben Okafor", "Cy Lee"))
    committee = make_committee(members=[ana, ben, cy])
    return ana, ben, cy, committee


def test_meeting_in_person_counts_double_online(trio, work):
    ana, ben, cy, committee = trio
    day = days_ago(0)
    meeting = work.meeting(committee, day, hour=0)
    work.attend(meeting, {ana: IN_PERSON, ben: IN_PERSON, cy: ONLINE})
    # 3 present: each pair gets 4 / (3 - 1) = 2.0; with someone online, x 0.5 = 1.0
    assert strength(ana, ben, day) == pytest.approx(2.0)
    assert strength(ana, cy, day) == pytest.approx(1.0)
    assert strength(ben, cy, day) == pytest.approx(1.0)


def test_a_small_table_ties_more_than_a_big_one(make_member, make_committee, work):
    people = [make_member() for _ in range(7)]
    committee = make_committee(members=people)
    day = days_ago(0)
    small = work.meeting(committee, day, hour=0)
    work.attend(small, {people[0]: IN_PERSON, people[1]: IN_PERSON})
    big = work.meeting(None, days_ago(1), title="Mixer")
    work.attend(big, {person: IN_PERSON for person in people})
    # small: 4 / (2 - 1) = 4.0 on `day`; big: 4 / (7 - 1) = 0.667 a day earlier
    decay_one_day = 2 ** (-1 / 180)
    assert strength(people[0], people[1], day) == pytest.approx(4.0 + 4 / 6 * decay_one_day)
    assert strength(people[2], people[3], day) == pytest.approx(4 / 6 * decay_one_day)


def test_strength_halves_every_half_life(trio, work):
    ana, ben, _cy, _committee = trio
    work.one_to_one(ana, ben, days_ago(180))
    # 3.0 on the day they met, half of it 180 days later
    assert strength(ana, ben, days_ago(180)) == pytest.approx(3.0)
    assert strength(ana, ben) == pytest.approx(1.5)
    tie = queries.tie_between(ana.id, ben.id)
    assert queries.tie_strength(tie, chamber_today()) == pytest.approx(1.5)


def test_as_of_a_past_date_counts_only_what_had_happened(trio, work):
    ana, ben, _cy, _committee = trio
    work.one_to_one(ana, ben, days_ago(360))
    work.one_to_one(ana, ben, days_ago(90), mode=WorkMode.ONLINE)
    assert strength(ana, ben, days_ago(361)) == 0.0
    # 180 days after the first: 3 x 0.5
    assert strength(ana, ben, days_ago(180)) == pytest.approx(1.5)
    # today: 3 x 2^-2 + 3 x 0.5 (online) x 2^-0.5
    assert strength(ana, ben) == pytest.approx(0.75 + 1.5 * 2**-0.5)


def test_referrals_both_ways_count_more(trio, work):
    ana, ben, cy, _committee = trio
    work.give(ana, ben)
    work.give(ben, ana)
    work.give(ana, cy)
    # one way: 2.0; both ways: (2 + 2) x 1.25
    assert strength(ana, cy) == pytest.approx(2.0)
    assert strength(ana, ben) == pytest.approx(5.0)
    assert queries.tie_between(ana.id, ben.id).is_reciprocal


def test_a_won_referral_counts_more(trio, work):
    ana, ben, _cy, _committee = trio
    work.win(work.give(ana, ben))
    assert strength(ana, ben) == pytest.approx(2.0 + 3.0)
    assert queries.tie_between(ana.id, ben.id).referrals_won == 1


def test_ties_in_several_contexts_count_more(trio, work):
    ana, ben, cy, committee = trio
    today = chamber_today()
    meeting = work.meeting(committee, today, hour=0)
    work.attend(meeting, {ana: IN_PERSON, ben: IN_PERSON, cy: IN_PERSON})
    work.one_to_one(ana, ben, today)
    work.give(ana, ben)
    # ana-ben: work, one-to-one, referral: (2 + 3 + 2) x (1 + 0.25 x 2); ana-cy: work only
    assert strength(ana, ben) == pytest.approx(7.0 * 1.5)
    assert strength(ana, cy) == pytest.approx(2.0)
    assert queries.tie_between(ana.id, ben.id).contexts == 3


def test_project_hours_the_smaller_of_the_two_in_the_same_month(trio, work, make_project):
    ana, ben, _cy, committee = trio
    project = make_project(committee)
    day = chamber_today().replace(day=1)
    work.hours(ana, committee, project, 3, day)
    work.hours(ana, committee, project, 1, day, mode=WorkMode.ONLINE)
    work.hours(ben, committee, project, 2, day)
    # together min(4, 2) = 2 h, of which in person min(3, 2) = 2 h
    assert strength(ana, ben, day) == pytest.approx(2.0)
    tie = queries.tie_between(ana.id, ben.id)
    assert tie.project_hours == pytest.approx(2.0)
    assert tie.top_project_id == project.id


def test_shift_both_attended_counts_its_hours(trio, work, make_project, make_shift):
    from datetime import timedelta

    ana, ben, _cy, committee = trio
    project = make_project(committee)
    shift = make_shift(project, starts_in=timedelta(hours=-3), minutes=150)
    work.shift_attended(shift, [ana, ben])
    tie = queries.tie_between(ana.id, ben.id)
    assert tie.shift_hours == pytest.approx(2.5)
    assert tie.strength_at_last == pytest.approx(2.5)


def test_weights_come_from_the_settings(app):
    config = dict(app.config) | {"RELATIONSHIP_ONLINE_FACTOR": 0.25}
    assert Weights.from_config(config).online_factor == 0.25


def test_the_readme_worked_example(make_member, make_committee, make_project, make_shift, work):
    from datetime import timedelta

    ana, ben = make_member(full_name="Ana"), make_member(full_name="Ben")
    others = [make_member() for _ in range(4)]
    committee = make_committee(members=[ana, ben, *others])
    meeting = work.meeting(committee, days_ago(90))
    work.attend(meeting, {person: IN_PERSON for person in (ana, ben, *others)})
    shift = make_shift(make_project(committee), starts_in=timedelta(days=-30), minutes=180)
    work.shift_attended(shift, [ana, ben])
    work.one_to_one(ana, ben, days_ago(10), mode=WorkMode.ONLINE)
    assert round(strength(ana, ben), 2) == 5.85
    assert round(strength(ana, ben, days_ago(20)), 2) == 3.50
