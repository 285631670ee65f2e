"""Issue 12, finding 6: the small leaks a careful attacker found, one test each.

(The deactivated profile answering like a missing one is proved beside the profile pages.)
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from chamber.meetings.models import Meeting
from chamber.projects.models import Project
from tests.conftest import csrf_token

_FORM_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')


def _new_form(client, page: str) -> dict:
    html = client.get(page).get_data(as_text=True)
    fields = {"csrf_token": csrf_token(client, page)}
    token = _FORM_TOKEN.search(html)
    if token:
        fields["form_token"] = token.group(1)
    return fields


@pytest.mark.parametrize("year", ["1900", "9999"])
def test_a_project_in_year_1900_or_9999_is_refused_by_the_field(
    client, db, make_member, make_committee, login, year
):
    lead = make_member()
    committee = make_committee(chair=lead)
    login(lead)
    page = f"/committees/{committee.slug}/manage/projects/new"
    response = client.post(
        page,
        data={
            **_new_form(client, page),
            "name": "Spring Clean-Up",
            "status": "proposed",
            "starts_on": f"{year}-04-01",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2099." in html
    assert 'value="Spring Clean-Up"' in html  # what was typed comes back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_a_meeting_in_the_skipped_daylight_saving_hour_is_told_so(
    app, client, db, make_member, make_committee, login
):
    """America/New_York (the default zone) skips 02:00-03:00 on 8 March 2026. The message
    says the time does not exist, not that the meeting "must end after it starts"."""
    assert app.config["CHAMBER_TIMEZONE"] == "America/New_York"
    lead = make_member()
    committee = make_committee(chair=lead)
    login(lead)
    page = f"/committees/{committee.slug}/manage/meetings/new"
    response = client.post(
        page,
        data={
            **_new_form(client, page),
            "title": "Early breakfast",
            "mode": "in_person",
            "starts_at": "2026-03-08T02:30",
            "ends_at": "2026-03-08T03:30",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This time does not exist in America/New_York" in html
    assert "The end must be after the start." not in html
    assert 'value="Early breakfast"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0
