"""Shifts: capacity holds under concurrency, no overlapping sign-ups, attendance credits hours."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.enums import WorkMode
from chamber.exceptions import Conflict
from chamber.projects import services
from chamber.projects.models import Project, ProjectStatus, Shift, ShiftSignup, SignupStatus


@pytest.fixture
def project_setup(make_member, make_committee, make_project):
    lead, volunteer = make_member(), make_member()
    committee = make_committee(lead=lead, members=[volunteer])
    return committee, lead, volunteer, make_project(committee)


def _signed_up(db, shift_id) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ShiftSignup)
        .where(ShiftSignup.shift_id == shift_id, ShiftSignup.status == SignupStatus.SIGNED_UP)
    )


@pytest.mark.parametrize("slots", [1, 3])
def test_capacity_holds_when_members_sign_up_at_once(
    app, db, make_member, project_setup, make_shift, slots
):
    """Eight members race for the last slots, each in its own thread and connection."""
    _committee, _lead, _volunteer, project = project_setup
    shift_id = make_shift(project, slots=slots).id
    member_ids = [make_member().id for _ in range(8)]
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(len(member_ids))
    outcomes: list[str] = []

    def take_slot(member_id: int) -> None:
        from chamber.extensions import db as ext_db
        from chamber.members.models import Member

        with app.app_context():
            try:
                barrier.wait(timeout=10)
                member = ext_db.session.get(Member, member_id)
                shift = ext_db.session.get(Shift, shift_id)
                services.sign_up_for_shift(member, shift)
                ext_db.session.commit()
                outcomes.append("signed up")
            except Conflict as error:
                ext_db.session.rollback()
                outcomes.append(error.message)
            finally:
                ext_db.session.remove()

    threads = [threading.Thread(target=take_slot, args=(m,)) for m in member_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("signed up") == slots
    assert outcomes.count("Sorry, this shift is full.") == len(member_ids) - slots
    assert _signed_up(db, shift_id) == slots


def test_member_told_when_shift_is_full(
    project_setup, make_member, make_shift, login, post, client, db
):
    _committee, _lead, volunteer, project = project_setup
    shift = make_shift(project, slots=1)
    services.sign_up_for_shift(make_member(), shift)
    db.session.commit()
    login(volunteer)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Full" in page
    response = post(f"/shifts/{shift.id}/sign-up", follow_redirects=True)
    assert "Sorry, this shift is full." in response.get_data(as_text=True)
    assert _signed_up(db, shift.id) == 1


def test_overlapping_shift_refused(project_setup, make_shift, login, post, db):
    _committee, _lead, volunteer, project = project_setup
    first = make_shift(project, title="Morning", starts_in=timedelta(days=2), minutes=180)
    clash = make_shift(project, title="Noon", starts_in=timedelta(days=2, hours=2))
    later = make_shift(project, title="Evening", starts_in=timedelta(days=2, hours=3))
    login(volunteer)
    post(f"/shifts/{first.id}/sign-up")
    response = post(f"/shifts/{clash.id}/sign-up", follow_redirects=True)
    assert "overlaps your shift “Morning”" in response.get_data(as_text=True)
    assert _signed_up(db, clash.id) == 0
    post(f"/shifts/{later.id}/sign-up")  # starts exactly when the first ends: no clash
    assert _signed_up(db, later.id) == 1


def test_cancel_then_sign_up_again(project_setup, make_shift, login, post, db):
    _committee, _lead, volunteer, project = project_setup
    shift = make_shift(project)
    login(volunteer)
    post(f"/shifts/{shift.id}/sign-up")
    post(f"/shifts/{shift.id}/cancel")
    assert _signed_up(db, shift.id) == 0
    post(f"/shifts/{shift.id}/sign-up")
    assert _signed_up(db, shift.id) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShiftSignup)) == 1


def test_no_sign_up_on_proposed_project(project_setup, make_project, make_shift, login, post, db):
    committee, _lead, volunteer, _project = project_setup
    proposed = make_project(committee, status=ProjectStatus.PROPOSED)
    shift = make_shift(proposed)
    login(volunteer)
    assert post(f"/shifts/{shift.id}/sign-up").status_code == 403
    assert _signed_up(db, shift.id) == 0


def _move_to_past(db, shift) -> None:
    """The shift happened two days ago (sign-ups are taken before it starts)."""
    shift.starts_at -= timedelta(days=2)
    shift.ends_at -= timedelta(days=2)
    db.session.commit()


def _mark(post, committee, shift, marks: dict):
    path = f"/committees/{committee.slug}/manage/shifts/{shift.id}/signups"
    return post(path, {f"signup-{k}": v for k, v in marks.items()}, form_page=path)


def test_attended_creates_one_approved_contribution(project_setup, make_shift, login, post, db):
    committee, lead, volunteer, project = project_setup
    shift = make_shift(
        project, starts_in=timedelta(days=1), minutes=150, mode=WorkMode.ONLINE, slots=2
    )
    signup = services.sign_up_for_shift(volunteer, shift)
    db.session.commit()
    _move_to_past(db, shift)
    login(lead)
    assert _mark(post, committee, shift, {signup.id: "attended"}).status_code == 302
    assert _mark(post, committee, shift, {signup.id: "attended"}).status_code == 302
    contributions = db.session.scalars(sa.select(Contribution)).all()
    assert len(contributions) == 1
    credit = contributions[0]
    assert credit.status is ContributionStatus.APPROVED
    assert credit.hours == Decimal("2.5") and credit.mode is WorkMode.ONLINE
    assert credit.member_id == volunteer.id and credit.project_id == project.id


def test_no_show_after_attended_withdraws_the_hours_audited_and_kept(
    project_setup, make_shift, login, post, db
):
    """Issue 7 defect 6: approved hours are never deleted silently."""
    committee, lead, volunteer, project = project_setup
    shift = make_shift(project, starts_in=timedelta(days=1), minutes=120)
    signup = services.sign_up_for_shift(volunteer, shift)
    db.session.commit()
    _move_to_past(db, shift)
    login(lead)
    _mark(post, committee, shift, {signup.id: "attended"})
    response = _mark(post, committee, shift, {signup.id: "no_show"})
    assert response.status_code == 302
    db.session.commit()
    [credit] = db.session.scalars(sa.select(Contribution)).all()
    assert credit.status is ContributionStatus.WITHDRAWN
    assert credit.hours == Decimal("2") and credit.reviewer_id == lead.id
    assert "no-show" in credit.review_note.lower()
    actions = list(
        db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_id == credit.id))
    )
    assert actions.count("contribution.credited") == 1
    assert actions.count("contribution.withdrawn") == 1
    # Marked attended again: the same row counts again, nothing is duplicated.
    _mark(post, committee, shift, {signup.id: "attended"})
    db.session.commit()
    [credit] = db.session.scalars(sa.select(Contribution)).all()
    assert credit.status is ContributionStatus.APPROVED


def test_lead_cannot_mark_own_sign_up(project_setup, make_shift, login, post, client, db):
    committee, lead, _volunteer, project = project_setup
    shift = make_shift(project, starts_in=timedelta(days=1))
    signup = services.sign_up_for_shift(lead, shift)
    _move_to_past(db, shift)
    login(lead)
    response = _mark(post, committee, shift, {signup.id: "attended"})
    assert response.status_code == 400
    assert "Another lead or staff records your own attendance" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0


def test_attendance_not_before_the_shift(project_setup, make_shift, login, post, db):
    committee, lead, volunteer, project = project_setup
    shift = make_shift(project)
    signup = services.sign_up_for_shift(volunteer, shift)
    db.session.commit()
    login(lead)
    response = _mark(post, committee, shift, {signup.id: "attended"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0


def test_bad_shift_input_keeps_the_form(project_setup, login, post, db):
    committee, lead, _volunteer, project = project_setup
    login(lead)
    path = f"/committees/{committee.slug}/manage/projects/{project.id}/shifts"
    response = post(
        path,
        {
            "title": "Ticket booth",
            "starts_at": "2030-05-01T10:00",
            "ends_at": "2030-05-01T09:00",
            "mode": "in_person",
            "slots": "0",
        },
        form_page=f"/committees/{committee.slug}/manage/projects/{project.id}",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end must be after the start." in page
    assert "Between 1 and 500 volunteers." in page
    assert 'value="Ticket booth"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Shift)) == 0


def test_shift_times_are_local_and_stored_in_utc(project_setup, login, post, db):
    committee, lead, _volunteer, project = project_setup
    login(lead)
    post(
        f"/committees/{committee.slug}/manage/projects/{project.id}/shifts",
        {
            "title": "Ticket booth",
            "starts_at": "2030-07-01T10:00",
            "ends_at": "2030-07-01T12:00",
            "mode": "in_person",
            "slots": "4",
        },
        form_page=f"/committees/{committee.slug}/manage/projects/{project.id}",
    )
    shift = db.session.scalar(sa.select(Shift))
    assert shift.starts_at.hour == 14  # 10:00 in New York (EDT) is 14:00 UTC
    assert shift.hours == Decimal("2")


def test_project_status_moves_forward_only(project_setup, login, post, db):
    committee, lead, _volunteer, project = project_setup
    project.status = ProjectStatus.COMPLETED
    db.session.commit()
    login(lead)
    path = f"/committees/{committee.slug}/manage/projects/{project.id}/edit"
    response = post(path, {"name": "Reopened", "status": "active"}, form_page=path)
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status is ProjectStatus.COMPLETED and project.name == "Spring Clean-up"


def test_bad_project_input_keeps_the_form(project_setup, login, post, db):
    committee, lead, _volunteer, _project = project_setup
    login(lead)
    path = f"/committees/{committee.slug}/manage/projects/new"
    response = post(
        path,
        {
            "name": "",
            "summary": "Kept text",
            "status": "active",
            "starts_on": "2030-05-02",
            "ends_on": "2030-05-01",
        },
        form_page=path,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This field is required." in page
    assert "cannot end before it starts" in page
    assert "Kept text" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 1
