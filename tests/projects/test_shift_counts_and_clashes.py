"""Issue 11: past shifts count the slots their attended and no-shows held; a shift is planned
within its project's dates, and a lead is warned (and confirms) when it overlaps a meeting of
the same committee."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from chamber.localtime import local_to_utc
from chamber.projects.models import Shift, ShiftSignup, SignupStatus


@pytest.fixture
def project_setup(make_member, make_committee, make_project):
    lead, volunteer = make_member(full_name="Lena Lead"), make_member(full_name="Vic Volunteer")
    committee = make_committee(lead=lead, members=[volunteer])
    return committee, lead, volunteer, make_project(committee, starts_on=None)


def _signups(db, shift, statuses):
    for status, member in statuses:
        db.session.add(ShiftSignup(shift_id=shift.id, member_id=member.id, status=status))
    db.session.commit()


def test_past_shift_counts_attended_and_no_shows(
    project_setup, make_member, make_shift, login, post, client, db
):
    committee, lead, volunteer, project = project_setup
    shift = make_shift(project, starts_in=timedelta(days=-2), slots=8, title="Park sweep")
    people = [make_member() for _ in range(6)]
    _signups(
        db,
        shift,
        [(SignupStatus.ATTENDED, p) for p in [volunteer, *people]]
        + [(SignupStatus.NO_SHOW, make_member())],
    )
    login(lead)
    lead_page = client.get(f"/committees/{committee.slug}/manage/projects/{project.id}").get_data(
        as_text=True
    )
    assert "8 / 8" in lead_page and "7 attended" in lead_page
    assert "0 / 8" not in lead_page

    post("/logout")
    login(volunteer)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "8 of 8 taken" in page
    assert "free" not in page.split('id="shift-')[1]
    assert "Attended" in page


def test_future_shift_still_shows_free_slots(project_setup, make_shift, login, client, db):
    _committee, _lead, volunteer, project = project_setup
    shift = make_shift(project, slots=3)
    _signups(db, shift, [(SignupStatus.SIGNED_UP, volunteer)])
    login(volunteer)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "2 of 3 free" in page


def _add_shift(post, committee, project, **fields):
    data = {
        "title": "Ticket booth",
        "starts_at": "2030-07-01T10:00",
        "ends_at": "2030-07-01T12:00",
        "mode": "in_person",
        "slots": "4",
    } | fields
    return post(
        f"/committees/{committee.slug}/manage/projects/{project.id}/shifts",
        data,
        form_page=f"/committees/{committee.slug}/manage/projects/{project.id}",
    )


def _shift_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Shift))


def test_shift_outside_project_dates_is_refused_next_to_the_field(project_setup, login, post, db):
    committee, lead, _volunteer, project = project_setup
    project.starts_on, project.ends_on = date(2030, 6, 1), date(2030, 6, 30)
    db.session.commit()
    login(lead)
    response = _add_shift(post, committee, project)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The project ends on 30 Jun 2030; the shift cannot be later" in page
    assert 'id="ends_at-error"' in page
    assert 'value="Ticket booth"' in page
    assert _shift_count(db) == 0

    response = _add_shift(
        post, committee, project, starts_at="2030-05-31T10:00", ends_at="2030-05-31T12:00"
    )
    assert "The project starts on 1 Jun 2030" in response.get_data(as_text=True)
    assert _shift_count(db) == 0

    response = _add_shift(
        post, committee, project, starts_at="2030-06-30T10:00", ends_at="2030-06-30T12:00"
    )
    assert response.status_code == 302
    assert _shift_count(db) == 1


def test_shift_over_a_committee_meeting_needs_the_lead_to_confirm(
    project_setup, make_meeting, login, post, db
):
    committee, lead, _volunteer, project = project_setup
    start = local_to_utc(datetime(2030, 7, 1, 11, 0))
    make_meeting(
        committee, title="July meeting", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    login(lead)
    response = _add_shift(post, committee, project)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This overlaps the committee&#39;s meeting “July meeting”" in page or (
        "This overlaps the committee's meeting “July meeting”" in page
    )
    assert "Mon 1 Jul 2030, 11:00–12:00" in page
    assert 'name="confirm_clash"' in page
    assert _shift_count(db) == 0

    response = _add_shift(post, committee, project, confirm_clash="y")
    assert response.status_code == 302
    assert _shift_count(db) == 1


def test_another_committees_meeting_is_no_clash(
    project_setup, make_committee, make_meeting, login, post, db
):
    committee, lead, _volunteer, project = project_setup
    start = local_to_utc(datetime(2030, 7, 1, 11, 0))
    make_meeting(make_committee(), starts_at=start, ends_at=start + timedelta(hours=1))
    login(lead)
    assert _add_shift(post, committee, project).status_code == 302
