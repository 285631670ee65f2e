"""Issue 13, the referral receiver's journey: notification → referral → contacted → won with
a value → thank-you; the giver sees each step."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.e2e.support import ROLES, Journey, sign_in


def test_referral_receiver_journey(new_tab):
    mark = secrets.token_hex(3)
    prospect = f"Lakeside Florist {mark}"

    giver = new_tab().page
    sign_in(giver, ROLES["member"])  # Maya Patel gives Carlos Mendes a referral
    giver.goto("/members")
    giver.get_by_label("Search").fill("Carlos Mendes")
    giver.get_by_role("button", name="Filter").click()
    giver.get_by_role("link", name="Carlos Mendes").first.click()
    giver.get_by_role("link", name="Give Carlos a referral").click()
    giver.get_by_label("Prospect's name").fill(prospect)
    giver.get_by_label("Prospect's phone").fill("555-0142")
    giver.get_by_label("What they need").fill("Flowers for a wedding of 120 guests in June.")
    giver.get_by_role("button", name="Give the referral").click()
    giver.wait_for_url(re.compile(r"/referrals/\d+$"))
    expect(giver.get_by_text("Your referral is on its way to Carlos Mendes.")).to_be_visible()
    referral_url = giver.url
    referral_path = re.sub(r"^https?://[^/]+", "", referral_url)

    tab = new_tab()
    page = tab.page
    journey = Journey("receiver", page, tab.watch)
    sign_in(page, ROLES["chair"])
    page.locator("a.nav-bell").click()
    note = page.locator(f'main a[href="{referral_path}"]').first
    expect(note).to_be_visible()
    journey.check("notifications")
    note.click()
    expect(page).to_have_url(referral_url)
    expect(page.get_by_text(prospect).first).to_be_visible()
    journey.check("referral")

    def move_on(status: str, value: str = "") -> None:
        page.get_by_label("New status").select_option(label=status)
        if value:
            page.get_by_label("Closed value ($)").fill(value)
            # "Closed on" starts at the chamber's today, which is not the machine's date
            # in the hours around midnight UTC.
        page.get_by_role("button", name="Save").click()
        # The page head, not all of main: the status select lists every status.
        expect(page.locator(".page-head")).to_contain_text(status)
        # The giver sees the step on the referral's page and is told about it.
        giver.goto(referral_url)
        expect(giver.locator(".page-head")).to_contain_text(status)
        giver.goto("/notifications")
        told = giver.locator(f'main li:has(a[href="{referral_path}"])')
        expect(told.filter(has_text=status.lower()).first).to_be_visible()
        giver.goto(referral_url)

    move_on("Contacted")
    journey.check("contacted")
    move_on("Won", "1,250.00")
    expect(page.locator("main")).to_contain_text("1,250")
    journey.check("won")
    expect(giver.locator("main")).to_contain_text("1,250")

    thanks = f"Thank you, Maya: the wedding is booked ({mark})."
    page.get_by_label("Thank-you note").fill(thanks)
    page.get_by_role("button", name="Send thank-you").click()
    expect(page.locator("main")).to_contain_text(thanks)
    journey.check("thanked")
    giver.goto(referral_url)
    expect(giver.locator("main")).to_contain_text(thanks)
    journey.finish()
