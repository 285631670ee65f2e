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


def test_open_slots_count_this_projects_upcoming_shifts_and_their_sign_ups(
    make_member, make_committee, make_project, make_shift, login, client, db
):
    from chamber.projects.models import ShiftSignup, SignupStatus

    member, helpers = make_member(), [make_member() for _ in range(3)]
    committee = make_committee(members=[member])
    other = make_committee()
    project = make_project(committee, name="Riverbank Clean-up", starts_on=None)
    elsewhere = make_project(other, name="Other committee's fair", starts_on=None)
    ahead = make_shift(project, slots=5)
    past = make_shift(project, slots=9, starts_in=timedelta(days=-3))
    theirs = make_shift(elsewhere, slots=2)
    for shift, status, person in [
        (ahead, SignupStatus.SIGNED_UP, helpers[0]),
        (ahead, SignupStatus.NO_SHOW, helpers[1]),  # held a slot
        (ahead, SignupStatus.CANCELLED, helpers[2]),  # holds none
        (past, SignupStatus.ATTENDED, helpers[0]),
        (theirs, SignupStatus.SIGNED_UP, helpers[1]),
    ]:
        db.session.add(ShiftSignup(shift_id=shift.id, member_id=person.id, status=status))
    db.session.commit()
    login(member)
    page = client.get(f"/committees/{committee.slug}").get_data(as_text=True)
    assert "3 volunteer slots open" in page  # 5 ahead, 2 taken; the past shift's 9 are gone

    project_page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "3 of 5 free" in project_page and "1 of 9 taken" in project_page
