"""Lists and feeds read in a fixed number of statements whatever their length (issue 7):
projects list and page, meetings list, committee page, staff events, the calendar feeds
and the hours CSV, each with 2 and with 200 rows of what they list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chamber.committees.models import CommitteeMembership
from chamber.contributions.models import ContributionStatus
from chamber.extensions import db
from chamber.meetings import services as meeting_services
from chamber.meetings.models import Attendance, AttendanceStatus
from chamber.projects.models import ShiftSignup, SignupStatus


@pytest.fixture
def chamber(make_member, make_committee, make_project, make_shift):
    staff = make_member(is_staff=True)
    lead = make_member()
    committee = make_committee(lead=lead)
    project = make_project(committee)
    make_shift(project, slots=500)
    feed = meeting_services.create_calendar_feed(lead)
    db.session.commit()
    return {"staff": staff, "lead": lead, "committee": committee, "project": project, "feed": feed}


def _grow(chamber, n, make_member, make_meeting, make_project, make_shift, make_contribution):
    """n more of everything the pages list: members on the committee with approved hours,
    committee meetings and chamber events they attended, projects, and shifts they took."""
    committee, lead = chamber["committee"], chamber["lead"]
    for _ in range(n):
        member = make_member()
        db.session.add(CommitteeMembership(committee_id=committee.id, member_id=member.id))
        meeting = make_meeting(committee, starts_in=timedelta(days=2))
        event = make_meeting(None, starts_in=timedelta(days=3))
        for attended in (meeting, event):
            for person in (member, lead):
                db.session.add(
                    Attendance(
                        meeting_id=attended.id,
                        member_id=person.id,
                        status=AttendanceStatus.IN_PERSON,
                    )
                )
        project = make_project(committee, name=f"Project {member.id}")
        shift = make_shift(project, slots=5)
        make_shift(chamber["project"], slots=2, title=f"Crew {member.id}")
        for person in (member, lead):
            db.session.add(
                ShiftSignup(shift_id=shift.id, member_id=person.id, status=SignupStatus.SIGNED_UP)
            )
        db.session.add(
            ShiftSignup(
                shift_id=shift.id, member_id=chamber["staff"].id, status=SignupStatus.SIGNED_UP
            )
        )
        db.session.commit()
        make_contribution(member, committee, status=ContributionStatus.APPROVED)


PAGES = {
    "projects list": ("lead", "/projects"),
    "project page": ("lead", "/projects/{project}"),
    "meetings list": ("lead", "/meetings"),
    "committee page": ("lead", "/committees/{slug}"),
    "staff events": ("staff", "/staff/events"),
    "my calendar feed": (None, "/calendar/{token}.ics"),
    "committee calendar feed": (None, "/calendar/{token}/committees/{slug}.ics"),
    "hours CSV": ("lead", "/committees/{slug}/manage/hours.csv"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_statement_count_is_the_same_with_2_and_200_rows(
    chamber,
    make_member,
    make_meeting,
    make_project,
    make_shift,
    make_contribution,
    login,
    client,
    count_queries,
    page,
):
    who, template = PAGES[page]
    path = template.format(
        project=chamber["project"].id, slug=chamber["committee"].slug, token=chamber["feed"].token
    )
    if who:
        login(chamber[who])
    grow = (make_member, make_meeting, make_project, make_shift, make_contribution)
    _grow(chamber, 2, *grow)
    client.get(path)
    with count_queries() as few:
        first = client.get(path)
    assert first.status_code == 200
    _grow(chamber, 198, *grow)
    with count_queries() as many:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.get_data()) > len(first.get_data())  # the page did list more
    assert many.count == few.count, many.statements
