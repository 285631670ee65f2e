"""Issue 11: a check-in sheet usable at the door — everyone expected by name, present /
online / excused / absent ticked in one post, a search to find a name (or, at a chamber
event, anyone active), and an Excused column on the past-meetings list."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from chamber.meetings.models import Attendance, AttendanceStatus, Rsvp, RsvpAnswer


def _marks(db) -> dict:
    return dict(db.session.execute(sa.select(Attendance.member_id, Attendance.status)).all())


def _rsvp(db, meeting, member, answer):
    db.session.add(Rsvp(meeting_id=meeting.id, member_id=member.id, answer=answer))
    db.session.commit()


def test_event_sheet_lists_who_said_they_would_come_and_saves_in_one_post(
    make_member, make_meeting, login, post, client, db
):
    staff = make_member(is_staff=True)
    zoe, adam, carl = (
        make_member(full_name="Zoe Zimmer"),
        make_member(full_name="Adam Abbot"),
        make_member(full_name="Carl Cole"),
    )
    declined = make_member(full_name="Dora Declined")
    event = make_meeting(None, title="Business After Hours", starts_in=timedelta(minutes=-30))
    _rsvp(db, event, zoe, RsvpAnswer.GOING)
    _rsvp(db, event, adam, RsvpAnswer.ONLINE)
    _rsvp(db, event, carl, RsvpAnswer.GOING)
    _rsvp(db, event, declined, RsvpAnswer.NOT_GOING)
    login(staff)
    sheet = f"/staff/events/{event.id}/attendance"
    page = client.get(sheet).get_data(as_text=True)
    # In name order, with what each said; who declined is not on the sheet.
    assert page.index("Adam Abbot") < page.index("Carl Cole") < page.index("Zoe Zimmer")
    assert "Said: joining online" in page and "Said: going" in page
    assert "Dora Declined" not in page
    for label in ("In person", "Online", "Excused", "Absent"):
        assert f"<span>{label}</span>" in page

    response = post(
        sheet,
        {
            f"attendance-{zoe.id}": "in_person",
            f"attendance-{adam.id}": "online",
            f"attendance-{carl.id}": "excused",
        },
        form_page=sheet,
    )
    assert response.status_code == 302
    assert _marks(db) == {
        zoe.id: AttendanceStatus.IN_PERSON,
        adam.id: AttendanceStatus.ONLINE,
        carl.id: AttendanceStatus.EXCUSED,
    }
    page = client.get(sheet).get_data(as_text=True)
    assert "Attendance saved: 2 present." in page
    assert "<strong>1</strong> excused" in page


def test_event_search_finds_a_walk_in_but_not_a_deactivated_member(
    make_member, make_meeting, login, post, client, db
):
    staff = make_member(is_staff=True)
    walk_in = make_member(full_name="Walter Walkin", business_name="Walkin Plumbing")
    gone = make_member(full_name="Walter Gone", is_active=False)
    event = make_meeting(None)
    login(staff)
    sheet = f"/staff/events/{event.id}/attendance"
    assert "Nobody has said they will come yet" in client.get(sheet).get_data(as_text=True)
    page = client.get(sheet + "?q=plumbing").get_data(as_text=True)
    assert "Walter Walkin" in page
    page = client.get(sheet + "?q=walter").get_data(as_text=True)
    assert "Walter Walkin" in page and "Walter Gone" not in page
    # A forged row for someone not on the sheet is ignored.
    post(sheet + "?q=walter", {f"attendance-{gone.id}": "in_person"}, form_page=sheet)
    assert _marks(db) == {}
    post(sheet + "?q=walter", {f"attendance-{walk_in.id}": "in_person"}, form_page=sheet)
    assert _marks(db) == {walk_in.id: AttendanceStatus.IN_PERSON}
    # Now on the sheet without searching.
    assert "Walter Walkin" in client.get(sheet).get_data(as_text=True)


def test_committee_search_narrows_the_sheet_and_keeps_the_other_marks(
    make_member, make_committee, make_meeting, login, post, client, db
):
    lead = make_member(full_name="Lena Lead")
    ana, ben = make_member(full_name="Ana Alvarez"), make_member(full_name="Ben Brook")
    outsider = make_member(full_name="Ana Outsider")
    committee = make_committee(lead=lead, members=[ana, ben])
    meeting = make_meeting(committee)
    login(lead)
    sheet = f"/committees/{committee.slug}/manage/meetings/{meeting.id}/attendance"
    post(
        sheet,
        {f"attendance-{ben.id}": "absent", f"attendance-{lead.id}": "in_person"},
        form_page=sheet,
    )
    page = client.get(sheet + "?q=ana").get_data(as_text=True)
    assert "Ana Alvarez" in page
    assert "Ben Brook" not in page and "Ana Outsider" not in page  # only the committee's sheet
    post(sheet + "?q=ana", {f"attendance-{ana.id}": "in_person"}, form_page=sheet)
    assert _marks(db) == {
        ana.id: AttendanceStatus.IN_PERSON,
        ben.id: AttendanceStatus.ABSENT,
        lead.id: AttendanceStatus.IN_PERSON,
    }
    assert outsider.id not in _marks(db)


def test_past_meetings_list_has_an_excused_column(
    make_member, make_committee, make_meeting, login, post, client
):
    lead = make_member()
    people = [make_member() for _ in range(3)]
    committee = make_committee(lead=lead, members=people)
    meeting = make_meeting(committee)
    login(lead)
    sheet = f"/committees/{committee.slug}/manage/meetings/{meeting.id}/attendance"
    post(
        sheet,
        {
            f"attendance-{people[0].id}": "excused",
            f"attendance-{people[1].id}": "excused",
            f"attendance-{people[2].id}": "absent",
            f"attendance-{lead.id}": "in_person",
        },
        form_page=sheet,
    )
    page = client.get(f"/committees/{committee.slug}/manage/meetings").get_data(as_text=True)
    head = page[page.index("Past meetings") :]
    assert '<th class="num">Excused</th>' in head
    cells = re.findall(r'<td class="num"[^>]*>(\d+)</td>', head)[:4]
    assert cells == ["1", "0", "2", "1"]  # in person, online, excused, absent


def test_sheet_statements_do_not_grow_with_the_roster(
    make_member, make_committee, make_meeting, login, client, count_queries
):
    def statements(size: int) -> int:
        lead = make_member()
        committee = make_committee(lead=lead, members=[make_member() for _ in range(size)])
        meeting = make_meeting(committee)
        login(lead)
        sheet = f"/committees/{committee.slug}/manage/meetings/{meeting.id}/attendance"
        client.get(sheet)
        with count_queries() as counted:
            assert client.get(sheet).status_code == 200
        client.delete_cookie("chamber_session")
        return counted.count

    assert statements(3) == statements(30)
