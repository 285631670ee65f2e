"""Pages of committee work read in a fixed number of statements, whatever the number of rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chamber.contributions.models import ContributionStatus
from chamber.extensions import db
from chamber.meetings.models import Attendance, AttendanceStatus
from chamber.one_to_ones.models import OneToOne
from chamber.projects.models import ShiftSignup, SignupStatus


@pytest.fixture
def busy_committee(make_member, make_committee, make_meeting, make_project, make_shift):
    lead = make_member()
    committee = make_committee(lead=lead)
    meeting = make_meeting(committee)
    project = make_project(committee)
    shift = make_shift(project, slots=500, starts_in=timedelta(days=-1))
    return {"lead": lead, "committee": committee, "meeting": meeting, "shift": shift}


def _grow(busy, make_member, make_contribution, n: int) -> None:
    """n more members on the committee, each with attendance, a sign-up, contributions and a
    one-to-one with the lead."""
    from chamber.committees.models import CommitteeMembership

    for _ in range(n):
        member = make_member()
        db.session.add(CommitteeMembership(committee_id=busy["committee"].id, member_id=member.id))
        db.session.add(
            Attendance(
                meeting_id=busy["meeting"].id, member_id=member.id, status=AttendanceStatus.ONLINE
            )
        )
        db.session.add(
            ShiftSignup(
                shift_id=busy["shift"].id, member_id=member.id, status=SignupStatus.SIGNED_UP
            )
        )
        db.session.add(
            OneToOne(
                logged_by_id=member.id,
                partner_id=busy["lead"].id,
                met_on=busy["meeting"].starts_at.date(),
                mode="in_person",
            )
        )
        db.session.commit()
        make_contribution(member, busy["committee"], status=ContributionStatus.APPROVED)
        make_contribution(member, busy["committee"])


PAGES = {
    "attendance": "/committees/{slug}/manage/meetings/{meeting}/attendance",
    "shift roster": "/committees/{slug}/manage/shifts/{shift}/signups",
    "committee dashboard": "/committees/{slug}/manage/",
    "meetings list": "/committees/{slug}/manage/meetings",
    "projects list": "/committees/{slug}/manage/projects",
    "member dashboard": "/dashboard",
    "one-to-ones": "/one-to-ones",
    "my work": "/work",
}


@pytest.mark.parametrize("page", list(PAGES))
def test_statement_count_is_the_same_with_2_and_200_rows(
    busy_committee, make_member, make_contribution, login, client, count_queries, page
):
    busy = busy_committee
    path = PAGES[page].format(
        slug=busy["committee"].slug, meeting=busy["meeting"].id, shift=busy["shift"].id
    )
    login(busy["lead"])
    _grow(busy, make_member, make_contribution, 2)
    make_contribution(busy["lead"], busy["committee"], status=ContributionStatus.APPROVED)
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _grow(busy, make_member, make_contribution, 198)
    with count_queries() as many:
        response = client.get(path)
    assert response.status_code == 200
    assert many.count == few.count, many.statements
    if page == "attendance":
        assert response.get_data(as_text=True).count('value="online" checked') == 200
