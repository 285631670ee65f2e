"""Issue 11: a committee page worth opening — its leads, next meetings, active projects and
the committee's calendar feed, linked from the page."""

from __future__ import annotations

import re
from datetime import timedelta

from chamber.projects.models import ProjectStatus


def test_member_sees_leads_next_meetings_projects_and_the_feed(
    make_member, make_committee, make_meeting, make_project, make_shift, login, post, client
):
    chair = make_member(full_name="Carla Chair")
    lead = make_member(full_name="Leo Lead")
    member = make_member(full_name="Mia Member")
    committee = make_committee(chair=chair, lead=lead, members=[member])
    make_meeting(committee, title="Old meeting")
    soon = make_meeting(committee, title="Planning night", starts_in=timedelta(days=5))
    project = make_project(committee, name="Riverbank Clean-up", starts_on=None)
    make_shift(project, slots=4)
    make_project(committee, name="Finished Fair", status=ProjectStatus.COMPLETED)
    login(member)
    page = client.get(f"/committees/{committee.slug}").get_data(as_text=True)
    assert "Led by" in page and "Carla Chair" in page and "Leo Lead" in page
    assert "Planning night" in page and f'href="/meetings/{soon.id}"' in page
    assert "Old meeting" not in page
    assert "Riverbank Clean-up" in page and "4 volunteer slots open" in page
    assert "Finished Fair" not in page
    assert "Create your calendar address" in page

    post("/meetings/calendar", form_page="/meetings")
    page = client.get(f"/committees/{committee.slug}").get_data(as_text=True)
    assert f"/committees/{committee.slug}.ics" in page
    feed = re.search(rf'href="([^"]+/committees/{committee.slug}\.ics)"', page).group(1)
    response = client.get(feed)
    assert response.status_code == 200 and b"Planning night" in response.data


def test_non_member_sees_projects_but_not_meetings(
    make_member, make_committee, make_meeting, make_project, login, client
):
    committee = make_committee(members=[make_member()])
    make_meeting(committee, title="Planning night", starts_in=timedelta(days=5))
    make_project(committee, name="Riverbank Clean-up")
    login(make_member())
    page = client.get(f"/committees/{committee.slug}").get_data(as_text=True)
    assert "Riverbank Clean-up" in page
    assert "Planning night" not in page
    assert "Meetings are for the committee&#39;s members" in page or (
        "Meetings are for the committee's members" in page
    )


def test_committee_page_statements_do_not_grow(
    make_member, make_committee, make_meeting, make_project, login, client, count_queries
):
    def statements(size: int) -> int:
        member = make_member()
        committee = make_committee(members=[member, *[make_member() for _ in range(size)]])
        for n in range(size):
            make_meeting(committee, starts_in=timedelta(days=n + 1))
            make_project(committee, name=f"Project {n}")
        login(member)
        client.get(f"/committees/{committee.slug}")
        with count_queries() as counted:
            assert client.get(f"/committees/{committee.slug}").status_code == 200
        client.delete_cookie("chamber_session")
        return counted.count

    assert statements(2) == statements(6)
