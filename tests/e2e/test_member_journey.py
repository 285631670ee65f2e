"""Issue 13, the member's journey: dashboard → log a contribution → sees it pending → gives a
referral to the chair → My network → a profile and its connection chain → asks for an
introduction → signs out; the old page's back button shows nothing private."""

from __future__ import annotations

import secrets

from playwright.sync_api import expect

from tests.e2e.support import ROLES, Journey, sign_in

MEMBER_NAME = "Maya Patel"  # member@example.com in the demo seed
CHAIR_NAME = "Carlos Mendes"  # chair@example.com, chair of Community Events


def test_member_journey(new_tab):
    tab = new_tab()
    page = tab.page
    journey = Journey("member", page, tab.watch)
    mark = secrets.token_hex(3)

    page.goto("/login")
    journey.check("sign-in")
    sign_in(page, ROLES["member"])
    expect(page).to_have_url(f"{tab.base}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya")
    journey.check("dashboard")

    # Log a contribution: it waits for a lead's approval.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    journey.check("my-work")
    page.get_by_role("link", name="Log a contribution").click()
    journey.check("log-contribution")
    what = f"Set up chairs for the spring fair ({mark})"
    page.get_by_label("Committee").select_option(label="Community Events")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("What you did or gave").fill(what)
    page.get_by_role("button", name="Send for approval").click()
    row = page.get_by_role("row").filter(has_text=what)
    expect(row).to_contain_text("Pending")
    expect(row).to_contain_text("2.5")
    journey.check("contribution-pending")

    # A referral for the chair, from the chair's profile.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    page.get_by_label("Search").fill(CHAIR_NAME)
    page.get_by_role("button", name="Filter").click()
    journey.check("directory-search")
    page.get_by_role("link", name=CHAIR_NAME).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHAIR_NAME)
    journey.check("chair-profile")
    page.get_by_role("link", name="Give Carlos a referral").click()
    prospect = f"Hillside Bakery {mark}"
    page.get_by_label("Prospect's name").fill(prospect)
    page.get_by_label("Prospect's e-mail").fill(f"owner-{mark}@hillside.example")
    page.get_by_label("What they need").fill("Catering for 40 people at their shop opening.")
    journey.check("give-referral")
    page.get_by_role("button", name="Give the referral").click()
    expect(page.get_by_text(prospect).first).to_be_visible()
    expect(page.get_by_text(CHAIR_NAME).first).to_be_visible()
    journey.check("referral-given")

    # My network, then a profile further away: its chain, and an introduction request.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My network")
    journey.check("my-network")
    target = _profile_with_an_introducer(page)
    chain = page.locator("ol.connection-chain > li")
    expect(chain.first).to_contain_text(MEMBER_NAME)
    expect(chain.last).to_contain_text(target)
    assert chain.count() >= 3, "a profile two or more steps away names who is in between"
    journey.check("profile-chain")
    ask = page.get_by_role("link", name="for an introduction")
    introducer = ask.inner_text().removeprefix("Ask ").removesuffix(" for an introduction")
    ask.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(target)
    why = f"I would like to meet {target} about the fair ({mark})."
    page.get_by_label("Why you would like to meet").fill(why)
    journey.check("ask-introduction")
    page.get_by_role("button", name=f"Ask {introducer}").click()
    expect(page.get_by_text(target).first).to_be_visible()
    journey.check("introduction-asked")
    private_url = page.url

    # Sign out; the back button must not show the page that was on screen.
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    journey.check("signed-out")
    page.go_back()
    page.wait_for_load_state()
    assert page.url != private_url or "/login" in page.url
    body = page.locator("body")
    expect(body).not_to_contain_text(MEMBER_NAME)
    expect(body).not_to_contain_text(target)
    expect(body).not_to_contain_text(mark)
    journey.check("back-after-sign-out")
    journey.finish()


def _profile_with_an_introducer(page) -> str:
    """Open members' profiles from the directory until one is two or more steps away (its
    chain offers to ask someone for an introduction); return that member's name."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    links = page.locator(".member-grid a.member-name")
    expect(links.first).to_be_visible()  # the directory has loaded (all_inner_texts won't wait)
    names = links.all_inner_texts()
    hrefs = [links.nth(i).get_attribute("href") for i in range(len(names))]
    for name, href in zip(names, hrefs, strict=True):
        page.goto(href)
        if page.get_by_role("link", name="for an introduction").count():
            return name.strip()
    raise AssertionError(f"none of {len(names)} directory profiles is two steps away")
