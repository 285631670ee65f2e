"""Bad input never crashes the project and shift forms, nothing outside their rules is stored,
and what is stored still renders (SECURITY row 14)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from chamber.enums import WorkMode
from chamber.localtime import to_local
from chamber.projects.models import Project, ProjectStatus, Shift
from tests.conftest import csrf_token
from tests.fuzz import (
    FUZZ,
    dates,
    form_posts,
    is_plain_line,
    is_stored_text,
    numbers,
    one_of_text,
    start_and_end,
)

NEAR = datetime(2026, 6, 15, 9, 0)


@pytest.mark.slow
def test_project_form_never_answers_500_and_stores_only_valid_rows(
    client, db, make_member, make_committee, login
):
    lead = make_member()
    committee = make_committee(chair=lead)
    login(lead)
    path = f"/committees/{committee.slug}/manage/projects/new"
    token = csrf_token(client, path)
    statuses = [status.value for status in ProjectStatus]

    @FUZZ
    @given(
        form_posts(
            {
                "name": st.just("Spring Clean-up"),
                "summary": st.just("Parks"),
                "status": st.sampled_from(["proposed", "active"]),
                "starts_on": st.sampled_from(["", "2026-04-01"]),
                "ends_on": st.sampled_from(["", "2026-05-01"]),
            },
            {
                "name": one_of_text("Spring Clean-up"),
                "summary": one_of_text("Parks"),
                "status": one_of_text(*statuses),
                "starts_on": dates(date(2026, 4, 1)),
                "ends_on": dates(date(2026, 5, 1)),
            },
        )
    )
    def post(values):
        response = client.post(path, data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    projects = list(db.session.scalars(sa.select(Project)))
    assert projects
    for project in projects:
        assert project.committee_id == committee.id
        assert is_stored_text(project.name, 160, required=True) and is_plain_line(project.name)
        assert is_stored_text(project.summary, 5000)
        assert project.status in (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)
        if project.starts_on and project.ends_on:
            assert project.starts_on <= project.ends_on
    for page in (f"/committees/{committee.slug}/manage/projects", "/projects"):
        assert client.get(page).status_code == 200, page


def _with_times(values_and_times) -> dict:
    values, (starts_at, ends_at) = values_and_times
    return values | {"starts_at": starts_at, "ends_at": ends_at}


@pytest.mark.slow
def test_shift_form_never_answers_500_and_stores_only_valid_rows(
    client, db, make_member, make_committee, make_project, login
):
    lead = make_member()
    committee = make_committee(chair=lead)
    # A project around NEAR: shifts outside its dates are refused (issue 11).
    project = make_project(committee, starts_on=date(2026, 5, 1), ends_on=date(2026, 7, 31))
    login(lead)
    manage = f"/committees/{committee.slug}/manage/projects/{project.id}"
    token = csrf_token(client, manage)
    modes = [mode.value for mode in WorkMode]

    @FUZZ
    @given(
        st.tuples(
            form_posts(
                {
                    "title": st.just("Set-up crew"),
                    "mode": st.sampled_from(modes),
                    "place": st.just("Riverside Park"),
                    "slots": st.sampled_from(["1", "3", "500"]),
                },
                {
                    "title": one_of_text("Set-up crew"),
                    "mode": one_of_text(*modes),
                    "place": one_of_text("Riverside Park"),
                    "slots": numbers("1", "3", "500", "501", "0"),
                },
            ),
            start_and_end(NEAR),
        ).map(_with_times)
    )
    def post(values):
        response = client.post(f"{manage}/shifts", data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    shifts = list(db.session.scalars(sa.select(Shift)))
    assert shifts
    for shift in shifts:
        assert shift.project_id == project.id
        assert is_stored_text(shift.title, 160, required=True) and is_plain_line(shift.title)
        assert is_stored_text(shift.place, 200) and is_plain_line(shift.place)
        assert shift.mode in WorkMode and 1 <= shift.slots <= 500
        assert shift.starts_at < shift.ends_at <= shift.starts_at + timedelta(hours=24)
        assert project.starts_on <= to_local(shift.starts_at).date()
        assert to_local(shift.ends_at).date() <= project.ends_on
    for page in (manage, f"/projects/{project.id}"):
        assert client.get(page).status_code == 200, page


# Regressions found by the fuzzing above -------------------------------------------------


def test_shift_times_out_of_any_calendar_are_refused_not_a_500(
    client, db, make_member, make_committee, make_project, login
):
    lead = make_member()
    committee = make_committee(chair=lead)
    project = make_project(committee)
    login(lead)
    manage = f"/committees/{committee.slug}/manage/projects/{project.id}"
    response = client.post(
        f"{manage}/shifts",
        data={
            "csrf_token": csrf_token(client, manage),
            "title": "Set-up crew",
            "mode": "in_person",
            "slots": "3",
            "starts_at": "9999-12-31T20:00",
            "ends_at": "9999-12-31T21:00",
        },
    )
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2099." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Shift)) == 0


def test_project_list_shows_projects_with_their_upcoming_shifts(
    client, make_member, make_committee, make_project, make_shift, login
):
    """/projects answered 500 as soon as one project existed (paginate kept only the first
    column of its (project, count) rows)."""
    member = make_member()
    committee = make_committee(members=[member])
    busy = make_project(committee, name="Busy Project")
    make_project(committee, name="Quiet Project")
    make_shift(busy)
    make_shift(busy, starts_in=timedelta(days=5))
    make_shift(busy, starts_in=-timedelta(days=5))  # past: not upcoming
    login(member)
    response = client.get("/projects")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Busy Project" in body and "Quiet Project" in body
    assert "2 upcoming shifts" in body and "0 upcoming shifts" in body


def test_nul_characters_are_dropped_not_a_500(client, db, make_member, make_committee, login):
    """PostgreSQL refuses NUL in text columns: a summary of "\\x00" answered 500 there."""
    lead = make_member()
    committee = make_committee(chair=lead)
    login(lead)
    path = f"/committees/{committee.slug}/manage/projects/new"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "name": "Spring\x00 Clean-up",
            "summary": "\x00Parks\x00",
            "status": "proposed",
        },
    )
    assert response.status_code in (302, 400)
    for project in db.session.scalars(sa.select(Project)):
        assert "\x00" not in project.name + project.summary
