"""Issue 13, the staff journey: staff dashboard → invites a new member → the invitation e-mail
in the outbox → the new member sets a password, signs in and sees the welcome state → staff
open the givers-gain report and print it (Chromium's PDF: the chart, no navigation)."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.e2e.support import ROLES, Journey, sign_in


def test_staff_journey(new_tab, server):
    mark = secrets.token_hex(3)
    email = f"jordan.lee.{mark}@example.org"
    tab = new_tab()
    page = tab.page
    journey = Journey("staff", page, tab.watch)
    sign_in(page, ROLES["director"])
    expect(page).to_have_url(f"{tab.base}/dashboard")
    journey.check("staff-dashboard")

    page.goto("/staff/members/invite")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Full name").fill("Jordan Lee")
    page.get_by_label("New business").fill(f"Lee Print Shop {mark}")
    journey.check("invite")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".flash").first).to_contain_text(f"Invitation sent to {email}")
    journey.check("invited")

    messages = [m for m in server.deliver_mail() if email in str(m["To"])]
    assert len(messages) == 1, "one invitation e-mail in the outbox"
    body = messages[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/invitation/\S+", body).group(0)
    assert link.startswith(server.base)

    newcomer_tab = new_tab()
    newcomer = newcomer_tab.page
    new_journey = Journey("newcomer", newcomer, newcomer_tab.watch)
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Jordan Lee")
    new_journey.check("invitation")
    password = f"a long passphrase {mark}"
    newcomer.get_by_label("New password", exact=True).fill(password)
    newcomer.get_by_label("Repeat the new password").fill(password)
    newcomer.get_by_role("button", name="Set my password").click()
    if "/login" in newcomer.url:
        sign_in(newcomer, email, password)
    expect(newcomer).to_have_url(f"{tab.base}/dashboard")
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Jordan")
    new_journey.check("welcome")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=re.compile("Givers gain", re.I)).first.click()
    chart = page.locator("img.chart-image").first
    expect(chart).to_be_visible()
    journey.check("givers-gain")
    page.emulate_media(media="print")
    expect(page.locator("nav.site-nav")).to_be_hidden()
    expect(chart).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.emulate_media(media="screen")
    journey.finish()
    new_journey.finish()
