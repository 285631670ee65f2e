"""The member dashboard and the staff dashboard: what they show, and in how many SQL
statements (the same with 2 and with 40 of everything they count or list; issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chamber.contributions import queries as contribution_queries
from chamber.contributions.models import ContributionStatus
from chamber.enums import WorkMode
from chamber.extensions import db
from chamber.localtime import chamber_today, local_day_bounds, local_to_utc, quarter_start
from chamber.meetings import queries as meeting_queries
from chamber.meetings.models import Attendance, AttendanceStatus
from chamber.notifications.models import Notification
from chamber.portal.figures import dashboard_figures
from chamber.portal.staff import staff_figures
from chamber.referrals import queries as referral_queries
from chamber.referrals import services as referral_services
from chamber.referrals.models import ReferralStatus, ReferralTemperature
from chamber.relationships import queries as relationship_queries
from tests.conftest import without_csrf

TARGET = 12


def _give(giver, receiver, *, won_cents=None):
    referral = referral_services.give_referral(
        giver,
        receiver,
        {
            "prospect_name": "Pat Prospect",
            "prospect_email": "pat@prospect.example",
            "prospect_phone": "+1 555 0100",
            "need": "A new roof before winter.",
            "temperature": ReferralTemperature.HOT,
        },
    )
    db.session.commit()
    if won_cents:
        referral_services.change_referral_status(
            receiver,
            referral,
            ReferralStatus.WON,
            version_id=referral.version_id,
            closed_value_cents=won_cents,
            closed_on=chamber_today(),
        )
        db.session.commit()
    return referral


def _grow(n, me, committee, make_member, make_meeting, make_contribution):
    """n more of everything the dashboards count: colleagues, meetings attended, approved and
    pending hours, referrals both ways (some won), notifications."""
    from chamber.committees.models import CommitteeMembership

    for i in range(n):
        other = make_member()
        db.session.add(CommitteeMembership(committee_id=committee.id, member_id=other.id))
        meeting = make_meeting(committee, starts_in=timedelta(days=-1))
        for person in (me, other):
            db.session.add(
                Attendance(
                    meeting_id=meeting.id, member_id=person.id, status=AttendanceStatus.IN_PERSON
                )
            )
        db.session.add(
            Notification(member_id=me.id, kind="test", message=f"Note about {other.full_name}")
        )
        db.session.commit()
        make_contribution(me, committee, status=ContributionStatus.APPROVED)
        make_contribution(other, committee, mode=WorkMode.ONLINE)
        _give(other, me, won_cents=10_000 if i % 2 else None)
        _give(me, other)
    return other


@pytest.fixture
def world(make_member, make_committee):
    me = make_member()
    staff = make_member(is_staff=True)
    committee = make_committee(chair=me)
    return {"me": me, "staff": staff, "committee": committee}


def _statements(client, count_queries, path="/dashboard"):
    client.get(path)  # the welcome flash and first-request work out of the way
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return queries.count, response.get_data(as_text=True)


def test_member_dashboard_reads_the_same_statements_for_2_and_40_of_everything(
    client, login, count_queries, world, make_member, make_meeting, make_contribution
):
    me, committee = world["me"], world["committee"]
    latest = _grow(2, me, committee, make_member, make_meeting, make_contribution)
    login(me)
    few, body = _statements(client, count_queries)
    assert f"Note about {latest.full_name}" in body
    latest = _grow(38, me, committee, make_member, make_meeting, make_contribution)
    many, body = _statements(client, count_queries)
    assert f"Note about {latest.full_name}" in body
    assert few == many <= TARGET


def test_dashboard_figures_equal_each_features_own_query(
    app, world, make_member, make_meeting, make_contribution
):
    me, committee = world["me"], world["committee"]
    _grow(5, me, committee, make_member, make_meeting, make_contribution)
    with app.test_request_context():
        figures = dashboard_figures(me)
        today = chamber_today()
        since = quarter_start(today)
        from datetime import datetime

        from chamber.one_to_ones import queries as one_to_one_queries

        hours = contribution_queries.approved_hours_by_mode(me, since)
        assert figures.hours_in_person == hours.get(WorkMode.IN_PERSON, 0)
        assert figures.hours_online == hours.get(WorkMode.ONLINE, 0)
        meetings = meeting_queries.attendance_by_mode(
            me, local_to_utc(datetime.combine(since, datetime.min.time()))
        )
        assert figures.meetings_in_person == meetings.get(AttendanceStatus.IN_PERSON, 0) == 5
        assert figures.meetings_online == meetings.get(AttendanceStatus.ONLINE, 0)
        one_to_ones = one_to_one_queries.confirmed_by_mode(me, since)
        assert figures.one_to_ones_in_person == one_to_ones.get(WorkMode.IN_PERSON, 0)
        year_start = today.replace(month=1, day=1)
        given_since, _ = local_day_bounds(year_start, None)
        assert figures.referrals == referral_queries.member_summary(me, year_start, given_since)
        assert figures.referrals["won_received"] == 2
        balance = relationship_queries.balance(me)
        assert (figures.ties_in_person, figures.ties_online) == pytest.approx(
            (balance.in_person, balance.online)
        )


def test_staff_land_on_what_they_act_on(
    client, login, world, make_member, make_committee, make_contribution, count_queries
):
    me, committee = world["me"], world["committee"]
    quiet = make_committee(name="Quiet Committee")
    make_contribution(me, committee)
    make_contribution(me, committee)
    make_member(password=None, full_name="Ivy Invited")  # invited: no password yet
    _give(make_member(), me, won_cents=123_456)
    login(world["staff"])
    statements, body = _statements(client, count_queries)
    assert 'data-dashboard="staff"' in body
    assert committee.name in body and "2 to decide" in body and quiet.name not in body
    assert f"/committees/{committee.slug}/manage/approvals" in body
    assert "$1,234.56" in body
    assert statements <= TARGET


def test_members_do_not_see_the_staff_dashboard(client, login, world):
    login(world["me"])
    body = client.get("/dashboard").get_data(as_text=True)
    assert 'data-dashboard="staff"' not in body and "My committees" in body


def test_staff_dashboard_counts_match_the_lists_they_link_to(
    app, client, login, count_queries, world, make_member, make_meeting, make_contribution
):
    login(world["staff"])
    few, _ = _statements(client, count_queries)
    _grow(10, world["me"], world["committee"], make_member, make_meeting, make_contribution)
    make_member(password=None)
    many, _ = _statements(client, count_queries)
    assert few == many
    with app.test_request_context():
        figures = staff_figures()
        floor = relationship_queries.working_floor(chamber_today())
        at_risk = relationship_queries.members_without_working_tie(floor, 1).total
        assert figures.without_working_tie == at_risk
        assert figures.invited == 1
        assert figures.approvals_waiting == 10
        assert figures.won_this_month == 5


def _stat(body: str, label: str) -> str:
    """The number shown before a stat's label on the staff dashboard."""
    before = body.split(f'<span class="stat-label">{label}', 1)[0]
    return before.rsplit('<span class="stat-value">', 1)[1].split("</span>", 1)[0]


def test_staff_dashboard_counts_are_never_stale(
    client, login, world, make_member, make_contribution
):
    """The chamber-wide counts are kept between views (issue 14), keyed by the data version:
    every change they depend on shows on the very next view."""
    staff, committee = world["staff"], world["committee"]
    login(staff)
    client.get("/dashboard")  # the sign-in's flash out of the way
    body = client.get("/dashboard").get_data(as_text=True)
    again = client.get("/dashboard").get_data(as_text=True)
    assert without_csrf(again) == without_csrf(body)  # kept, the same answer
    at_risk = int(_stat(body, "members with no working tie"))
    waiting = int(_stat(body, "waiting across"))

    make_member(full_name="Nina Newcomer")  # joins with no tie at all
    make_contribution(world["me"], committee)  # waiting for the committee's leads
    body = client.get("/dashboard").get_data(as_text=True)
    assert int(_stat(body, "members with no working tie")) == at_risk + 1
    assert int(_stat(body, "waiting across")) == waiting + 1

    make_member(password=None, full_name="Ivy Invited")  # the password is not watched
    body = client.get("/dashboard").get_data(as_text=True)
    assert int(_stat(body, "invitations outstanding")) == 1
