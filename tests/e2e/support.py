"""What every page in the browser tests is checked for, as a person would notice it.

- No console error, uncaught script error, failed request, unexpected HTTP error status or
  Content-Security-Policy violation while the page loads and is used (`Watch`).
- axe-core (tests/e2e/node_modules, from the npm registry) finds no serious or critical
  violation (`axe_problems`).
- At 390 px wide the page does not scroll sideways and every control (links, buttons, fields, a
  table's row actions) is on screen, not cut off nor hidden inside a sideways-scrolling box
  (`phone_problems`).
- Screenshots at 1280 px and 390 px go to tests/e2e/screenshots/ (git-ignored), to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Request, Response

HERE = Path(__file__).resolve().parent
AXE_PATH = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "chamber-demo"  # the documented password of the demo accounts
ROLES = {
    "member": "member@example.com",
    "chair": "chair@example.com",
    "director": "director@example.com",
}
SERIOUS = ("serious", "critical")


@dataclass
class Watch:
    """Collects what went wrong in one page (tab) while the tests drive it."""

    page: Page
    problems: list[str] = field(default_factory=list)
    # Statuses a test asks for on purpose (the 404 page, the 429 page): path -> status.
    expected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        status = re.search(r"status of (\d{3})", text)
        if status and self._is_expected(message.location.get("url", ""), int(status.group(1))):
            return
        kind = "CSP violation" if "Content Security Policy" in text else "console error"
        self.problems.append(f"{kind} on {self.page.url}: {text}")

    def _failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # cut short by the next navigation (a favicon still loading, a download)
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and not self._is_expected(response.url, response.status):
            self.problems.append(
                f"HTTP {response.status} for {response.request.method} {response.url}"
            )

    def _is_expected(self, url: str, status: int) -> bool:
        path = re.sub(r"^https?://[^/]+", "", url)
        return self.expected.get(path) == status or self.expected.get("*") == status

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found


_axe_source: str | None = None


def axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA and
    best practices), one line per rule with the first elements it names."""
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_PATH.read_text()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') is
        # untouched, so a violation the page itself causes still shows.
        page.evaluate(_axe_source)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')),
                summary: v.nodes.length ? v.nodes[0].failureSummary : '',
            }));
        }"""
    )
    problems = []
    for violation in violations:
        if violation["impact"] not in SERIOUS:
            continue
        nodes = violation["nodes"]
        shown = ", ".join(nodes[:4]) + (f" and {len(nodes) - 4} more" if len(nodes) > 4 else "")
        summary = " ".join(violation["summary"].split())[:240]
        problems.append(
            f"axe {violation['impact']} {violation['id']} ({violation['help']}) on "
            f"{page.url}: {len(nodes)} element(s): {shown}. {summary}"
        )
    return problems


# Off-screen on purpose: the skip link (until focused), visually hidden text, the header row
# of a table shown as cards on a phone (moved off-screen).
_PHONE_CHECK = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const sideways = document.documentElement.scrollWidth - width;
    if (sideways > 1) {
        // Name the widest things that stick out, so the fix is easy to find.
        const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1 && e.children.length === 0)
            .slice(0, 4).map(describe);
        problems.push(
            `the page scrolls sideways by ${sideways}px (sticking out: ${wide.join('; ')})`);
    }
    const controls = document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary');
    const cut = [];
    for (const element of controls) {
        if (element.closest('.skip-link, .visually-hidden')) continue;
        const head = element.closest('thead');
        if (head && getComputedStyle(head).position === 'absolute') continue;  // cards
        const rects = element.getClientRects();
        if (!rects.length) continue;  // not rendered (display: none)
        if (!element.checkVisibility()) continue;  // a closed <details> (content-visibility)
        const style = getComputedStyle(element);
        if (style.visibility === 'hidden') continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        let visibleLeft = 0, visibleRight = width;
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
            const overflow = getComputedStyle(parent).overflowX;
            if (overflow === 'visible') continue;
            const frame = parent.getBoundingClientRect();
            visibleLeft = Math.max(visibleLeft, frame.left);
            visibleRight = Math.min(visibleRight, frame.right);
        }
        if (box.left < visibleLeft - 1 || box.right > visibleRight + 1) cut.push(describe(element));
    }
    if (cut.length) {
        problems.push(`${cut.length} control(s) off screen at ${width}px: ` +
                      cut.slice(0, 6).join('; ') + (cut.length > 6 ? '; …' : ''));
    }
    return problems;

    function describe(element) {
        const text = (element.innerText || element.value || element.getAttribute('aria-label')
                      || element.name || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
        const where = element.closest('table') ? ' in a table' : '';
        const cls = element.className && typeof element.className === 'string'
            ? '.' + element.className.trim().split(/\\s+/).join('.') : '';
        return `<${element.tagName.toLowerCase()}${cls}> "${text}"${where}`;
    }
}"""


def phone_problems(page: Page) -> list[str]:
    """At 390 px: no sideways scrolling, every control on screen. Leaves the page at 390 px."""
    page.set_viewport_size(PHONE)
    return [f"{problem} on {page.url}" for problem in page.evaluate(_PHONE_CHECK)]


def screenshot(page: Page, name: str, width: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


def check_page(page: Page, watch: Watch, name: str | None = None) -> list[str]:
    """Everything a person would notice on the page now: axe at 1280 px, the 390 px layout, and
    what the watch saw since the last check. Screenshots at both widths when `name` is given.
    Returns the problems (empty when the page is fine); the page is left at 1280 px."""
    page.set_viewport_size(DESKTOP)
    problems = axe_problems(page)
    if name:
        screenshot(page, name, "1280")
    problems += phone_problems(page)
    if name:
        screenshot(page, name, "390")
    page.set_viewport_size(DESKTOP)
    return problems + watch.take()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Through the sign-in form, as a person would; a staff member who is only asked to set up
    two-factor sign-in (the demo's `prompt` setting) is not forced to."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"could not sign in as {email}: {page.url}"


class Journey:
    """A person's way through the site: each page they reach is checked (axe, 390 px, the
    watch) and photographed as <journey>-<step>-<what>-{1280,390}.png. Quality problems are
    gathered so one run shows them all; `finish` fails the test if there were any."""

    def __init__(self, name: str, page: Page, watch: Watch) -> None:
        self.name, self.page, self.watch = name, page, watch
        self.step = 0
        self.problems: list[str] = []
        self.pages: list[str] = []

    def check(self, what: str) -> None:
        self.step += 1
        self.pages.append(re.sub(r"^https?://[^/]+", "", self.page.url))
        self.problems += check_page(self.page, self.watch, f"{self.name}-{self.step:02d}-{what}")

    def finish(self) -> None:
        self.problems += self.watch.take()
        listed = "\n".join(self.problems)
        assert not self.problems, f"{self.name}: {len(self.problems)} problem(s):\n{listed}"
