"""Issue 11: staff export the people list as CSV, with the list's own search and status,
every page of it, formula-safe; members cannot."""

from __future__ import annotations

import csv
import io


def test_staff_download_the_people_they_filtered(app, make_member, login, client):
    staff = make_member(is_staff=True, full_name="Sam Staff")
    make_member(full_name='=HYPERLINK("http://evil")', business_name="Evil Corp")
    for n in range(3):
        make_member(full_name=f"Baker {n}", business_name=f"Bakery {n}", city="Riverside")
    gone = make_member(full_name="Baker Gone", business_name="Old Bakery", is_active=False)
    login(staff)
    app.config["STAFF_ROWS_PER_PAGE"] = 2
    try:
        page = client.get("/staff/members?q=baker").get_data(as_text=True)
        assert "/staff/members.csv?q=baker&amp;status=active" in page

        response = client.get("/staff/members.csv?q=baker&status=active")
    finally:
        app.config.pop("STAFF_ROWS_PER_PAGE")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:5] == ["Name", "E-mail", "Job title", "Phone", "Business"]
    assert [row[0] for row in rows[1:]] == ["Baker 0", "Baker 1", "Baker 2"]  # all pages
    assert rows[1][5:10] == ["yes", "Accounting", "Riverside", "2020-01-01", "Active"]

    everyone = client.get("/staff/members.csv?status=all").get_data(as_text=True)
    assert "'=HYPERLINK" in everyone and "\n=" not in everyone
    assert f"{gone.email}" in everyone and "Deactivated" in everyone


def test_members_cannot_download_the_people_list(make_member, login, client):
    login(make_member())
    assert client.get("/staff/members.csv").status_code == 403
