"""Hours CSV for leads (formula-safe) and the member dashboard's committee-work panels."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from chamber.contributions.models import ContributionStatus
from chamber.enums import WorkMode


def test_hours_csv_sums_approved_hours_and_neutralises_formulas(
    make_member, make_committee, make_contribution, login, client
):
    lead = make_member()
    sneaky = make_member(full_name='=HYPERLINK("http://evil")', business_name="+1 Corp")
    plain = make_member(full_name="Alice Plain")
    committee = make_committee(lead=lead, members=[sneaky, plain])
    approved = ContributionStatus.APPROVED
    make_contribution(sneaky, committee, hours=Decimal("2"), status=approved)
    make_contribution(
        sneaky, committee, hours=Decimal("1.25"), mode=WorkMode.ONLINE, status=approved
    )
    make_contribution(plain, committee, hours=Decimal("1"), status=approved)
    make_contribution(plain, committee, hours=Decimal("9"))  # pending: not counted
    login(lead)
    response = client.get(f"/committees/{committee.slug}/manage/hours.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Member"
    assert rows[1] == [
        '\'=HYPERLINK("http://evil")',
        "'+1 Corp",
        "2",
        "2",
        "1.25",
        "3.25",
        "0",
        "$0.00",
    ]
    assert rows[2] == ["Alice Plain", plain.business_name, "1", "1", "0", "1", "0", "$0.00"]
    assert len(rows) == 3


def test_dashboard_shows_hours_and_balance(
    make_member, make_committee, make_contribution, login, client
):
    member = make_member()
    committee = make_committee(members=[member])
    approved = ContributionStatus.APPROVED
    make_contribution(member, committee, hours=Decimal("3"), status=approved)
    make_contribution(member, committee, hours=Decimal("1"), mode=WorkMode.ONLINE, status=approved)
    make_contribution(member, committee, hours=Decimal("0.5"))
    login(member)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "My hours this year" in page
    assert '<span class="stat-value">4</span><span class="stat-label">approved' in page
    assert '<span class="stat-value">0.5</span><span class="stat-label">waiting' in page
    assert "75%" in page  # 3 of 4 hours in person
    assert "One-to-ones to confirm" in page and "Coming up" in page
