"""Members log contributions: bounds on hours and dates, edits and withdrawals while pending."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from chamber.contributions.models import Contribution, ContributionStatus
from chamber.localtime import chamber_today
from chamber.once import new_form_token


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))


def _form(committee, **overrides) -> dict:
    return {
        "committee_id": str(committee.id),
        "project_id": "0",
        "kind": "task",
        "hours": "1.5",
        "contributed_on": (chamber_today() - timedelta(days=2)).isoformat(),
        "mode": "in_person",
        "description": "Printed the festival flyers",
        "form_token": new_form_token(),  # one per rendered form, as the page would carry
    } | overrides


@pytest.fixture
def member_on_committee(make_member, make_committee, login):
    member = make_member(joined_on=date(2020, 1, 1))
    committee = make_committee(members=[member])
    login(member)
    return member, committee


def test_member_logs_a_pending_contribution(member_on_committee, post, client, db):
    member, committee = member_on_committee
    response = post("/work/new", _form(committee), form_page="/work/new")
    assert response.status_code == 302
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.status is ContributionStatus.PENDING
    assert contribution.hours == Decimal("1.5")
    assert contribution.member_id == member.id
    page = client.get("/work").get_data(as_text=True)
    assert "Printed the festival flyers" in page
    assert "Pending" in page


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "between 0.25 and 24"),
        ("0.1", "between 0.25 and 24"),
        ("24.25", "between 0.25 and 24"),
        ("1.3", "quarter hours"),
        ("abc", "Not a valid decimal"),
        ("", "Enter the hours"),
    ],
)
def test_hours_outside_quarter_hours_refused(member_on_committee, post, db, hours, message):
    _member, committee = member_on_committee
    response = post("/work/new", _form(committee, hours=hours), form_page="/work/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "Printed the festival flyers" in page  # the member's input is kept
    assert _count(db) == 0


@pytest.mark.parametrize("hours", ["0.25", "24", "7.75"])
def test_hours_at_the_bounds_accepted(member_on_committee, post, db, hours):
    _member, committee = member_on_committee
    response = post("/work/new", _form(committee, hours=hours), form_page="/work/new")
    assert response.status_code == 302
    assert _count(db) == 1


def test_future_date_refused(member_on_committee, post, db):
    _member, committee = member_on_committee
    tomorrow = (chamber_today() + timedelta(days=1)).isoformat()
    response = post("/work/new", _form(committee, contributed_on=tomorrow), form_page="/work/new")
    assert response.status_code == 400
    assert "This date is in the future." in response.get_data(as_text=True)
    assert _count(db) == 0


def test_date_before_joining_refused(make_member, make_committee, login, post, db):
    member = make_member(joined_on=chamber_today() - timedelta(days=30))
    committee = make_committee(members=[member])
    login(member)
    early = (chamber_today() - timedelta(days=31)).isoformat()
    response = post("/work/new", _form(committee, contributed_on=early), form_page="/work/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "before you joined the chamber" in page
    assert early in page
    assert _count(db) == 0


def test_cannot_log_for_a_committee_one_is_not_on(member_on_committee, make_committee, post, db):
    other = make_committee()
    response = post("/work/new", _form(other), form_page="/work/new")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_project_of_another_committee_refused(
    member_on_committee, make_committee, make_project, post, db
):
    member, committee = member_on_committee
    other = make_committee(members=[member])
    project = make_project(other)
    response = post(
        "/work/new", _form(committee, project_id=str(project.id)), form_page="/work/new"
    )
    assert response.status_code == 400
    assert "belongs to another committee" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_extra_fields_cannot_self_approve(member_on_committee, post, db):
    _member, committee = member_on_committee
    data = _form(committee, status="approved", reviewer_id="1", member_id="999")
    post("/work/new", data, form_page="/work/new")
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.status is ContributionStatus.PENDING
    assert contribution.reviewer_id is None


def test_edit_and_withdraw_while_pending(member_on_committee, make_contribution, post, db):
    member, committee = member_on_committee
    contribution = make_contribution(member, committee)
    path = f"/work/{contribution.id}/edit"
    response = post(path, _form(committee, hours="3.25"), form_page=path)
    assert response.status_code == 302
    db.session.refresh(contribution)
    assert contribution.hours == Decimal("3.25")
    response = post(f"/work/{contribution.id}/withdraw", form_page="/work")
    assert response.status_code == 302
    assert _count(db) == 0


def test_decided_contribution_cannot_be_edited_or_withdrawn(
    member_on_committee, make_contribution, post, client, db
):
    member, committee = member_on_committee
    contribution = make_contribution(member, committee, status=ContributionStatus.APPROVED)
    response = post(f"/work/{contribution.id}/edit", _form(committee, hours="9"), form_page="/work")
    assert response.status_code == 302
    response = post(f"/work/{contribution.id}/withdraw", form_page="/work", follow_redirects=True)
    assert "already decided" in response.get_data(as_text=True)
    db.session.refresh(contribution)
    assert contribution.hours == Decimal("2.5")
    assert _count(db) == 1


def test_other_member_cannot_touch_my_contribution(
    make_member, make_committee, make_contribution, login, post, db
):
    owner, intruder = make_member(), make_member()
    committee = make_committee(members=[owner, intruder])
    contribution = make_contribution(owner, committee)
    login(intruder)
    assert post(f"/work/{contribution.id}/edit", _form(committee)).status_code == 403
    assert post(f"/work/{contribution.id}/withdraw").status_code == 403
    assert _count(db) == 1


def test_history_totals_count_only_approved_and_pending(
    member_on_committee, make_contribution, client
):
    member, committee = member_on_committee
    make_contribution(member, committee, hours=Decimal("4"), status=ContributionStatus.APPROVED)
    make_contribution(
        member,
        committee,
        hours=Decimal("1.5"),
        mode="online",
        status=ContributionStatus.APPROVED,
    )
    make_contribution(member, committee, hours=Decimal("2"), status=ContributionStatus.PENDING)
    make_contribution(member, committee, hours=Decimal("8"), status=ContributionStatus.REJECTED)
    page = client.get("/work").get_data(as_text=True)
    assert '<span class="stat-value">5.5</span>' in page  # approved this year
    assert '<span class="stat-value">2</span>' in page  # pending
    assert "4 / 1.5" in page  # in person / online
    filtered = client.get("/work?status=rejected").get_data(as_text=True)
    assert "Rejected" in filtered and "Pending</span>" not in filtered
