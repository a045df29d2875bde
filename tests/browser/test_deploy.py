"""Two app processes behind Debian's nginx with deploy/nginx/tracker.conf, on one store: every request of a
session reaches the same process (a cookie and a consistent hash), pages open through the proxy, a return
uploaded and published through the proxy in one session is seen by the other process's session."""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench import server as bench_server
from bench.bench_browsers import AREA, CARD_VALUES, headline_values, tap_water_return
from tests.browser.conftest import Visit
from tracker.core.i18n import t

pytestmark = pytest.mark.browser

SECRET = {"STREAMLIT_SERVER_COOKIE_SECRET": "deploy-test-secret-0123456789abcdef"}  # as deploy/tracker.env says


@pytest.fixture
def proxy(demo_store, tmp_path):
    if not Path(bench_server.NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's nginx is not installed: .ci/run must install it")
        pytest.skip("Debian's nginx is not installed (apt-get install nginx)")
    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(demo_store[0], db)  # this test publishes a load
    with bench_server.running_proxy(db, 2, tmp_path, SECRET) as (url, backends, _):
        yield url, backends, db


def backend(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(the process that answered, the route cookie nginx set) for one request through the proxy."""
    request = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as r:
        route = [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("tracker_route=")]
        return r.headers["X-Tracker-Backend"], (route[0] if route else None)


def test_two_processes_behind_nginx_keep_each_session_and_serve_one_publish(proxy, browser, tmp_path):
    url, backends, db = proxy
    assert len(set(backends)) == 2
    # a first request gets a route cookie; with it, every request reaches the same process
    first, cookie = backend(url)
    assert first in backends and cookie and cookie.startswith("tracker_route=")
    assert {backend(url, cookie) for _ in range(8)} == {(first, None)}
    # one route cookie per process: users spread over both
    routes = {}
    for i in range(40):
        routes.setdefault(backend(url, f"tracker_route=user-{i}")[0], f"user-{i}")
    assert set(routes) == set(backends)

    sessions = {}
    for address, route in routes.items():
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.add_cookies([{"name": "tracker_route", "value": route, "url": url}])
        sessions[address] = Visit(context.new_page())
    before = headline_values(db)
    for address, visit in sessions.items():
        response = visit.page.goto(f"{url}/?{AREA}")
        assert response.headers["x-tracker-backend"] == address
        visit.settle()
        assert visit.heading() == "余干县 · 2025年 领导简报"
        assert visit.page.locator(CARD_VALUES).all_inner_texts() == before
    # other pages through the proxy, in the first session
    loader = sessions[backends[0]]
    for path, heading in (("lagging", "落后村"), ("comparison", "对比"), ("final", "终期评估")):
        loader.page.goto(f"{url}/{path}?{AREA}")
        loader.settle()
        assert heading in loader.heading(), (path, loader.heading())

    # a return uploaded through the proxy (the upload must reach the session's own process), checked, published
    source = tap_water_return(db, tmp_path)
    loader.page.goto(f"{url}/data?{AREA}")
    loader.settle()
    loader.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(source))
    loader.page.get_by_text(source.name).first.wait_for(timeout=30_000)
    loader.page.get_by_role("button", name=t("data.check", "zh")).click()
    loader.settle()
    loader.page.get_by_role("button", name=t("data.publish", "zh"), exact=True).click()
    loader.page.get_by_text(t("data.published", "zh"), exact=True).wait_for(timeout=120_000)
    after = headline_values(db)
    assert after != before  # Yugan's key villages now at 99.5% tap water

    # both processes serve the new store: each session, on its own process, shows the new figures
    for address, visit in sessions.items():
        response = visit.page.goto(f"{url}/?{AREA}")
        assert response.headers["x-tracker-backend"] == address
        visit.settle()
        assert visit.page.locator(CARD_VALUES).all_inner_texts() == after, address
    for visit in sessions.values():
        visit.page.context.close()
        assert visit.external == [] and visit.failed == [] and visit.console_errors == []


def test_the_shipped_proxy_file_names_no_backend_closes_internals_and_limits_sign_ins(proxy):
    """As shipped: no header names an internal address (the test's copy adds one), /_stcore/metrics is closed at the
    proxy, and a client posting sign-in grants faster than 10 a minute (burst 10) is answered 429 by nginx."""
    url, _, _ = proxy
    assert "X-Tracker-Backend" not in bench_server.SITE.read_text(encoding="utf-8")

    def status(path: str, data: bytes | None = None) -> int:
        try:
            with urllib.request.urlopen(urllib.request.Request(url + path, data=data), timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    assert status("/_stcore/metrics") == 404
    answers = [status("/auth/session", b"not-a-grant") for _ in range(20)]
    assert answers.count(429) >= 5 and set(answers) <= {403, 429}  # the open demo refuses a grant: 403 first
