"""Benchmark: a page switch as a user makes it — a click in the sidebar, in Chromium — beside Streamlit's own floor.

    python -m bench.bench_switch --db data/tracker.duckdb [--area "province=36&city=3611&year=2025"] [--rounds 3]

Starts the app on the store (open, as on the demo data) and, at the same time on this machine, a bare app of four
pages (st.navigation, a title and a line each: what any Streamlit page costs) and the app's own floor (our entry
script and sidebar over pages of a title and a line: what our frame costs before any page's content). In a
Chromium of its own each, opens the first page, then clicks every page's link in the sidebar in menu order,
`--rounds` times, a click in each in turn (so all are timed on the machine as it is at the same moment). A switch
ends when the new page's heading is shown, Streamlit reports the script finished (its running indicator is gone), no
skeleton is left and the browser's last long task after it has ended (charts and maps are laid out after the script
ends); the time includes the browser's own drawing (maps, charts), as a user waits for it. The first
round is cold; each page's figure is the median of the later rounds, and its ratio to the floor's median switch
(aim: at most 3×). A fresh session's first page (the briefing, the lagging map, and the bare app's) is timed too:
in a new tab of the same browser, its scripts cached, as a returning user opens it (median of three; against its
warm switch, aim at most 2×), and as the first visit ever, with an empty cache (the browser fetches and compiles
Streamlit's scripts). Needs Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.record import Run
from bench.server import ROOT, running_app

CHROMIUM = "/usr/bin/chromium"
FLOOR_APP = '''import streamlit as st


def page(n):
    def show():
        st.title(f"Floor page {n}")
        st.write("A page with a title and a line: what any Streamlit page switch costs.")
    show.__name__ = f"floor_{n}"
    return show


st.navigation([st.Page(page(n), title=f"Floor page {n}", url_path=f"floor{n}") for n in range(4)]).run()
'''
# our app with every page a title and a line: what the entry script and the sidebar (language, area, year, the
# menu) cost on every switch, before any page's own content
APP_FLOOR = '''import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path({root!r})
sys.path.insert(0, str(ROOT))
from ui import registry  # noqa: E402

HERE = Path(__file__).resolve().parent
registry.PAGES = [replace(p, script=str(HERE / f"floor_{{p.key}}.py")) for p in registry.PAGES]
exec(compile((ROOT / "app.py").read_text(encoding="utf-8"), str(ROOT / "app.py"), "exec"))
'''
FLOOR_PAGE = '''import streamlit as st

st.title({title!r})
st.write("A page with a title and a line, under the app's own sidebar.")
'''


def app_floor(folder: Path) -> Path:
    """The app's own floor in `folder` (its entry script, a title-only page for each of ours, our Streamlit
    settings); its entry script."""
    from ui.registry import PAGES

    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    for p in PAGES:
        (folder / f"floor_{p.key}.py").write_text(FLOOR_PAGE.format(title=f"{p.key} (floor)"), encoding="utf-8")
    script = folder / "app_floor.py"
    script.write_text(APP_FLOOR.format(root=str(ROOT)), encoding="utf-8")
    return script


DONE = """(previous) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelectorAll('[data-testid="stSkeleton"]').length) return false;
    const h = document.querySelector('[data-testid="stMain"] h1');
    return !!h && h.innerText.trim() !== previous;
}"""


def heading(page) -> str:
    found = page.locator('[data-testid="stMain"] h1')
    return found.first.inner_text().strip() if found.count() else ""


# then the browser has drawn it: no long task (over 50 ms: laying out a chart, a map or a table) for QUIET ms;
# the seconds from here to the end of the last long task are the page's drawing, which the switch includes (a chart
# or map is drawn after Streamlit's script has finished, in tasks that may start after the browser has drawn a frame
# or two: waiting for two quick frames charged a deck.gl map's drawing to the next page on a slow machine). At most 10 s (a page that never settles). The browser tests' settle waits for the same
# (tests/browser/conftest.py).
QUIET = 250
DRAWN = """async () => {
    if (!window.__lastLongTask) {
        window.__lastLongTask = {end: 0};
        new PerformanceObserver(list => {
            for (const e of list.getEntries())
                window.__lastLongTask.end = Math.max(window.__lastLongTask.end, e.startTime + e.duration);
        }).observe({type: 'longtask', buffered: true});
    }
    const start = performance.now();
    while (performance.now() - start < 10000) {
        await new Promise(r => setTimeout(r, 25));
        if (performance.now() - Math.max(window.__lastLongTask.end, start) >= """ + str(QUIET) + """)
            return Math.max(window.__lastLongTask.end - start, 0) / 1000;
    }
    return (performance.now() - start) / 1000;
}"""


def settle(page, previous: str = "") -> float:
    """Wait until the page's script has finished and the browser has drawn it; when it was drawn (perf_counter
    seconds): the script's end plus the drawing after it (the quiet wait after the drawing is not counted)."""
    page.wait_for_function(DONE, arg=previous, timeout=120_000, polling=20)
    finished = time.perf_counter()
    return finished + page.evaluate(DRAWN)


# the links of a menu: Streamlit's own (the bare floor) or the app's (ui.registry.menu: a page link per page)
MENU_LINKS = '[data-testid="stSidebarNav"] a, [data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]'


class Clicks:
    """A browser tab on an app, opened at `url` and settled: each step() clicks the next sidebar link in menu order,
    from the page after the first (shown) one round to the first and on again, so every click changes page."""

    def __init__(self, page, url: str):
        self.page = page
        page.goto(url)
        settle(page)
        self.links = page.locator(MENU_LINKS)
        self.names = [n.strip().split("\n")[-1].strip() for n in self.links.all_inner_texts()]  # the title, not the icon's name
        self.times: dict[str, list[float]] = {n: [] for n in self.names}
        self.order = [*range(1, len(self.names)), 0]
        self.clicks = 0

    def step(self) -> None:
        i = self.order[self.clicks % len(self.order)]
        self.clicks += 1
        previous = heading(self.page)
        start = time.perf_counter()
        self.links.nth(i).click()
        self.times[self.names[i]].append(settle(self.page, previous) - start)


def switches(tabs: list[Clicks], rounds: int) -> None:
    """`rounds` rounds of clicks through the longest menu, a click in each tab in turn: the floor is clicked between
    every two of the app's clicks, so both see the machine as it is at the same moment (a shared machine's speed
    drifts within seconds; a whole round of the floor before a round of the app compared different moments). A
    shorter menu (the bare floor's four pages) goes round several times in a round."""
    for _ in range(rounds):
        for _ in range(max(len(tab.order) for tab in tabs)):
            for tab in tabs:
                tab.step()


def first_visit(browser, url: str, context=None) -> float:
    """Seconds from opening `url` in a fresh session until its page is settled: a new tab of a browser that has
    the app's scripts in its cache (`context`, a returning user), or a new browser profile with an empty cache
    (the first visit ever)."""
    fresh = context is None
    context = context or browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    seconds = settle(page) - start
    page.close()
    if fresh:
        context.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the store (the demo store: python -m etl demo)")
    parser.add_argument("--area", default="province=36&city=3611&year=2025", help="the URL parameters of the area")
    parser.add_argument("--rounds", type=int, default=3, help="clicks through every page (the first is cold)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        floor_script = Path(folder) / "floor.py"
        floor_script.write_text(FLOOR_APP, encoding="utf-8")
        env = {"TRACKER_USERS": str(Path(folder) / "no-users.toml")}
        own_floor = Path(folder) / "own-floor"
        own_floor.mkdir()
        with running_app(args.db, Path(folder) / "app.log", env) as (app_url, _), \
                running_app(args.db, Path(folder) / "floor.log", script=floor_script) as (floor_url, _), \
                running_app(args.db, Path(folder) / "own-floor.log", env, app_floor(own_floor)) as (own_url, _):
            # a browser each, its one tab in front: a tab brought to the front before each click would be drawn
            # again first, a cost added to every switch alike that would narrow the ratios (and a tab behind
            # another has its timers slowed)
            browsers = [p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                        for _ in range(3)]
            contexts = [b.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN") for b in browsers]
            floor_tab, own_tab, app_tab = (Clicks(c.new_page(), url) for c, url in zip(
                contexts, (f"{floor_url}/", f"{own_url}/?{args.area}", f"{app_url}/?{args.area}")))
            switches([floor_tab, own_tab, app_tab], args.rounds)
            warm = {name: statistics.median(t[1:] or t) for name, t in app_tab.times.items()}
            floor_median, own_median = (statistics.median([x for t in tab.times.values() for x in (t[1:] or t)])
                                        for tab in (floor_tab, own_tab))
            # a fresh session: the median of three new tabs of the app's own browser (its scripts cached: the cache
            # is per browser and per port), and a first visit ever
            visits = {"": (0, f"{floor_url}/"), "领导简报": (2, f"{app_url}/?{args.area}"),
                      "落后村地图": (2, f"{app_url}/lagging?{args.area}")}
            tab = {name: statistics.median(first_visit(browsers[i], url, contexts[i]) for _ in range(3))
                   for name, (i, url) in visits.items()}
            ever = {name: first_visit(browsers[i], url) for name, (i, url) in visits.items()}
            for b in browsers:
                b.close()
    run = Run("switch", {"store": args.db.name, "area": args.area, "rounds": args.rounds,
                         "browser": "Debian chromium, 1400×1000, same machine",
                         "clicks": "a Chromium per app, a click in each in turn"})
    run.add("bare Streamlit page switch (the floor)", floor_median, "s")
    run.add("the app's own floor: a page with a title and a line, under our sidebar", own_median, "s")
    run.add("the app's own floor against the floor", own_median / floor_median, "×")
    for name, seconds in warm.items():
        run.add(f"{name}: warm switch", seconds, "s")
        run.add(f"{name}: against the floor", seconds / floor_median, "×", "≤ 3×")
    for name in visits:
        who = name or "bare Streamlit page"
        run.add(f"{who}: a fresh session's first page (a new tab)", tab[name], "s")
        if name in warm:
            run.add(f"{name}: a fresh session's first page against its warm switch", tab[name] / warm[name], "×", "≤ 2×")
        run.add(f"{who}: the first visit ever (empty browser cache)", ever[name], "s")
    for figure in run.figures:
        print(f"{figure['name']}: {figure['value']} {figure['unit']}")
    run.save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
