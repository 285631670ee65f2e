"""Every kind of page each role can reach, found by following links as that role (issue 13):
one page per URL shape (the app's route, whatever the ids and query string) gets axe-core, the
390 px check and the console/request/CSP watch.

A new page is covered without editing this file, as long as some page links to it. The shapes
each role reached are written to tests/e2e/screenshots/pages-<role>.txt.
"""

from __future__ import annotations

import os
from collections import deque
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.e2e.support import SCREENSHOTS, check_page

# Not pages: downloads and feeds (they are fetched, not shown), and sign-out.
NOT_PAGES = (".csv", ".ics", ".svg", ".graphml", "/logout")
# A role must reach at least these shapes, or the crawl itself is broken (signed out, say).
AT_LEAST = {"anonymous": 3, "member": 20, "chair": 25, "director": 35}
SCREENSHOT_EVERY_PAGE = os.environ.get("E2E_SCREENSHOTS") == "all"


@pytest.fixture(scope="module")
def url_map():
    from chamber import create_app
    from chamber.config import config_for_tests

    return create_app(config_for_tests("sqlite://")).url_map.bind("127.0.0.1")


def shape_of(url_map, path: str) -> str | None:
    """The route a path belongs to ("/members/<int:member_id>"), or None if it is no page."""
    if path.endswith(NOT_PAGES) or path.startswith("/static/"):
        return None
    try:
        rule, _arguments = url_map.match(path, method="GET", return_rule=True)
    except HTTPException:
        return None  # a redirect or a link to nothing: the page that links is checked anyway
    if rule.rule.endswith(NOT_PAGES):
        return None
    return rule.rule


@pytest.mark.parametrize("role", ["anonymous", "member", "chair", "director"])
def test_every_page_shape(role, role_tab, url_map):
    tab = role_tab(role)
    page, base = tab.page, tab.base
    start = ["/", "/login", "/businesses"] if role == "anonymous" else ["/dashboard"]
    queue = deque(start)
    seen_shapes: dict[str, str] = {}
    problems: list[str] = []
    while queue:
        path = queue.popleft()
        shape = shape_of(url_map, urlsplit(path).path)
        if shape is None or shape in seen_shapes:
            continue
        seen_shapes[shape] = path
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{path} answered {response and response.status}")
            tab.watch.take()
            continue
        landed = urlsplit(page.url)
        if not page.url.startswith(base):
            continue
        if landed.path != urlsplit(path).path:
            # Redirected (a page that sends on to another): check where it landed, once.
            landed_shape = shape_of(url_map, landed.path)
            if landed_shape is None or landed_shape in seen_shapes:
                tab.watch.take()
                continue
            seen_shapes[landed_shape] = landed.path
        name = f"page-{role}-{len(seen_shapes):02d}" if SCREENSHOT_EVERY_PAGE else None
        problems += check_page(page, tab.watch, name)
        links = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href)"
        )
        for link in links:
            parts = urlsplit(link)
            if link.startswith(base) and parts.path:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"pages-{role}.txt").write_text(
        "".join(f"{shape}\t{path}\n" for shape, path in sorted(seen_shapes.items()))
    )
    (SCREENSHOTS / f"problems-{role}.txt").write_text("".join(f"{p}\n" for p in problems))
    assert len(seen_shapes) >= AT_LEAST[role], sorted(seen_shapes)
    assert not problems, f"{len(problems)} problem(s) as {role}:\n" + "\n".join(problems)
