"""Issue 11: a meeting page worth opening — RSVP (going / joining online / not going), the
attendee list for members, and an .ics for that one meeting; a shift over a meeting the
member said they would attend is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from chamber.meetings.models import MeetingMode, Rsvp, RsvpAnswer
from chamber.projects.models import ShiftSignup


@pytest.fixture
def setup(make_member, make_committee, make_meeting):
    lead = make_member(full_name="Lena Lead")
    ana = make_member(full_name="Ana Alvarez", business_name="Alvarez Bakery")
    ben = make_member(full_name="Ben Brook")
    outsider = make_member(full_name="Olga Outside")
    committee = make_committee(lead=lead, members=[ana, ben])
    meeting = make_meeting(committee, starts_in=timedelta(days=3), title="Spring planning")
    return committee, meeting, lead, ana, ben, outsider


def _answer(post, meeting, answer):
    return post(
        f"/meetings/{meeting.id}/rsvp",
        {"answer": answer},
        form_page=f"/meetings/{meeting.id}",
    )


def test_member_answers_and_others_see_who_is_coming(setup, login, post, client, db):
    _committee, meeting, _lead, ana, ben, _outsider = setup
    login(ana)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for label in ("Going", "Joining online", "Not going"):
        assert f">{label}</button>" in page
    response = _answer(post, meeting, "going")
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Your answer is saved: going." in page
    assert "Your answer: <strong>Going</strong>" in page

    # Changing one's mind updates the one answer.
    _answer(post, meeting, "online")
    assert db.session.scalars(sa.select(Rsvp.answer)).all() == [RsvpAnswer.ONLINE]

    post("/logout")
    login(ben)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'Who is coming <span class="muted">(1)</span>' in page
    assert "Ana Alvarez" in page and "Alvarez Bakery" in page


def test_no_answer_after_the_start_and_no_online_for_in_person(
    setup, make_meeting, login, post, db
):
    committee, _meeting, _lead, ana, _ben, _outsider = setup
    past = make_meeting(committee, starts_in=timedelta(hours=-1))
    in_person = make_meeting(committee, mode=MeetingMode.IN_PERSON)
    in_person.starts_at += timedelta(days=4)
    in_person.ends_at += timedelta(days=4)
    db.session.commit()
    login(ana)
    _answer(post, past, "going")
    _answer(post, in_person, "online")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0
    _answer(post, in_person, "maybe")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


def test_outsider_cannot_see_or_answer_a_committee_meeting(setup, login, post, client, db):
    _committee, meeting, *_, outsider = setup
    login(outsider)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 403
    assert _answer(post, meeting, "going").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


def test_one_meeting_as_an_ics(setup, login, client):
    _committee, meeting, _lead, ana, *_ = setup
    login(ana)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}.ics"' in page
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]).startswith("Spring planning")
    assert event.decoded("dtstart").replace(tzinfo=None) == meeting.starts_at
    assert str(event["url"]).endswith(f"/meetings/{meeting.id}")


def test_attendee_list_after_attendance_shows_who_came(
    setup, make_meeting, login, post, client, db
):
    committee, _meeting, lead, ana, ben, _outsider = setup
    past = make_meeting(committee, title="March meeting")
    login(lead)
    sheet = f"/committees/{committee.slug}/manage/meetings/{past.id}/attendance"
    post(
        sheet,
        {f"attendance-{ana.id}": "in_person", f"attendance-{ben.id}": "absent"},
        form_page=sheet,
    )
    post("/logout")
    login(ben)
    page = client.get(f"/meetings/{past.id}").get_data(as_text=True)
    assert "Who came" in page and "Ana Alvarez" in page
    assert "Ben Brook</a>" not in page


def test_shift_over_a_meeting_i_said_i_would_attend_is_refused(
    setup, make_project, make_shift, login, post, client, db
):
    committee, meeting, _lead, ana, *_ = setup
    project = make_project(committee, starts_on=None)
    shift = make_shift(project, title="Stall set-up")
    shift.starts_at, shift.ends_at = meeting.starts_at, meeting.ends_at
    db.session.commit()
    login(ana)
    _answer(post, meeting, "going")
    response = post(
        f"/shifts/{shift.id}/sign-up", form_page=f"/projects/{project.id}", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "This shift overlaps “Spring planning”" in page
    assert "which you said you would attend" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShiftSignup)) == 0

    _answer(post, meeting, "not_going")
    post(f"/shifts/{shift.id}/sign-up", form_page=f"/projects/{project.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShiftSignup)) == 1


def test_meeting_page_statements_do_not_grow_with_answers(
    make_member, make_meeting, login, client, db, count_queries
):
    event = make_meeting(None, starts_in=timedelta(days=2))
    viewer = make_member()
    login(viewer)

    def statements() -> int:
        client.get(f"/meetings/{event.id}")
        with count_queries() as counted:
            assert client.get(f"/meetings/{event.id}").status_code == 200
        return counted.count

    for _ in range(2):
        db.session.add(Rsvp(meeting_id=event.id, member_id=make_member().id, answer="going"))
    db.session.commit()
    few = statements()
    for _ in range(12):
        db.session.add(Rsvp(meeting_id=event.id, member_id=make_member().id, answer="online"))
    db.session.commit()
    assert statements() == few
