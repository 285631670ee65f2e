"""Browser tests (issue 13): Playwright for Python driving Debian's Chromium against the real
app, served by gunicorn on a free local port from the small demo seed in a temporary SQLite file.

One server and one browser for the whole run; one signed-in browser context per demo role,
reused by every test that only looks (the crawl); journeys that sign out or sign in someone
new open their own context.

Needs Chromium ($CHROMIUM, default /usr/bin/chromium: `apt-get install chromium`) and axe-core
(`npm ci --prefix tests/e2e`). When either is missing the tests skip with one line, except in CI
(the CI variable set), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.support import AXE_PATH, DESKTOP, ROLES, SCREENSHOTS, Watch, sign_in

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the machine notes advise for a closed network: no background connections, no sandbox (root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


_left_out: list[str] = []


def pytest_collection_modifyitems(config, items) -> None:
    # Under pytest-xdist with --dist loadgroup every browser test runs in one worker: one
    # server and one browser, whatever -n says.
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in Path(item.fspath).parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.xdist_group("e2e"))
    missing = _missing() if browser_tests else None
    if missing and not os.environ.get("CI"):
        # Locally, one line says why they did not run (in CI the e2e_ready fixture fails them).
        items[:] = [item for item in items if item not in browser_tests]
        config.hook.pytest_deselected(items=browser_tests)
        _left_out.append(f"{len(browser_tests)} browser tests (tests/e2e) not run: {missing}")


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _left_out:
        terminalreporter.write_line(f"SKIPPED {line}", yellow=True)


@pytest.fixture(autouse=True)
def _clean_state():
    """The suite's per-test database cleaning is not needed: the server has its own database."""
    yield


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; or set CHROMIUM)"
    if not AXE_PATH.exists():
        return "no axe-core in tests/e2e/node_modules (npm ci --prefix tests/e2e)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def e2e_ready() -> None:
    missing = _missing()
    if missing:
        message = f"browser tests (tests/e2e) not run: {missing}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def server(e2e_ready, tmp_path_factory):
    from tests.e2e.server import DemoServer, RunningServer

    if os.environ.get("E2E_BASE_URL"):
        # While writing tests: a demo server already running (its data changes run to run).
        yield RunningServer(os.environ["E2E_BASE_URL"])
        return
    demo = DemoServer(tmp_path_factory.mktemp("e2e")).start()
    yield demo
    demo.stop()


@pytest.fixture(scope="session")
def browser(e2e_ready):
    from playwright.sync_api import sync_playwright

    if SCREENSHOTS.exists():
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A browser tab with its watch (console errors, failed requests, CSP violations)."""

    def __init__(self, context, base: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.watch = Watch(self.page)
        self.base = base


@pytest.fixture
def new_tab(browser, server) -> Iterator[Callable[..., Tab]]:
    """A fresh browser (context: its own cookies) per call, closed after the test."""
    contexts = []

    def open_tab(**options) -> Tab:
        context = browser.new_context(base_url=server.base, viewport=DESKTOP, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Tab(context, server.base)

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def role_tab(browser, server) -> Iterator[Callable[[str], Tab]]:
    """One signed-in tab per demo role ("anonymous" for none), kept for the whole run."""
    tabs: dict[str, Tab] = {}

    def tab_for(role: str) -> Tab:
        if role not in tabs:
            context = browser.new_context(base_url=server.base, viewport=DESKTOP)
            context.set_default_timeout(15_000)
            tab = Tab(context, server.base)
            if role != "anonymous":
                sign_in(tab.page, ROLES[role])
            tab.watch.take()
            tabs[role] = tab
        return tabs[role]

    yield tab_for
    for tab in tabs.values():
        tab.context.close()
