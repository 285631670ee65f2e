"""No double submit (SECURITY row 20, issue 12 finding 2): every create form carries a
one-time token, and one rendered form saves at most one row, however often it is posted —
one after another (a double click, a resent POST) or racing (chamber.once.submit_once)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from chamber.committees.models import Committee
from chamber.db import utcnow
from chamber.exceptions import AlreadySubmitted, Conflict
from chamber.extensions import db as _db
from chamber.localtime import chamber_today
from chamber.meetings import services as meeting_services
from chamber.meetings.models import Meeting, MeetingMode
from chamber.members.models import Member
from chamber.once import FormSubmission, new_form_token, submit_once
from chamber.projects.models import Project, ProjectStatus, Shift
from tests.concurrency import at_once
from tests.conftest import csrf_token

_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')


def _count(db, model) -> int:
    db.session.commit()  # a fresh snapshot: what the requests wrote
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def chamber(make_member, make_committee, db):
    staff = make_member(is_staff=True)
    chair = make_member()
    committee = make_committee(chair=chair)
    project = Project(
        committee_id=committee.id, name="Clean-up", status=ProjectStatus.ACTIVE, summary=""
    )
    db.session.add(project)
    db.session.commit()
    return staff, chair, committee, project


def _later(days: int, hour: int) -> str:
    return f"{chamber_today() + timedelta(days=days)}T{hour:02d}:00"


def _create_forms(staff, chair, committee, project):
    """(who posts, form page, post target, fields, model counted) for every create form
    that leads and staff use (members' own create forms have their own tests)."""
    slug = committee.slug
    meeting = {
        "title": "Planning",
        "starts_at": _later(3, 18),
        "ends_at": _later(3, 19),
        "mode": "in_person",
        "place": "Town hall",
        "agenda": "",
    }
    return [
        (chair, f"/committees/{slug}/manage/meetings/new", None, meeting, Meeting),
        (staff, "/staff/events/new", None, meeting | {"title": "Mixer"}, Meeting),
        (
            chair,
            f"/committees/{slug}/manage/projects/new",
            None,
            {"name": "Food drive", "summary": "Cans", "status": "proposed"},
            Project,
        ),
        (
            chair,
            f"/committees/{slug}/manage/projects/{project.id}",
            f"/committees/{slug}/manage/projects/{project.id}/shifts",
            {
                "title": "Morning crew",
                "starts_at": _later(4, 9),
                "ends_at": _later(4, 11),
                "mode": "in_person",
                "place": "Park",
                "slots": "4",
            },
            Shift,
        ),
        (
            staff,
            "/staff/committees/new",
            None,
            {"name": "Green Streets", "slug": "green-streets", "mission": "", "description": ""},
            Committee,
        ),
    ]


def test_every_create_form_saves_once_per_rendered_form(app, client, db, login, chamber):
    staff, chair, committee, project = chamber
    for actor, page, target, fields, model in _create_forms(staff, chair, committee, project):
        client.post("/logout", data={"csrf_token": csrf_token(client)})
        login(actor)
        html = client.get(page).get_data(as_text=True)
        token = _TOKEN.search(html)
        assert token, f"{page} renders no form token"
        before = _count(db, model)
        data = {"csrf_token": csrf_token(client, page), "form_token": token.group(1), **fields}
        first = client.post(target or page, data=data)
        second = client.post(target or page, data=data)
        assert first.status_code == 302, (page, first.status_code)
        assert second.status_code == 302, (page, second.status_code)
        assert second.headers["Location"] == first.headers["Location"]
        assert _count(db, model) == before + 1, page
        follow = client.get(second.headers["Location"]).get_data(as_text=True)
        assert "already sent this form" in follow, page


def test_a_create_form_without_its_token_saves_nothing(client, db, login, chamber):
    _staff, chair, committee, _project = chamber
    login(chair)
    page = f"/committees/{committee.slug}/manage/meetings/new"
    for token in ("", "not-a-uuid"):
        response = client.post(
            page,
            data={
                "csrf_token": csrf_token(client, page),
                "form_token": token,
                "title": "Planning",
                "starts_at": _later(3, 18),
                "ends_at": _later(3, 19),
                "mode": "in_person",
            },
        )
        assert response.status_code == 400
        assert "This form has expired. Please reload the page." in response.get_data(True)
    assert _count(db, Meeting) == 0


def _meeting_creator(app, committee_id: int, member_id: int, token: str):
    def create():
        actor = _db.session.get(Member, member_id)
        committee = _db.session.get(Committee, committee_id)
        data = {
            "title": "Raced",
            "starts_at": utcnow() + timedelta(days=2),
            "ends_at": utcnow() + timedelta(days=2, hours=1),
            "mode": MeetingMode.IN_PERSON,
            "place": "",
            "agenda": "",
        }
        submit_once(
            actor,
            token,
            lambda: meeting_services.create_meeting(actor, committee, data),
            lambda meeting: f"/meetings/{meeting.id}",
        )

    return create


def test_five_racing_posts_of_one_form_save_one_row(app, db, chamber):
    _staff, chair, committee, _project = chamber
    token = new_form_token()
    create = _meeting_creator(app, committee.id, chair.id, token)
    outcomes = at_once(app, [create] * 5, expected=(AlreadySubmitted,))
    assert outcomes == ["AlreadySubmitted"] * 4 + ["ok"]
    assert _count(db, Meeting) == 1
    [submission] = db.session.scalars(sa.select(FormSubmission)).all()
    assert submission.token == token and submission.member_id == chair.id
    assert submission.result_url.startswith("/meetings/")


def test_another_members_token_is_not_theirs_to_reuse(app, db, make_member, chamber):
    _staff, chair, committee, _project = chamber
    token = new_form_token()
    _meeting_creator(app, committee.id, chair.id, token)()
    db.session.commit()
    other = make_member(is_staff=True)
    with pytest.raises(Conflict) as refused:
        _meeting_creator(app, committee.id, other.id, token)()
    assert not isinstance(refused.value, AlreadySubmitted)
    assert "This form has expired" in refused.value.message
    db.session.rollback()
    assert _count(db, Meeting) == 1
