"""Issue 11: the hours CSV was year-to-date only (the view took a range no page offered).
Leads choose the period on a page; a wrong period comes back with the message by the field."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from chamber.contributions.models import ContributionStatus
from chamber.localtime import chamber_today


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_lead_downloads_the_hours_of_a_chosen_period(
    make_member, make_committee, make_contribution, login, client
):
    year = chamber_today().year - 1
    lead, ann = make_member(), make_member(full_name="Ann Early")
    bob = make_member(full_name="Bob Late")
    committee = make_committee(lead=lead, members=[ann, bob])
    approved = ContributionStatus.APPROVED
    make_contribution(
        ann, committee, hours=Decimal(2), contributed_on=date(year, 2, 10), status=approved
    )
    make_contribution(
        bob, committee, hours=Decimal(3), contributed_on=date(year, 9, 1), status=approved
    )
    login(lead)

    page = client.get(f"/committees/{committee.slug}/manage/hours").get_data(as_text=True)
    assert 'name="first"' in page and 'name="last"' in page and "Download CSV" in page
    assert 'aria-current="page">Hours CSV' in page

    response = client.get(
        f"/committees/{committee.slug}/manage/hours.csv?first={year}-02-01&last={year}-02-28"
    )
    assert response.status_code == 200
    assert f"hours-{year}0201-{year}0228.csv" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert [row[0] for row in rows[1:]] == ["Ann Early"]

    whole_year = _rows(
        client.get(
            f"/committees/{committee.slug}/manage/hours.csv?first={year}-01-01&last={year}-12-31"
        )
    )
    assert [row[0] for row in whole_year[1:]] == ["Bob Late", "Ann Early"]
    # Nothing this year: the default period (1 January to today) is empty.
    assert len(_rows(client.get(f"/committees/{committee.slug}/manage/hours.csv"))) == 1


def test_a_period_ending_before_it_starts_is_refused_by_the_field(
    make_member, make_committee, login, client
):
    lead = make_member()
    committee = make_committee(lead=lead)
    login(lead)
    response = client.get(
        f"/committees/{committee.slug}/manage/hours.csv?first=2026-03-01&last=2026-02-01"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'id="last-error"' in page and "The last day comes before the first." in page
    assert 'value="2026-03-01"' in page  # what was typed comes back
    bad = client.get(f"/committees/{committee.slug}/manage/hours.csv?first=2026-13-01")
    assert bad.status_code == 400 and 'id="first-error"' in bad.get_data(as_text=True)
