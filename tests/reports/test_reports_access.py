"""Who sees which report: members themselves (1, 4, 6), leads their committee, staff all;
prospect details never appear; charts are SVG images under their own CSP; CSV is safe."""

from __future__ import annotations

import difflib
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.extensions import db
from chamber.referrals.models import ReferralStatus
from chamber.reports.cache import cache as report_cache
from chamber.reports.views import REPORTS
from tests.reports.conftest import read_csv, today

PAGES = list(REPORTS)  # the slugs, in the order of the reports menu


@pytest.fixture
def cast(world):
    staff = world.member("Sam Staff", is_staff=True)
    lead, member, outsider = (
        world.member("Lena Lead"),
        world.member("Mo Member"),
        world.member("Oz"),
    )
    other_lead = world.member("Otto Lead")
    mine = world.committee("Events", chair=lead, members=[member])
    theirs = world.committee("Ambassadors", chair=other_lead, members=[outsider])
    world.contribution(member, mine, 3, today() - timedelta(days=4))
    world.referral(
        member,
        lead,
        today() - timedelta(days=2),
        status=ReferralStatus.WON,
        value_cents=99_00,
        prospect="Priscilla Prospect-Secret",
    )
    world.referral(
        outsider, other_lead, today() - timedelta(days=2), prospect="Priscilla Prospect-Secret"
    )
    return staff, lead, member, outsider, mine, theirs


@pytest.mark.parametrize("slug", PAGES)
def test_staff_see_every_report_page_csv_and_chart(client, login, cast, slug):
    staff, *_ = cast
    login(staff)
    page = client.get(f"/reports/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Prospect-Secret" not in html and "prospect.example" not in html
    csv_response = client.get(f"/reports/{slug}.csv")
    assert "Prospect-Secret" not in csv_response.get_data(as_text=True)
    assert read_csv(csv_response)
    charts = [part.split('"')[0] for part in html.split(f'src="/reports/{slug}/')[1:]]
    assert charts
    for chart in charts:
        svg = client.get(f"/reports/{slug}/{chart}".replace("&amp;", "&"))
        assert svg.status_code == 200
        assert svg.mimetype == "image/svg+xml"
        assert svg.headers["Content-Security-Policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
        assert svg.data.lstrip().startswith(b"<?xml") and b"<svg" in svg.data
        assert b"<script" not in svg.data


@pytest.mark.parametrize("slug", ["summary", "ties", "engagement"])
def test_member_sees_own_summary_and_engagement(client, login, cast, slug):
    _, _, member, outsider, *_ = cast
    login(member)
    assert client.get(f"/reports/{slug}").status_code == 200
    assert client.get(f"/reports/{slug}?member={member.id}").status_code == 200
    assert client.get(f"/reports/{slug}.csv").status_code == 200
    assert client.get(f"/reports/{slug}?member={outsider.id}").status_code == 403
    assert client.get(f"/reports/{slug}.csv?member={outsider.id}").status_code == 403


@pytest.mark.parametrize("slug", ["by-committee", "givers-gain", "network", "committee-health"])
def test_member_gets_403_on_chamber_and_committee_reports(client, login, cast, slug):
    _, _, member, _, mine, _ = cast
    login(member)
    assert client.get(f"/reports/{slug}").status_code == 403
    assert client.get(f"/reports/{slug}?committee={mine.id}").status_code == 403
    assert client.get(f"/reports/{slug}.csv").status_code == 403


@pytest.mark.parametrize("slug", PAGES)
def test_lead_sees_own_committee_but_not_another_nor_the_chamber(client, login, cast, slug):
    _, lead, member, outsider, mine, theirs = cast
    login(lead)
    assert client.get(f"/reports/{slug}?committee={mine.id}").status_code == 200
    assert client.get(f"/reports/{slug}?committee={theirs.id}").status_code == 403
    assert client.get(f"/reports/{slug}.csv?committee={theirs.id}").status_code == 403
    if slug in ("summary", "ties", "engagement"):
        # Their committee's members, one by one; not someone of another committee.
        assert client.get(f"/reports/{slug}?member={member.id}").status_code == 200
        assert client.get(f"/reports/{slug}?member={outsider.id}").status_code == 403
    else:
        # Without a scope a lead gets their committee, never the whole chamber.
        html = client.get(f"/reports/{slug}").get_data(as_text=True)
        assert "members of Events" in html


def test_unknown_scope_and_chart_are_404(client, login, cast):
    staff, *_ = cast
    login(staff)
    assert client.get("/reports/summary?committee=999999").status_code == 404
    assert client.get("/reports/summary?member=999999").status_code == 404
    assert client.get("/reports/summary?member=abc").status_code == 404
    assert client.get("/reports/summary/nonsense.svg").status_code == 404
    assert client.get("/reports/nonsense").status_code == 404


def test_bad_dates_are_a_field_error_not_a_500(client, login, cast):
    staff, *_ = cast
    login(staff)
    for query in (
        "first=2025-13-45",
        "first=1800-01-01",
        "first=2025-06-01&last=2025-01-01",
        "first=2001-01-01&last=2025-01-01",
        "last=%00",
        "first=' OR 1=1 --",
    ):
        response = client.get(f"/reports/summary?{query}")
        assert response.status_code == 200, query
        assert 'class="error"' in response.get_data(as_text=True), query


def test_chart_is_cached_until_the_data_changes(client, login, cast, world, count_queries):
    staff, lead, member, *_ = cast
    login(staff)
    first = client.get("/reports/summary/trend.svg")
    with count_queries() as cold:
        client.get("/reports/summary/funnel.svg")
    with count_queries() as warm:
        again = client.get("/reports/summary/trend.svg")
    assert again.data == first.data
    assert warm.count < cold.count
    world.referral(lead, member, today() - timedelta(days=1))
    with count_queries() as changed:
        client.get("/reports/summary/trend.svg")
    assert changed.count > warm.count  # a new referral: drawn again


def test_chart_is_drawn_again_after_a_late_commit_with_an_earlier_time_stamp(
    client, login, cast, world
):
    """A change committed after a newer one (its time stamp older than the newest) still
    gives a new chart: the cache key does not rest on the newest change time."""
    staff, lead, member, *_ = cast
    world.referral(lead, member, today() - timedelta(days=3))
    world.referral(member, lead, today() - timedelta(days=2))
    login(staff)
    before = client.get("/reports/summary/trend.svg").data
    # An open referral is won, written as a transaction that began (and stamped its row)
    # before the newest change and committed after it: no count, no newest time moves.
    first_id = db.session.scalar(sa.text("SELECT min(id) FROM referrals WHERE status = 'given'"))
    oldest = db.session.scalar(sa.text("SELECT min(updated_at) FROM referrals"))
    db.session.execute(
        sa.text(
            "UPDATE referrals SET status = 'won', closed_value_cents = 987654, "
            "closed_on = given_on, updated_at = :oldest WHERE id = :id"
        ),
        {"oldest": oldest, "id": first_id},
    )
    db.session.commit()
    after = client.get("/reports/summary/trend.svg").data
    assert after != before
    assert "9,876.54" in client.get("/reports/summary").get_data(as_text=True)


def test_csv_cells_that_look_like_formulas_are_neutralised(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    evil = world.member('=HYPERLINK("http://x")')
    other = world.member("+Plus")
    world.committee("Events", members=[evil, other])
    world.referral(evil, other, today() - timedelta(days=1))
    login(staff)
    text = client.get("/reports/summary.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "'+Plus" in text
    assert "\n=" not in text and ",=" not in text


def test_report_pages_print_on_a4_without_navigation(client, login, cast, app):
    staff, *_ = cast
    login(staff)
    html = client.get("/reports/givers-gain").get_data(as_text=True)
    assert 'href="/static/css/print.css" media="print"' in html
    assert '<img class="chart-image"' in html and 'alt="' in html
    css = (Path(app.static_folder) / "css" / "print.css").read_text()
    assert "size: A4" in css
    assert ".site-nav" in css and "display: none" in css
    assert "figure.chart" in css and ".chart-image" in css


def test_lead_cannot_change_thresholds(client, login, post, cast):
    _, lead, *_ = cast
    login(lead)
    assert client.get("/staff/reports/engagement-thresholds").status_code == 403
    response = post(
        "/staff/reports/engagement-thresholds",
        {"green_from": "3", "yellow_from": "1", "version_id": ""},
    )
    assert response.status_code == 403
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "reports.thresholds_changed")
        )
        == 0
    )


def test_thresholds_page_is_staff_only_and_audited(client, login, post, cast, world):
    staff, lead, member, *_ = cast
    login(staff)
    page = client.get("/staff/reports/engagement-thresholds")
    assert page.status_code == 200
    bad = post(
        "/staff/reports/engagement-thresholds",
        {"green_from": "10", "yellow_from": "20", "version_id": ""},
        form_page="/staff/reports/engagement-thresholds",
    )
    assert bad.status_code == 400
    assert "Yellow must start below green." in bad.get_data(as_text=True)
    saved = post(
        "/staff/reports/engagement-thresholds",
        {"green_from": "3", "yellow_from": "1", "version_id": ""},
        form_page="/staff/reports/engagement-thresholds",
        follow_redirects=True,
    )
    assert "thresholds are saved" in saved.get_data(as_text=True)
    assert "green from 3, yellow from 1" in saved.get_data(as_text=True)
    stale = post(
        "/staff/reports/engagement-thresholds",
        {"green_from": "50", "yellow_from": "1", "version_id": ""},
        form_page="/staff/reports/engagement-thresholds",
    )
    assert stale.status_code == 400
    assert "changed by someone else" in stale.get_data(as_text=True)
    rows = read_csv(client.get("/reports/engagement.csv"))
    lights = {row[1]: row[10] for row in rows if row[0] == "Engagement per member"}
    assert lights["Mo Member"] == "Green"  # 3 hours + 5 for the referral given ≥ 3
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "reports.thresholds_changed")
    ).all()
    assert len(entries) == 1
    assert entries[0].actor_id == staff.id
    assert entries[0].before == {"green_from": 30, "yellow_from": 10}
    assert entries[0].after == {"green_from": 3, "yellow_from": 1}


@pytest.mark.parametrize("slug", PAGES)
def test_built_report_is_kept_until_the_data_changes(
    client, login, cast, world, count_queries, slug
):
    """A report's figures are kept between views (fewer statements the second time) and
    never outlive a change: after one, the page and the CSV hold what a fresh build holds."""
    staff, lead, member, _outsider, mine, _theirs = cast
    login(staff)
    before = client.get(f"/reports/{slug}.csv").data
    with count_queries() as cold:
        client.get(f"/reports/{slug}?first={today() - timedelta(days=30)}")
    with count_queries() as warm:
        client.get(f"/reports/{slug}?first={today() - timedelta(days=30)}")
    assert warm.count < cold.count
    # A change for every report: a member (network, engagement, givers gain), their hours
    # (committee health) and a referral with a shared committee (summary, 2, 4).
    newcomer = world.member("Nell Newcomer")
    world.contribution(newcomer, mine, 5, today() - timedelta(days=3))
    world.referral(
        newcomer, lead, today() - timedelta(days=1), status=ReferralStatus.WON, value_cents=123_45
    )
    after = client.get(f"/reports/{slug}.csv").data
    assert after != before
    page = _report_part(client.get(f"/reports/{slug}"))
    report_cache.clear()  # what a build from scratch shows
    assert client.get(f"/reports/{slug}.csv").data == after
    fresh = _report_part(client.get(f"/reports/{slug}"))
    assert fresh == page, "\n".join(difflib.unified_diff(page.split("\n"), fresh.split("\n")))


def _report_part(response) -> str:
    """The report itself (its heading, filters, tables and charts), not the site's frame."""
    return response.get_data(as_text=True).split('class="page-head report-head"', 1)[1]


def test_names_in_report_tables_are_escaped_and_figures_shown_as_written(client, login, world):
    staff = world.member("Sam Staff", is_staff=True)
    odd = world.member('<b>Bold</b> & "Co"', joined_on=date(2019, 1, 1))
    other = world.member("Ann", joined_on=date(2019, 1, 1))
    committee = world.committee("Events", members=[odd, other])
    world.contribution(odd, committee, 12.5, today() - timedelta(days=3))
    world.referral(
        other, odd, today() - timedelta(days=3), status=ReferralStatus.WON, value_cents=123456
    )
    login(staff)
    html = client.get("/reports/engagement").get_data(as_text=True)
    assert "<b>Bold</b>" not in html
    assert f'<a href="/members/{odd.id}">&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;Co&#34;</a>' in html
    # Numbers and money as the page writes them (the cells that need no escaping).
    assert '<td class="num">12.5</td>' in html
    assert '<td class="num">$1,234.56</td>' in html
