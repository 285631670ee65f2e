"""Bad input never crashes the log-contribution form, and nothing outside its rules is stored
(SECURITY row 14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.localtime import chamber_today
from chamber.once import FormSubmission
from chamber.projects.models import ProjectStatus
from tests.conftest import csrf_token
from tests.fuzz import (
    FUZZ,
    dates,
    form_posts,
    form_tokens,
    fresh_token,
    is_stored_text,
    is_uuid,
    numbers,
    one_of_text,
)


@pytest.mark.slow
def test_log_contribution_form_never_answers_500_and_stores_only_valid_rows(
    client, db, make_member, make_committee, make_project, login
):
    member = make_member(joined_on=date(2022, 1, 1))
    mine = make_committee(members=[member])
    other = make_committee()
    archived = make_committee(members=[member], is_archived=True)
    project = make_project(mine)
    cancelled = make_project(mine, status=ProjectStatus.CANCELLED)
    elsewhere = make_project(other)
    login(member)
    token, reused = csrf_token(client, "/work/new"), "6f1c7d2e-3b5a-4c8e-9f00-123456789abc"
    committees = [mine.id, other.id, archived.id, 0]
    projects = [project.id, cancelled.id, elsewhere.id, 0]

    @FUZZ
    @given(
        form_posts(
            {
                "committee_id": st.sampled_from([str(mine.id)]),
                "project_id": st.sampled_from(["0", str(project.id)]),
                "kind": st.sampled_from([kind.value for kind in ContributionKind]),
                "hours": st.sampled_from(["0.25", "1.5", "24"]),
                "contributed_on": st.just(chamber_today().isoformat()),
                "mode": st.sampled_from([mode.value for mode in WorkMode]),
                "description": st.just("Printed the flyers"),
                "form_token": fresh_token(),
            },
            {
                "committee_id": one_of_text(*committees) | numbers(),
                "project_id": one_of_text(*projects) | numbers(),
                "kind": one_of_text(*(kind.value for kind in ContributionKind)),
                "hours": numbers("0.25", "1.5", "24", "1.3"),
                "contributed_on": dates(chamber_today()),
                "mode": one_of_text(*(mode.value for mode in WorkMode)),
                "description": one_of_text("Printed the flyers"),
                "form_token": form_tokens(reused),
            },
        )
    )
    def post(values):
        response = client.post("/work/new", data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) > 0
    valid_projects = {None, project.id}
    tokens = db.session.scalars(sa.select(FormSubmission.token)).all()
    assert all(is_uuid(token) for token in tokens)  # one per saved form, nothing else
    for contribution in db.session.scalars(sa.select(Contribution)):
        assert contribution.member_id == member.id
        assert contribution.committee_id == mine.id
        assert contribution.project_id in valid_projects
        assert Decimal("0.25") <= contribution.hours <= Decimal("24")
        assert (contribution.hours * 4) % 1 == 0
        assert member.joined_on <= contribution.contributed_on <= chamber_today()
        assert contribution.kind in ContributionKind and contribution.mode in WorkMode
        assert is_stored_text(contribution.description, 1000, required=True)
        assert contribution.status is ContributionStatus.PENDING


# Regressions found by the fuzzing above -------------------------------------------------


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity"])
def test_hours_that_are_not_numbers_are_refused_not_a_500(
    client, db, make_member, make_committee, login, hours
):
    member = make_member(joined_on=date(2020, 1, 1))
    committee = make_committee(members=[member])
    login(member)
    response = client.post(
        "/work/new",
        data={
            "csrf_token": csrf_token(client, "/work/new"),
            "committee_id": str(committee.id),
            "project_id": "0",
            "kind": "task",
            "hours": hours,
            "contributed_on": chamber_today().isoformat(),
            "mode": "in_person",
            "description": "Flyers",
            "form_token": "6f1c7d2e-3b5a-4c8e-9f00-123456789abc",
        },
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Enter the hours as a number" in body or "between 0.25 and 24" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0


def test_the_service_refuses_hours_that_are_not_numbers():
    from chamber.contributions.services import check_hours
    from chamber.exceptions import ChamberError

    for hours in ("NaN", "sNaN", "Infinity"):
        with pytest.raises(ChamberError) as refused:
            check_hours(Decimal(hours))
        assert refused.value.field == "hours"


@pytest.mark.parametrize("committee", ["²", "١٢", "99999999999999999999", "abc"])
def test_an_odd_committee_in_the_address_does_not_break_the_log_form(
    client, make_member, make_committee, login, committee
):
    member = make_member()
    make_committee(members=[member])
    login(member)
    assert client.get("/work/new", query_string={"committee": committee}).status_code == 200
