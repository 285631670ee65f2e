"""Issue 13, the chair's journey: approval queue → approves the member's contribution on a
390 px screen → takes attendance for a meeting with the check-in sheet → marks a shift
attended → opens the committee report and downloads its CSV."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.support import PHONE, ROLES, Journey, sign_in

COMMITTEE = "community-events"  # chaired by chair@example.com in the demo seed


def log_contribution(page, what: str, hours: str = "2.5") -> None:
    """As a signed-in member of Community Events: log work, sent for approval."""
    page.goto("/work/new")
    page.get_by_label("Committee").select_option(label="Community Events")
    page.get_by_label("Hours").fill(hours)
    page.get_by_label("What you did or gave").fill(what)
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("row").filter(has_text=what)).to_contain_text("Pending")


def test_chair_journey(new_tab):
    mark = secrets.token_hex(3)
    what = f"Stacked chairs after the fair ({mark})"
    member = new_tab().page
    sign_in(member, ROLES["member"])
    log_contribution(member, what)

    tab = new_tab()
    page = tab.page
    journey = Journey("chair", page, tab.watch)
    sign_in(page, ROLES["chair"])
    journey.check("dashboard")

    # The approval queue, decided on a phone.
    page.goto(f"/committees/{COMMITTEE}/manage/")
    journey.check("manage-overview")
    page.get_by_role("link", name="Approvals").first.click()
    row = page.get_by_role("row").filter(has_text=what)
    expect(row).to_contain_text("Maya Patel")
    journey.check("approval-queue")
    page.set_viewport_size(PHONE)
    approve = row.get_by_role("button", name="Approve")
    approve.scroll_into_view_if_needed()
    box = approve.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    approve.click()
    expect(page.get_by_role("row").filter(has_text=what)).to_have_count(0)
    decided = page.locator("li").filter(has_text="Maya Patel").filter(has_text="Approved")
    expect(decided.first).to_be_visible()
    journey.check("approved-on-phone")
    member.goto("/work")
    expect(member.get_by_role("row").filter(has_text=what)).to_contain_text("Approved")

    # The check-in sheet of a past meeting.
    page.goto(f"/committees/{COMMITTEE}/manage/meetings")
    journey.check("meetings")
    page.get_by_role("link", name="attendance").first.click()
    expect(page.get_by_role("heading", name="Check-in sheet")).to_be_visible()
    journey.check("check-in-sheet")
    first = page.locator("li.checkin-row").first
    name = first.locator(".checkin-name strong").inner_text()
    first.get_by_text("In person", exact=True).click()
    page.get_by_role("button", name="Save attendance").click()
    row_after = page.locator("li.checkin-row").filter(has_text=name).first
    expect(row_after.get_by_label("In person", exact=True)).to_be_checked()
    journey.check("attendance-saved")

    # A shift that has started: mark a sign-up attended.
    page.goto(f"/committees/{COMMITTEE}/manage/projects")
    journey.check("projects")
    _open_started_shift(page)
    journey.check("shift-signups")
    signup = page.get_by_role("row").filter(has=page.get_by_label("Signed up")).first
    if signup.count() == 0:
        signup = page.get_by_role("row").filter(has=page.locator("input[type=radio]")).first
    who = signup.locator("td").first.inner_text().split("\n")[0].strip()
    signup.get_by_label("Attended").check()
    page.get_by_role("button", name="Save attendance").click()
    saved = page.get_by_role("row").filter(has_text=who).first
    expect(saved.get_by_label("Attended")).to_be_checked()
    journey.check("shift-attended")

    # The committee report and its CSV.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    journey.check("reports")
    page.get_by_role("link", name="Committee health").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Committee health")
    journey.check("committee-report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) > 1 and any("Community Events" in cell for row in rows for cell in row)
    journey.finish()


def _open_started_shift(page) -> None:
    """From the committee's projects, the first project with a shift that has started."""
    projects = page.locator("table a[href*='/manage/projects/']").filter(has_not_text="Edit")
    hrefs = [projects.nth(i).get_attribute("href") for i in range(projects.count())]
    for href in hrefs:
        page.goto(href)
        started = page.get_by_role("link", name="Sign-ups & attendance")
        if started.count():
            started.first.click()
            expect(page.get_by_role("button", name="Save attendance")).to_be_visible()
            return
    raise AssertionError(f"no started shift in {len(hrefs)} projects")
