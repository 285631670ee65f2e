"""Issue 13, bad input in the browser: a form with errors keeps what was typed and moves the
focus to the first error; the 403, 404 and 429 pages look like the site."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.support import ROLES, Journey, sign_in


def test_a_form_with_errors_keeps_the_input_and_focuses_the_first_error(new_tab):
    tab = new_tab()
    page = tab.page
    journey = Journey("bad-input", page, tab.watch)
    sign_in(page, ROLES["member"])
    page.goto("/members")
    page.get_by_label("Search").fill("Carlos Mendes")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Carlos Mendes").first.click()
    page.get_by_role("link", name="Give Carlos a referral").click()
    page.get_by_label("Prospect's name").fill("Corner Café")
    page.get_by_label("What they need").fill("A new espresso machine.")
    tab.watch.expected["/referrals/new"] = 400  # the form comes back as a 400, on purpose
    page.get_by_role("button", name="Give the referral").click()

    email = page.get_by_label("Prospect's e-mail")
    expect(page.get_by_text("Give an e-mail address or a phone number")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Prospect's name")).to_have_value("Corner Café")
    expect(page.get_by_label("What they need")).to_have_value("A new espresso machine.")
    expect(email).to_be_focused()
    journey.check("form-with-errors")
    journey.finish()


def test_error_pages_look_like_the_site(new_tab):
    tab = new_tab()
    page = tab.page
    journey = Journey("errors", page, tab.watch)

    tab.watch.expected["/no-such-page"] = 404
    response = page.goto("/no-such-page")
    assert response.status == 404
    _looks_like_the_site(page)
    journey.check("404")

    sign_in(page, ROLES["member"])
    tab.watch.expected["/staff/members"] = 403
    response = page.goto("/staff/members")
    assert response.status == 403
    _looks_like_the_site(page)
    journey.check("403")

    # Too many wrong passwords for one account: the sign-in form answers 429.
    other = new_tab()
    other.watch.expected["/login"] = 429
    other_journey = Journey("errors-429", other.page, other.watch)
    status = None
    for _ in range(12):
        other.page.goto("/login")
        other.page.get_by_label("E-mail").fill("ana.mendes@example.com")
        other.page.get_by_label("Password", exact=True).fill("not the password")
        with other.page.expect_response(lambda r: r.request.method == "POST") as answer:
            other.page.get_by_role("button", name="Sign in").click()
        status = answer.value.status
        if status == 429:
            break
    assert status == 429
    other.page.wait_for_load_state()
    _looks_like_the_site(other.page)
    other_journey.check("429")
    journey.finish()
    other_journey.finish()


def _looks_like_the_site(page) -> None:
    """The site's header, stylesheet and footer, a heading and a way on."""
    expect(page.locator("header.site-header .brand")).to_be_visible()
    expect(page.locator("footer.site-footer")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    expect(page.locator("main a[href]").first).to_be_visible()
