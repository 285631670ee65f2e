"""Bad input never crashes the meeting form, nothing outside its rules is stored, and what is
stored still renders (SECURITY row 14)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from chamber.meetings.models import Meeting, MeetingMode
from tests.conftest import csrf_token
from tests.fuzz import FUZZ, form_posts, is_plain_line, is_stored_text, one_of_text, start_and_end

NEAR = datetime(2026, 6, 15, 18, 0)


def _with_times(values_and_times) -> dict:
    values, (starts_at, ends_at) = values_and_times
    return values | {"starts_at": starts_at, "ends_at": ends_at}


@pytest.mark.slow
def test_meeting_form_never_answers_500_and_stores_only_valid_rows(
    client, db, make_member, make_committee, login
):
    lead = make_member()
    committee = make_committee(chair=lead)
    login(lead)
    path = f"/committees/{committee.slug}/manage/meetings/new"
    token = csrf_token(client, path)
    modes = [mode.value for mode in MeetingMode]

    @FUZZ
    @given(
        st.tuples(
            form_posts(
                {
                    "title": st.just("Monthly meeting"),
                    "mode": st.sampled_from(modes),
                    "place": st.just("Town hall"),
                    "agenda": st.just("Budget"),
                },
                {
                    "title": one_of_text("Monthly meeting"),
                    "mode": one_of_text(*modes),
                    "place": one_of_text("Town hall"),
                    "agenda": one_of_text("Budget"),
                },
            ),
            start_and_end(NEAR),
        ).map(_with_times)
    )
    def post(values):
        response = client.post(path, data={"csrf_token": token, **values})
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    db.session.commit()
    meetings = list(db.session.scalars(sa.select(Meeting)))
    assert meetings
    for meeting in meetings:
        assert meeting.committee_id == committee.id
        assert is_stored_text(meeting.title, 160, required=True) and is_plain_line(meeting.title)
        assert is_stored_text(meeting.place, 200) and is_plain_line(meeting.place)
        assert is_stored_text(meeting.agenda, 5000)
        assert meeting.mode in MeetingMode
        assert meeting.starts_at < meeting.ends_at <= meeting.starts_at + timedelta(hours=24)
    for page in (f"/committees/{committee.slug}/manage/meetings", "/meetings"):
        assert client.get(page).status_code == 200, page


# Regressions found by the fuzzing above -------------------------------------------------


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("0001-01-01T00:00", "0001-01-01T01:00"),
        ("9999-12-31T20:00", "9999-12-31T21:00"),
        ("0001-1-1T0:0", "9999-12-31T20:0"),
    ],
)
def test_times_out_of_any_calendar_are_refused_not_a_500(
    client, db, make_member, make_committee, login, starts_at, ends_at
):
    lead = make_member()
    committee = make_committee(chair=lead)
    login(lead)
    path = f"/committees/{committee.slug}/manage/meetings/new"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "title": "Monthly meeting",
            "mode": "in_person",
            "starts_at": starts_at,
            "ends_at": ends_at,
        },
    )
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2099." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0
