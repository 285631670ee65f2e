"""In-kind gifts (issue 11 finding 4): goods or services given or lent are logged with a
description and an estimated value, never as hours, and no hour total ever includes them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.localtime import chamber_today
from chamber.once import new_form_token


def _gift_form(committee, **overrides) -> dict:
    return {
        "committee_id": str(committee.id),
        "project_id": "0",
        "kind": "in_kind",
        "hours": "",
        "mode": "in_person",  # the browser always sends the select's value: ignored for a gift
        "value": "1,250.00",
        "contributed_on": (chamber_today() - timedelta(days=1)).isoformat(),
        "description": "Lent the sound system",
        "form_token": new_form_token(),
    } | overrides


@pytest.fixture
def member_on_committee(make_member, make_committee, login):
    member = make_member(joined_on=date(2020, 1, 1))
    committee = make_committee(members=[member])
    login(member)
    return member, committee


def test_member_logs_an_in_kind_gift_with_a_value_and_no_hours(
    member_on_committee, post, client, db
):
    member, committee = member_on_committee
    form = client.get("/work/new").get_data(as_text=True)
    assert 'name="value"' in form and "Estimated value" in form

    response = post("/work/new", _gift_form(committee), form_page="/work/new")

    assert response.status_code == 302
    gift = db.session.scalar(sa.select(Contribution))
    assert gift.kind is ContributionKind.IN_KIND
    assert (gift.hours, gift.mode, gift.value_cents) == (None, None, 125000)
    page = client.get("/work").get_data(as_text=True)
    assert "Lent the sound system" in page
    assert "$1,250.00" in page
    assert "In kind" in page
    assert "2 h" not in page and "Online" not in page.split("<tbody>")[1]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter what the gift is worth"),
        ("0", "more than zero"),
        ("abc", "Enter an amount in dollars and cents"),
        ("-5", "Enter an amount in dollars and cents"),
        ("2000000", "check the amount"),
    ],
)
def test_gift_without_a_sensible_value_is_refused_with_the_typing_kept(
    member_on_committee, post, db, value, message
):
    _member, committee = member_on_committee
    response = post("/work/new", _gift_form(committee, value=value), form_page="/work/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="value-error"' in page and message in page
    assert "Lent the sound system" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0


def test_work_still_needs_hours_and_a_value_is_not_kept_for_it(member_on_committee, post, db):
    _member, committee = member_on_committee
    response = post(
        "/work/new", _gift_form(committee, kind="task", hours=""), form_page="/work/new"
    )
    assert response.status_code == 400
    assert "Enter the hours" in response.get_data(as_text=True)
    response = post(
        "/work/new", _gift_form(committee, kind="task", hours="2"), form_page="/work/new"
    )
    assert response.status_code == 302
    work = db.session.scalar(sa.select(Contribution))
    assert (work.hours, work.mode, work.value_cents) == (Decimal("2"), WorkMode.IN_PERSON, None)


def test_gift_in_the_queue_shows_its_value_and_approving_adds_no_hours(
    make_member, make_committee, make_contribution, login, post, client
):
    lead, giver = make_member(), make_member()
    committee = make_committee(lead=lead, members=[giver])
    make_contribution(giver, committee, hours=Decimal("3"), status=ContributionStatus.APPROVED)
    gift = make_contribution(
        giver,
        committee,
        kind=ContributionKind.IN_KIND,
        hours=None,
        mode=None,
        value_cents=40000,
        description="Donated catering",
    )
    login(lead)
    queue = client.get(f"/committees/{committee.slug}/manage/approvals").get_data(as_text=True)
    assert "Donated catering" in queue and "$400.00" in queue

    response = post(
        f"/committees/{committee.slug}/manage/approvals",
        {"decision": f"approve-{gift.id}"},
        form_page=f"/committees/{committee.slug}/manage/approvals",
        follow_redirects=True,
    )
    assert "1 contribution approved ($400.00 in kind)" in response.get_data(as_text=True)

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/committees/{committee.slug}/manage/hours.csv").get_data(as_text=True)
            )
        )
    )
    assert rows[0][-3:] == ["Total hours", "In-kind gifts", "In-kind value"]
    # 3 hours of work, one contribution in hours; the gift apart, by value
    assert rows[1][2:] == ["1", "3", "0", "3", "1", "$400.00"]

    post("/logout", form_page=f"/committees/{committee.slug}/manage/approvals")
    login(giver)
    page = client.get("/work").get_data(as_text=True)
    assert (
        '<span class="stat-value">3</span><span class="stat-label">approved hours this year' in page
    )
    assert "$400.00" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert '<span class="stat-value">3</span><span class="stat-label">approved' in dashboard


def test_database_refuses_a_gift_with_hours_and_work_without(make_member, make_committee, db):
    member = make_member()
    committee = make_committee(members=[member])
    for values in (
        {"kind": ContributionKind.TASK, "hours": None, "mode": None, "value_cents": 500},
        {"kind": ContributionKind.IN_KIND, "hours": None, "mode": None, "value_cents": None},
        {
            "kind": ContributionKind.TASK,
            "hours": Decimal(1),
            "mode": WorkMode.ONLINE,
            "value_cents": 500,
        },
    ):
        db.session.add(
            Contribution(
                member_id=member.id,
                committee_id=committee.id,
                contributed_on=chamber_today(),
                **values,
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
