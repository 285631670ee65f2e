"""Meetings: scheduling in local time, attendance in one submit, rates, members' history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from chamber import activity
from chamber.meetings.models import Attendance, AttendanceStatus, Meeting


@pytest.fixture
def committee_setup(make_member, make_committee):
    lead = make_member(full_name="Lena Lead")
    people = [make_member(full_name=f"Person {i}") for i in range(3)]
    committee = make_committee(lead=lead, members=people)
    return committee, lead, people


def _sheet(committee, meeting) -> str:
    return f"/committees/{committee.slug}/manage/meetings/{meeting.id}/attendance"


def test_attendance_saved_in_one_submit(committee_setup, make_meeting, login, post, client, db):
    committee, lead, (ana, ben, cleo) = committee_setup
    meeting = make_meeting(committee)
    login(lead)
    page = client.get(_sheet(committee, meeting)).get_data(as_text=True)
    assert "Person 0" in page and "Lena Lead" in page
    seen = []

    def receiver(sender, **kw):
        seen.append(kw["member_ids"])

    with activity.attendance_recorded.connected_to(receiver):
        response = post(
            _sheet(committee, meeting),
            {
                f"attendance-{ana.id}": "in_person",
                f"attendance-{ben.id}": "online",
                f"attendance-{cleo.id}": "excused",
                f"attendance-{lead.id}": "in_person",
            },
            form_page=_sheet(committee, meeting),
        )
    assert response.status_code == 302
    marks = dict(db.session.execute(sa.select(Attendance.member_id, Attendance.status)).all())
    assert marks == {
        ana.id: AttendanceStatus.IN_PERSON,
        ben.id: AttendanceStatus.ONLINE,
        cleo.id: AttendanceStatus.EXCUSED,
        lead.id: AttendanceStatus.IN_PERSON,
    }
    assert seen == [{ana.id, ben.id, lead.id}]
    # Correcting the sheet: Ben was absent, Cleo's mark cleared.
    post(
        _sheet(committee, meeting),
        {
            f"attendance-{ana.id}": "in_person",
            f"attendance-{ben.id}": "absent",
            f"attendance-{lead.id}": "in_person",
        },
        form_page=_sheet(committee, meeting),
    )
    marks = dict(db.session.execute(sa.select(Attendance.member_id, Attendance.status)).all())
    assert marks[ben.id] is AttendanceStatus.ABSENT and cleo.id not in marks
    db.session.refresh(meeting)
    assert meeting.attendance_taken_at is not None


def test_bad_attendance_value_saves_nothing(committee_setup, make_meeting, login, post, db):
    committee, lead, (ana, ben, _cleo) = committee_setup
    meeting = make_meeting(committee)
    login(lead)
    response = post(
        _sheet(committee, meeting),
        {f"attendance-{ana.id}": "in_person", f"attendance-{ben.id}": "teleported"},
        form_page=_sheet(committee, meeting),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose present, online, absent or excused" in page
    assert f'id="a-{ana.id}-in_person" name="attendance-{ana.id}" value="in_person" checked' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_no_attendance_before_the_meeting(committee_setup, make_meeting, login, post, db):
    committee, lead, (ana, _ben, _cleo) = committee_setup
    meeting = make_meeting(committee, starts_in=timedelta(days=2))
    login(lead)
    response = post(
        _sheet(committee, meeting),
        {f"attendance-{ana.id}": "in_person"},
        form_page=_sheet(committee, meeting),
    )
    assert response.status_code == 400
    assert "once the meeting has started" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_meeting_form_local_times_and_bad_input(committee_setup, login, post, client, db):
    committee, lead, _people = committee_setup
    login(lead)
    path = f"/committees/{committee.slug}/manage/meetings/new"
    response = post(
        path,
        {
            "title": "Planning night",
            "starts_at": "2030-01-15T18:00",
            "ends_at": "2030-01-15T17:00",
            "mode": "hybrid",
            "place": "Library",
        },
        form_page=path,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end must be after the start." in page and 'value="Planning night"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0
    response = post(
        path,
        {
            "title": "Planning night",
            "starts_at": "2030-01-15T18:00",
            "ends_at": "2030-01-15T19:30",
            "mode": "hybrid",
            "place": "Library",
        },
        form_page=path,
    )
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.starts_at.hour == 23  # 18:00 in New York (EST) is 23:00 UTC
    listing = client.get(f"/committees/{committee.slug}/manage/meetings").get_data(as_text=True)
    assert "15 Jan 2030, 18:00" in listing


def test_meeting_edit_page_shows_the_meeting_and_keeps_what_was_typed(
    committee_setup, make_meeting, login, post, client
):
    committee, lead, _people = committee_setup
    meeting = make_meeting(committee, title="Budget review", place="Back room")
    login(lead)
    path = f"/committees/{committee.slug}/manage/meetings/{meeting.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'value="Budget review"' in page and 'value="Back room"' in page
    response = post(path, {"title": "Budget night", "place": "Library"}, form_page=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Budget night"' in page and 'value="Budget review"' not in page


def test_member_sees_own_history_and_dashboard_rate(
    committee_setup, make_meeting, login, post, client, db
):
    committee, lead, (ana, ben, cleo) = committee_setup
    meeting = make_meeting(committee, title="January meeting")
    login(lead)
    post(
        _sheet(committee, meeting),
        {
            f"attendance-{ana.id}": "in_person",
            f"attendance-{ben.id}": "absent",
            f"attendance-{cleo.id}": "excused",
            f"attendance-{lead.id}": "online",
        },
        form_page=_sheet(committee, meeting),
    )
    dashboard = client.get(f"/committees/{committee.slug}/manage/").get_data(as_text=True)
    assert "67%" in dashboard  # 2 present of 3 expected (excused does not count against)
    client.post("/logout", data={"csrf_token": ""})
    client.delete_cookie("chamber_session")
    login(ana)
    page = client.get("/meetings").get_data(as_text=True)
    assert "January meeting" in page and "Present in person" in page


def test_meeting_of_another_committee_is_not_shown_to_outsiders(
    committee_setup, make_member, make_meeting, login, client
):
    committee, _lead, _people = committee_setup
    meeting = make_meeting(committee)
    login(make_member())
    assert client.get(f"/meetings/{meeting.id}").status_code == 403


def test_staff_run_chamber_events(make_member, login, post, client, db):
    member = make_member(full_name="Wanda Walk-in")
    login(member)
    assert client.get("/staff/events").status_code == 403
    staff = make_member(is_staff=True)
    client.delete_cookie("chamber_session")
    login(staff)
    response = post(
        "/staff/events/new",
        {
            "title": "Business After Hours",
            "starts_at": "2020-03-01T18:00",
            "ends_at": "2020-03-01T20:00",
            "mode": "in_person",
        },
        form_page="/staff/events/new",
    )
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Meeting))
    assert event.committee_id is None
    # Staff find the person by name on the check-in sheet and tick them present.
    sheet = f"/staff/events/{event.id}/attendance"
    page = client.get(sheet + "?q=wanda").get_data(as_text=True)
    assert "Wanda Walk-in" in page and f'name="attendance-{member.id}"' in page
    response = post(sheet + "?q=wanda", {f"attendance-{member.id}": "in_person"}, form_page=sheet)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Attendance.member_id)) == member.id
