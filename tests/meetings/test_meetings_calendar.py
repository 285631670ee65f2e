"""Calendar feeds: private per-member URLs that work without a session and can be revoked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from chamber.projects import services as project_services


@pytest.fixture
def member_with_schedule(make_member, make_committee, make_meeting, make_project, make_shift, db):
    member = make_member()
    committee = make_committee(members=[member])
    make_meeting(committee, title="Board meeting", starts_in=timedelta(days=5))
    make_meeting(None, title="Chamber Expo", starts_in=timedelta(days=9))
    other = make_committee()
    make_meeting(other, title="Secret meeting", starts_in=timedelta(days=6))
    shift = make_shift(make_project(committee), title="Welcome desk")
    project_services.sign_up_for_shift(member, shift)
    db.session.commit()
    return member, committee, other


def _feed_path(client, post) -> str:
    post("/meetings/calendar", form_page="/meetings")
    page = client.get("/meetings").get_data(as_text=True)
    return re.search(r'value="http://[^/"]+(/calendar/[^"]+\.ics)"', page).group(1)


def test_feed_lists_my_meetings_and_shifts_without_a_session(
    app, member_with_schedule, login, client, post
):
    member, _committee, _other = member_with_schedule
    login(member)
    path = _feed_path(client, post)
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert any("Board meeting" in s for s in summaries)
    assert any("Chamber Expo" in s for s in summaries)
    assert any("Welcome desk" in s for s in summaries)
    assert not any("Secret meeting" in s for s in summaries)


def test_revoked_and_replaced_feed_tokens_stop_working(
    app, member_with_schedule, login, client, post
):
    member, _committee, _other = member_with_schedule
    login(member)
    first = _feed_path(client, post)
    second = _feed_path(client, post)  # "Make a new address"
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    post("/meetings/calendar/revoke", form_page="/meetings")
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404


def test_committee_feed_only_for_its_members(app, member_with_schedule, login, client, post):
    member, committee, other = member_with_schedule
    login(member)
    path = _feed_path(client, post)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    anonymous = app.test_client()
    mine = anonymous.get(f"/calendar/{token}/committees/{committee.slug}.ics")
    assert mine.status_code == 200 and b"Board meeting" in mine.data
    assert anonymous.get(f"/calendar/{token}/committees/{other.slug}.ics").status_code == 403
