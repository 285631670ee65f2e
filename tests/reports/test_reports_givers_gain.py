"""Givers gain: the CSV, quartiles and Spearman's ρ agree with a plain-Python computation."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.reports import oracle
from tests.reports.conftest import read_csv, today


def _range():
    last = today()
    first = date(last.year - 1, last.month, min(last.day, 28)) + timedelta(days=1)
    return first, last


def _page_value(html: str, css_class: str) -> str:
    match = re.search(rf'class="[^"]*\b{css_class}\b[^"]*">([^<]*)<', html)
    assert match, css_class
    return match.group(1).strip()


def test_csv_has_one_row_per_cohort_member_with_exact_figures(client, login, random_world):
    world = random_world
    login(world.staff)
    first, last = _range()
    rows = read_csv(client.get(f"/reports/givers-gain.csv?first={first}&last={last}"))
    assert rows[0] == ["member_id", "hours", "referrals_received", "closed_value", "quartile"]
    expected = oracle.givers_gain(world, first, last)
    got = {int(r[0]): r[1:] for r in rows[1:]}
    assert set(got) == set(expected)
    assert world.left.id not in got and world.new.id not in got and world.staff.id not in got
    for member_id, row in expected.items():
        hours, received, value, quartile = got[member_id]
        assert Decimal(hours) == row["hours"], member_id
        assert int(received) == row["received"]
        assert Decimal(value) == Decimal(row["closed_value"]) / 100
        assert int(quartile) == row["quartile"]
    # Equal hours share a quartile; the member with none is in the first.
    assert got[world.people[5].id][3] == got[world.people[6].id][3]
    assert got[world.people[3].id][0] == "0" and got[world.people[3].id][3] == "1"


def test_page_shows_spearman_rho_n_and_p_of_hours_against_referrals(client, login, random_world):
    world = random_world
    login(world.staff)
    first, last = _range()
    html = client.get(f"/reports/givers-gain?first={first}&last={last}").get_data(as_text=True)
    expected = oracle.givers_gain(world, first, last)
    rows = list(expected.values())
    rho = oracle.spearman([r["hours"] for r in rows], [r["received"] for r in rows])
    assert _page_value(html, "spearman-n") == str(len(rows))
    assert float(_page_value(html, "spearman-rho")) == pytest.approx(rho, abs=0.0005)
    p = oracle.two_sided_p(rho, len(rows))
    shown = _page_value(html, "spearman-p")
    if shown.startswith("&lt;"):
        assert p < 0.0001
    else:
        assert float(shown) == pytest.approx(p, abs=0.0002)
    # Per quartile: members and mean referrals received.
    for quartile in (1, 2, 3, 4):
        group = [r for r in rows if r["quartile"] == quartile]
        mean = f"{sum(r['received'] for r in group) / len(group):.2f}" if group else "—"
        assert re.search(
            rf"<th scope=\"row\">Q{quartile}</th>\s*<td class=\"num\">"
            rf"{len(group)}</td>",
            html,
        ), quartile
        assert mean in html


def test_empty_range_has_no_rho_and_an_empty_csv(client, login, random_world):
    login(random_world.staff)
    first = last = date(2001, 1, 1)
    html = client.get(f"/reports/givers-gain?first={first}&last={last}").get_data(as_text=True)
    assert _page_value(html, "spearman-n") == "0"
    assert _page_value(html, "spearman-rho") == "—"
    rows = read_csv(client.get(f"/reports/givers-gain.csv?first={first}&last={last}"))
    assert rows == [["member_id", "hours", "referrals_received", "closed_value", "quartile"]]


def test_one_member_is_quartile_one_and_rho_is_undefined(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    solo = world.member("Solo Member")
    committee = world.committee("Events", members=[solo])
    world.contribution(solo, committee, 5, today() - timedelta(days=5))
    login(staff)
    rows = read_csv(client.get("/reports/givers-gain.csv"))
    assert rows[1:] == [[str(solo.id), "5", "0", "0.00", "1"]]
    html = client.get("/reports/givers-gain").get_data(as_text=True)
    assert _page_value(html, "spearman-n") == "1"
    assert _page_value(html, "spearman-rho") == "—"


def test_same_hours_for_everyone_puts_all_in_one_quartile_without_rho(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    people = [world.member(f"P{i}") for i in range(5)]
    committee = world.committee("Events", members=people)
    for person in people:
        world.contribution(person, committee, 2, today() - timedelta(days=9))
    world.referral(people[0], people[1], today() - timedelta(days=3))
    login(staff)
    rows = read_csv(client.get("/reports/givers-gain.csv"))
    assert {row[4] for row in rows[1:]} == {"1"}
    html = client.get("/reports/givers-gain").get_data(as_text=True)
    assert _page_value(html, "spearman-rho") == "—"
    assert _page_value(html, "spearman-n") == "5"


def test_lead_sees_only_their_committees_members(client, login, random_world):
    world = random_world
    first, last = _range()
    chair = world.people[0]
    login(chair)
    response = client.get(
        f"/reports/givers-gain.csv?committee={world.events.id}&first={first}&last={last}"
    )
    population = world.committees[world.events.id]["members"]
    expected = oracle.givers_gain(world, first, last, population)
    got = {int(r[0]) for r in read_csv(response)[1:]}
    assert got == set(expected)
    assert client.get(f"/reports/givers-gain?committee={world.other.id}").status_code == 403
