"""Summary, by committee, engagement and committee health agree with plain Python."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from chamber.contributions.models import ContributionStatus
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.meetings.models import Attendance, AttendanceStatus
from chamber.projects.models import ProjectStatus
from chamber.referrals.models import ReferralStatus
from tests.reports import oracle
from tests.reports.conftest import read_csv, today


def _range():
    last = today()
    return last - timedelta(days=364), last


def _sections(rows) -> dict[str, list[list[str]]]:
    """A sectioned report CSV as {table caption: [data rows]} (the heading row dropped)."""
    tables: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        caption, cells = row[0], row[1:]
        if caption not in tables:
            tables[caption] = []  # the first row of a section is its column headings
            continue
        tables[caption].append(cells)
    return tables


def _measure(table, name):
    return next(row[1] for row in table if row[0] == name)


@pytest.mark.parametrize("scope", ["chamber", "committee"])
def test_summary_figures_match(client, login, random_world, scope):
    world = random_world
    first, last = _range()
    query = f"first={first}&last={last}"
    population = None
    if scope == "committee":
        query += f"&committee={world.events.id}"
        population = world.committees[world.events.id]["members"]
    login(world.staff)
    tables = _sections(read_csv(client.get(f"/reports/summary.csv?{query}")))
    expected = oracle.summary(world, first, last, population)
    totals = tables["Referrals given in the range"]
    assert int(_measure(totals, "Given")) == expected["given"]
    assert int(_measure(totals, "Won")) == expected["won"]
    assert int(_measure(totals, "Lost")) == expected["lost"]
    assert int(_measure(totals, "Unreachable")) == expected["unreachable"]
    assert int(_measure(totals, "Still open")) == expected["open"]
    assert _measure(totals, "Win rate") == f"{expected['win_rate'] * 100:.1f}%"
    assert Decimal(_measure(totals, "Closed value")) * 100 == expected["closed_value"]
    assert float(_measure(totals, "Median days from given to won")) == expected["median_days"]
    monthly = oracle.monthly(world, first, last, population)
    got = {
        row[0]: (int(row[1]), int(row[2]), int(Decimal(row[3]) * 100))
        for row in tables["Month by month"]
        if row[1] != "0"
    }
    assert got == monthly
    by_status = {row[0]: int(row[1]) for row in tables["By status today"]}
    assert sum(by_status.values()) == expected["given"]
    # The page shows the same numbers.
    html = client.get(f"/reports/summary?{query}").get_data(as_text=True)
    assert f'class="stat-value win-rate">{expected["win_rate"] * 100:.1f}%<' in html
    assert f">{expected['given']:,}<" in html


def test_summary_top_givers_count_their_referrals(client, login, random_world):
    world = random_world
    first, last = _range()
    login(world.staff)
    tables = _sections(read_csv(client.get(f"/reports/summary.csv?first={first}&last={last}")))
    counts: dict[str, int] = {}
    for r in oracle.involved(world, first, last):
        name = world.members[r["giver"]]["name"]
        counts[name] = counts.get(name, 0) + 1
    top = tables["Top givers"]
    assert len(top) == min(10, len(counts))
    for name, _business, referrals, *_ in top:
        assert int(referrals) == counts[name]
    assert int(top[0][2]) == max(counts.values())


def test_member_summary_counts_only_their_referrals(client, login, random_world):
    world = random_world
    first, last = _range()
    me = world.people[4]
    login(me)
    tables = _sections(read_csv(client.get(f"/reports/summary.csv?first={first}&last={last}")))
    expected = oracle.summary(world, first, last, {me.id})
    assert int(_measure(tables["Referrals given in the range"], "Given")) == expected["given"]


def test_empty_range_summary_is_zero_with_no_rates(client, login, random_world):
    login(random_world.staff)
    rows = read_csv(client.get("/reports/summary.csv?first=2001-01-01&last=2001-01-31"))
    totals = _sections(rows)["Referrals given in the range"]
    assert _measure(totals, "Given") == "0"
    assert _measure(totals, "Win rate") == ""
    assert _measure(totals, "Median days from given to won") == ""
    html = client.get("/reports/summary?first=2001-01-01&last=2001-01-31").get_data(as_text=True)
    assert "Nothing in this range." in html


def test_referrals_by_committee_follow_how_we_know_then_shared_work(client, login, random_world):
    world = random_world
    first, last = _range()
    login(world.staff)
    tables = _sections(read_csv(client.get(f"/reports/by-committee.csv?first={first}&last={last}")))
    got = {row[0]: row[1:] for row in tables["Referrals attributed to committees"]}
    expected = oracle.attribution(world, first, last)
    names = {cid: c["name"] for cid, c in world.committees.items()}
    assert set(got) == {names.get(cid, "No shared committee") for cid in expected}
    for committee_id, referrals in expected.items():
        row = got[names.get(committee_id, "No shared committee")]
        won = [r for r in referrals if r["status"] is ReferralStatus.WON]
        assert int(row[0]) == len(referrals)
        assert int(row[1]) == sum(1 for r in referrals if r["how"] is not None)
        assert int(row[3]) == len(won)
        assert Decimal(row[4]) * 100 == sum(r["value"] for r in won)


def test_shared_work_counts_only_work_before_the_referral(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    giver, receiver = world.member("Gina Giver"), world.member("Rick Receiver")
    early = world.committee("Early", members=[giver, receiver])
    late = world.committee("Late", members=[giver, receiver])
    day = today() - timedelta(days=30)
    world.contribution(giver, early, 2, day - timedelta(days=5))
    world.contribution(receiver, early, 2, day - timedelta(days=1))
    world.contribution(giver, late, 2, day + timedelta(days=1))  # after: does not count
    world.contribution(receiver, late, 2, day - timedelta(days=90))
    world.referral(giver, receiver, day)
    login(staff)
    tables = _sections(read_csv(client.get("/reports/by-committee.csv")))
    rows = tables["Referrals attributed to committees"]
    assert rows == [["Early", "1", "0", "1", "0", "0.00"]]


def test_engagement_scores_and_lights(client, login, world, make_meeting):
    staff = world.member("Sam Staff", is_staff=True)
    busy = world.member("Busy Bee", joined_on=date(2018, 1, 1))
    quiet = world.member("Quiet Quinn", joined_on=date(2018, 1, 1))
    newbie = world.member("Nina New", joined_on=today() - timedelta(days=20))
    left = world.member("Lou Left", is_active=False)
    committee = world.committee("Events", members=[busy, quiet, newbie, left])
    meeting = make_meeting(committee, starts_in=timedelta(days=-10))
    db.session.add(
        Attendance(meeting_id=meeting.id, member_id=busy.id, status=AttendanceStatus.IN_PERSON)
    )
    db.session.commit()
    world.contribution(busy, committee, 20, today() - timedelta(days=10))
    world.contribution(busy, committee, 5, today() - timedelta(days=400))  # outside 6 months
    world.contribution(
        quiet, committee, 4, today() - timedelta(days=10), status=ContributionStatus.PENDING
    )
    world.referral(
        busy,
        quiet,
        today() - timedelta(days=3),
        status=ReferralStatus.WON,
        value_cents=250_000,
        closed_on=today(),
    )
    login(staff)
    rows = _sections(read_csv(client.get("/reports/engagement.csv")))["Engagement per member"]
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Busy Bee", "Quiet Quinn", "Nina New"}  # no staff, no one who left
    first = oracle.six_months_before(today()) + timedelta(days=1)
    days = (today() - first).days + 1
    busy_raw = 2 * 1 + 20 + 5 * 1
    quiet_raw = 2 * 1 + 2.5
    assert by_name["Busy Bee"][2:8] == ["1", "20", "0", "1", "0", "0.00"]
    assert float(by_name["Busy Bee"][8]) == pytest.approx(busy_raw * 182.625 / days, abs=0.06)
    assert float(by_name["Quiet Quinn"][8]) == pytest.approx(quiet_raw * 182.625 / days, abs=0.06)
    assert by_name["Busy Bee"][9] == "Yellow"  # default thresholds: green 30, yellow 10
    assert by_name["Quiet Quinn"][9] == "Red"
    assert by_name["Nina New"][9] == "New member"


def test_committee_health_figures(client, login, world, make_meeting, make_project):
    staff = world.member("Sam Staff", is_staff=True)
    a, b, c = world.member("A"), world.member("B"), world.member("C")
    gone = world.member("Gone", is_active=False)
    committee = world.committee("Events", chair=a, members=[b, c, gone])
    meeting = make_meeting(committee, starts_in=timedelta(days=-20))
    for person, status in (
        (a, AttendanceStatus.IN_PERSON),
        (b, AttendanceStatus.ONLINE),
        (c, AttendanceStatus.ABSENT),
        (gone, AttendanceStatus.EXCUSED),
    ):
        db.session.add(Attendance(meeting_id=meeting.id, member_id=person.id, status=status))
    db.session.commit()
    world.contribution(a, committee, 6, today() - timedelta(days=15))
    world.contribution(b, committee, 2, today() - timedelta(days=15), mode=WorkMode.ONLINE)
    make_project(committee, status=ProjectStatus.COMPLETED, ends_on=today() - timedelta(days=5))
    make_project(committee, status=ProjectStatus.COMPLETED, ends_on=today() - timedelta(days=900))
    world.referral(
        a,
        b,
        today() - timedelta(days=2),
        how_committee=committee,
        status=ReferralStatus.WON,
        value_cents=10_000,
        closed_on=today(),
    )
    login(staff)
    rows = _sections(read_csv(client.get("/reports/committee-health.csv")))["Committees"]
    assert rows == [["Events", "3", "66.7%", "8", "0.67", "75.0%", "1", "1", "100.00"]]


def test_summary_top_receivers_and_businesses_sum_their_people(
    client, login, random_world, make_business
):
    world = random_world
    roofs, gardens = make_business(name="Roofs Ltd"), make_business(name="Gardens & Co")
    owners = [roofs, roofs, roofs, gardens, gardens, None]
    for person, business in zip(world.people[:6], owners, strict=True):
        person.business_id = business.id if business else None
    db.session.commit()
    business_of = {p.id: (p.business.name if p.business else "") for p in world.people[:6]}
    first, last = _range()
    login(world.staff)
    tables = _sections(read_csv(client.get(f"/reports/summary.csv?first={first}&last={last}")))
    referrals = oracle.involved(world, first, last)

    def ranked(side: str, key) -> dict:
        figures: dict = {}
        for r in referrals:
            counts = figures.setdefault(key(r[side]), [0, 0, 0])
            counts[0] += 1
            if r["status"] is ReferralStatus.WON:
                counts[1] += 1
                counts[2] += r["value"]
        return figures

    people = ranked("receiver", lambda m: world.members[m]["name"])
    top = tables["Top receivers"]
    assert len(top) == min(10, len(people))
    for name, _business, count, won, value in top:
        assert [int(count), int(won), int(Decimal(value) * 100)] == people[name]
    assert [int(row[2]) for row in top] == sorted((int(row[2]) for row in top), reverse=True)
    for side, caption in (
        ("giver", "Top giving businesses"),
        ("receiver", "Top receiving businesses"),
    ):
        businesses = ranked(side, lambda m: business_of.get(m, "") or "(no business)")
        rows = tables[caption]
        assert {row[0]: [int(row[1]), int(row[2]), int(Decimal(row[3]) * 100)] for row in rows} == {
            name: businesses[name] for name in (row[0] for row in rows)
        }
        assert {row[0] for row in rows} == set(businesses)  # three groups, all shown


def test_the_member_tables_show_a_page_at_a_time_and_the_csv_has_them_all(
    app, client, login, world
):
    """A table of every member (engagement, givers gain) is paged on the page: on a large
    chamber it would be thousands of rows, megabytes of HTML."""
    staff = world.member("Sam Staff", is_staff=True)
    names = [f"Member {letter}" for letter in "ABCDE"]
    for name in names:
        world.member(name, joined_on=date(2018, 1, 1))
    login(staff)
    app.config["REPORT_ROWS_PER_PAGE"] = 2
    try:
        pages = [client.get(f"/reports/engagement?page={n}") for n in (1, 2, 3, 4)]
    finally:
        app.config["REPORT_ROWS_PER_PAGE"] = 100
    bodies = [page.get_data(as_text=True) for page in pages]
    assert [page.status_code for page in pages] == [200] * 4
    shown = [[name for name in names if f">{name}</a>" in body] for body in bodies]
    assert [len(on_page) for on_page in shown] == [2, 2, 1, 0]  # past the end: empty
    assert sorted(sum(shown, [])) == names  # each member once
    assert "Rows 1–2 of 5; the CSV has them all." in bodies[0]
    assert 'rel="next"' in bodies[0] and "page=2" in bodies[0]
    assert "Rows 5–5 of 5" in bodies[2] and 'rel="next"' not in bodies[2]
    rows = _sections(read_csv(client.get("/reports/engagement.csv")))["Engagement per member"]
    assert sorted(row[0] for row in rows) == names
