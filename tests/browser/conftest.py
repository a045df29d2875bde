"""A real app server on localhost and Debian's Chromium driven by Playwright, offline.

Every request that leaves localhost is aborted and recorded; a test fails on any. Screenshots
go to artifacts/screenshots/ (CI keeps that folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench import server as bench_server
from bench.bench_switch import DRAWN
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def running_app(store_path: Path, **env: str) -> Iterator[str]:
    """A new app server process on a free localhost port, serving `store_path` (env: TRACKER_USERS ...)."""
    with bench_server.running_app(store_path, env=env) as (url, _pid):
        yield url


@pytest.fixture(scope="session")
def server(store_path) -> Iterator[str]:
    """The app, shared by the session's browser tests."""
    with running_app(store_path) as url:
        yield url


@pytest.fixture(scope="session")
def demo_server(demo_store) -> Iterator[str]:
    """The app serving the demo store (every page has data, maps have outlines)."""
    with running_app(demo_store[0]) as url:
        yield url


@pytest.fixture
def fresh_server(store_path) -> Iterator[str]:
    """An app process that has served no request yet (for first-request behaviour)."""
    with running_app(store_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: .ci/run must install it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


# Opened at a page's path (/catalogue), Streamlit's front end first probes its endpoints under
# that path, gets 404, then uses the server root: expected, and not an error of the app.
PROBES = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


class Visit:
    """One browser page with the offline guard: what left localhost, what failed, what the console said."""

    def __init__(self, page):
        self.page = page
        self.external: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []  # an alert() would mean a name ran as code
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.route("**/*", self._route)
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _response(self, response) -> None:
        if response.status >= 400 and not PROBES.search(urlparse(response.url).path):
            self.failed.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        # a failed load is reported with its address by _response (or is an aborted outside request)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def settle(self) -> None:
        """Wait until the script has finished running, nothing is still a skeleton, and the browser has drawn it (no
        long task for a quarter of a second: charts and maps are laid out after the script ends, and
        a click would wait behind it)."""
        self.page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                    timeout=60_000)
        self.page.wait_for_function(
            "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=60_000)
        self.page.evaluate(DRAWN)

    def heading(self) -> str:
        """The page's title (the sidebar has its own h1)."""
        return self.page.locator('[data-testid="stMain"] h1').first.inner_text().strip()

    def count_values(self) -> list[str]:
        """The numbers of the page's rows of counts (tracker.present.tables.counts_html), in page order."""
        return self.page.locator(".tracker-counts .value").all_inner_texts()

    def map_box(self) -> dict:
        """Wait for the page's map (the SVG ui/svg_drawing draws) and return its size on screen."""
        drawn = self.page.locator(".tracker-map svg").first
        drawn.wait_for(state="visible", timeout=30_000)
        return drawn.bounding_box()

    def open_panel(self, label: str) -> None:
        """Open the folded panel (ui/widgets.folded) headed `label`, and wait for what it builds."""
        self.page.locator('[data-testid="stExpander"] summary', has_text=label).first.click()
        self.settle()

    def select_first_row(self) -> None:
        """Tick the first row of the page's first table (st.dataframe draws on a canvas: click its row marker,
        35 px rows under a 35 px header)."""
        grid = self.page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        self.page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)

    def screenshot(self, name: str, full_page: bool = True) -> None:
        """A picture of the page in artifacts/screenshots/ (those docs/ shows are copied from there by
        `python -m tools.docs --screenshots`)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def visit(browser) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    v = Visit(context.new_page())
    yield v
    context.close()
    assert v.external == [], f"requests left localhost: {v.external}"
    assert v.failed == [], f"requests that failed: {v.failed}"
    assert v.console_errors == [], f"browser console errors: {v.console_errors}"
    assert v.dialogs == [], f"the page opened dialogs: {v.dialogs}"
