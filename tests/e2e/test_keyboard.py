"""Issue 13, keyboard-only use, on the main pages of each role at 1280 px and 390 px:

- the first Tab lands on a visible "Skip to content" link, and Enter moves the focus into the
  main content (the next Tab stays there);
- the Tab order through the header and its navigation follows the order a reader sees (left to
  right, then down), and every element Tab stops on is on screen;
- every element Tab stops on shows that it has the focus: its outline or box-shadow differs from
  its unfocused state, and an outline stands out from what is behind it (3:1, WCAG 1.4.11);
- a member signs in, logs a contribution and signs out with the keyboard alone.

On a phone the header's navigation sits behind a "Menu" disclosure: the walk opens it with
Enter, as a keyboard user would, and goes on through its links.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.support import DESKTOP, PASSWORD, PHONE, ROLES

WIDTHS = {"1280": DESKTOP, "390": PHONE}
MAIN_PAGES = {
    "anonymous": ["/", "/login"],
    "member": ["/dashboard", "/work", "/work/new", "/members"],
    "chair": ["/dashboard", "/committees/community-events/manage/approvals"],
    "director": ["/dashboard", "/staff/members"],
}
# Enough Tab stops to go through the header and well into the page; a long directory is not
# walked to its end.
MOST_STOPS = 80

_STOP = """() => {
    const element = document.activeElement;
    (window.__tabStops = window.__tabStops || []).push(element);
    const box = element.getBoundingClientRect();
    return {
        what: describe(element),
        inHeader: !!element.closest('.site-header, .subnav'),
        inMain: !!element.closest('main'),
        isBody: element === document.body || element === document.documentElement,
        top: box.top + scrollY, bottom: box.bottom + scrollY,
        left: box.left + scrollX, right: box.right + scrollX,
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
                  && box.left >= -1 && box.right <= innerWidth + 1,
        focused: look(element),
    };
    function describe(element) {
        const text = (element.innerText || element.value || element.getAttribute('aria-label')
                      || element.name || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
        return `<${element.tagName.toLowerCase()}> "${text}"`;
    }
    function look(element) {
        const style = getComputedStyle(element);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : 'none';
        return {outline, outlineColor: style.outlineColor, boxShadow: style.boxShadow,
                behind: behind(element)};
    }
    function behind(element) {
        // The colour the outline is drawn on: the first opaque background around the element.
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
            const colour = getComputedStyle(parent).backgroundColor;
            if (!/rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent') return colour;
        }
        return 'rgb(255, 255, 255)';
    }
}"""

# How each element Tab stopped on looks once the focus has moved on (the last one is skipped).
_UNFOCUSED = """() => window.__tabStops.map(element => {
    if (element === document.activeElement) return null;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : 'none';
    return {outline, boxShadow: style.boxShadow};
})"""


def _luminance(colour: str) -> float:
    parts = [float(p) for p in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    linear = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def open_as(new_tab, role: str, width: str) -> Page:
    tab = new_tab()
    page = tab.page
    if role != "anonymous":
        sign_in_by_keyboard(page, ROLES[role])
    page.set_viewport_size(WIDTHS[width])
    return page


def tab_to(page: Page, target: Locator, limit: int = MOST_STOPS) -> None:
    """Press Tab until the focus is on `target` (as a keyboard user looks for a control)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target} on {page.url}")


def sign_in_by_keyboard(page: Page, email: str) -> None:
    page.goto("/login")
    tab_to(page, page.get_by_label("E-mail"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password", exact=True), limit=3)
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, f"could not sign in as {email} by keyboard: {page.url}"


def open_menu_if_closed(page: Page) -> bool:
    """On a phone: Enter on the header's closed "Menu" summary opens it. True if it did."""
    closed_menu = page.evaluate(
        """() => {
            const element = document.activeElement;
            return element.tagName === 'SUMMARY' && !!element.closest('.site-menu')
                   && !element.parentElement.open;
        }"""
    )
    if closed_menu:
        page.keyboard.press("Enter")
    return closed_menu


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", MAIN_PAGES)
def test_the_first_tab_is_a_visible_skip_link_to_the_main_content(new_tab, role, width):
    page = open_as(new_tab, role, width)
    problems = []
    for path in MAIN_PAGES[role]:
        page.goto(path)
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_text("Skip to content")
        box = skip.bounding_box()
        size = WIDTHS[width]
        if not (
            box
            and box["x"] >= 0
            and box["y"] >= 0
            and box["width"] > 20
            and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"]
        ):
            problems.append(f"{path}: the focused skip link is not on screen ({box})")
        if skip.evaluate(
            "e => document.elementFromPoint(e.getBoundingClientRect().left + 4, "
            "e.getBoundingClientRect().top + 4) !== e"
        ):
            problems.append(f"{path}: the focused skip link is covered by something else")
        page.keyboard.press("Enter")
        if not page.evaluate("() => !!document.activeElement.closest('main')"):
            where = page.evaluate("() => document.activeElement.tagName")
            problems.append(f"{path}: after the skip link the focus is on <{where}>, not in <main>")
        page.keyboard.press("Tab")
        if not page.evaluate("() => !!document.activeElement.closest('main')"):
            problems.append(f"{path}: the Tab after the skip link leaves <main>")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", MAIN_PAGES)
def test_tab_order_follows_the_header_and_every_stop_shows_its_focus(new_tab, role, width):
    page = open_as(new_tab, role, width)
    problems: list[str] = []
    for path in MAIN_PAGES[role]:
        page.goto(path)
        stops = []
        for _ in range(MOST_STOPS):
            page.keyboard.press("Tab")
            stop = page.evaluate(_STOP)
            if stop["isBody"] or (stops and stop["what"] == stops[0]["what"]):
                break  # through the page and round to the address bar (or the start again)
            stops.append(stop)
            if open_menu_if_closed(page):
                page.wait_for_function("() => document.activeElement.parentElement.open")
        unfocused = page.evaluate(_UNFOCUSED)
        problems += _order_problems(path, stops) + _focus_problems(path, stops, unfocused)
    assert not problems, f"{len(problems)} problem(s) at {width} px as {role}:\n" + "\n".join(
        problems
    )


def _order_problems(path: str, stops: list[dict]) -> list[str]:
    """The header's stops, in Tab order, must read left to right and then down."""
    header = [stop for stop in stops[1:] if stop["inHeader"]]
    problems = []
    if stops and stops[0]["what"] != '<a> "Skip to content"':
        problems.append(f"{path}: the first Tab stop is {stops[0]['what']}")
    for before, after in zip(header, header[1:], strict=False):
        below = after["top"] >= before["bottom"] - 2
        same_line = after["top"] < before["bottom"] and before["top"] < after["bottom"]
        right = after["left"] >= before["right"] - 2
        if not (below or (same_line and right)):
            problems.append(
                f"{path}: Tab goes from {before['what']} to {after['what']}, which is "
                "above it or to its left"
            )
    for stop in stops:
        if not stop["onScreen"]:
            problems.append(f"{path}: Tab stops on {stop['what']}, which is not on screen")
    return problems


def _focus_problems(path: str, stops: list[dict], unfocused: list[dict | None]) -> list[str]:
    problems = []
    for stop, plain in zip(stops, unfocused, strict=False):
        if plain is None:
            continue
        focused = stop["focused"]
        if focused["outline"] == plain["outline"] and focused["boxShadow"] == plain["boxShadow"]:
            problems.append(f"{path}: {stop['what']} looks the same focused and unfocused")
        elif focused["outline"] != plain["outline"] and focused["outline"] != "none":
            ratio = contrast(focused["outlineColor"], focused["behind"])
            if ratio < 3:
                problems.append(
                    f"{path}: the focus outline of {stop['what']} ({focused['outlineColor']} "
                    f"on {focused['behind']}) has a contrast of {ratio:.1f}:1, under 3:1"
                )
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_logs_a_contribution_with_the_keyboard_alone(new_tab, width):
    page = open_as(new_tab, "member", width)
    what = f"Folded flyers for the fair, by keyboard ({secrets.token_hex(3)})"
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    if width == "390":  # the navigation is behind the header's Menu
        tab_to(page, page.locator(".site-menu > summary"))
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="My work"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My work")
    tab_to(page, page.get_by_role("link", name="Log a contribution"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contribution")

    committee = page.get_by_label("Committee")
    tab_to(page, committee)
    for _ in range(10):  # arrow keys through a closed <select>, as on any keyboard
        if committee.evaluate("s => s.options[s.selectedIndex].text") == "Community Events":
            break
        page.keyboard.press("ArrowDown")
    expect(committee.locator("option:checked")).to_have_text("Community Events")
    tab_to(page, page.get_by_label("What you did or gave"))
    page.keyboard.type(what)
    tab_to(page, page.get_by_label("Hours"))
    page.keyboard.type("1.5")
    page.keyboard.press("Enter")  # Enter in a field sends the form

    row = page.get_by_role("row").filter(has_text=what)
    expect(row).to_contain_text("Pending")
    expect(row).to_contain_text("1.5")
    expect(page.get_by_role("status")).to_contain_text("waiting for a lead's approval")

    # Signing out, by keyboard too: the account menu (on a phone, inside the menu).
    if width == "390":
        tab_to(page, page.locator(".site-menu > summary"))
        page.keyboard.press("Enter")
        tab_to(page, page.locator(".site-menu").get_by_role("button", name="Sign out"))
    else:
        tab_to(page, page.locator(".account-menu > summary"))
        page.keyboard.press("Enter")
        tab_to(page, page.locator(".account-menu").get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
