"""Benchmark: the app under N simultaneous browser sessions, and while a load is published.

    python -m bench.bench_browsers --db data/tracker.duckdb [--sessions 5 10 20] [--rounds 2] [--proxy 2]

Works on a copy of the store. Starts the app, then for each N opens N Chromium sessions at once
(one browser, one context each: N Streamlit sessions), each opening the app on Yugan county's
briefing, then moving through the 领导简报, 落后村地图 and 县区对比 pages by the sidebar `--rounds`
times; a page counts as complete when its heading is shown, Streamlit reports the script finished
and no skeleton is left. The first open (the app's own files, a new session) is timed apart. Reports the median and p95 page completion time, the
server's peak resident memory (sampled every 0.2 s from /proc) and errors (exceptions on a page,
timeouts, requests off the machine). Then the same with 10 sessions while `etl load` publishes a
return that sets tap water in Yugan's key villages to 99.5% for 2025: every briefing a session sees
must show the headline figures of the old or of the new data, never a mix (a half-seen load).
With --proxy N the same runs go through Debian's nginx (deploy/nginx/tracker.conf) to N app processes on the
store: each session's responses name the process that answered (X-Tracker-Backend), and a session counts as
held when every one of them came from one process; the memory and CPU are the processes' together.
Needs Debian's chromium (/usr/bin/chromium). Browser and server share this machine's two cores, so
the times include the browsers' own work (drawing the charts' and maps' SVG); the server's CPU time
per page served is reported beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.bench_switch import MENU_LINKS
from bench.record import Run
from bench.server import ROOT, running_app, running_proxy
from tracker.core import store
from tracker.core.catalogue import load_catalogue
from tracker.present import scorecard
from tracker.queries import dashboard

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
AREA = "province=36&city=3611&county=361127"
# page: (its link in the sidebar, its heading for Yugan)
PAGES = {"overview": ("领导简报", "余干县 · 2025年 领导简报"), "lagging": ("落后村地图", "余干县 · 2025年 落后村"),
         "comparison": ("县区对比", "余干县 · 各乡镇（街道）对比")}
SHOWN = """([title]) => {
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  const app = document.querySelector('[data-testid="stApp"]');
  return h1 && h1.innerText.trim() === title && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
}"""
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


CARD_VALUES = ".tracker-cards .card .value"  # the figures of the briefing's cards (scorecard.cards_html), in order


def headline_values(db: Path) -> list[str]:
    """The headline card values of Yugan's briefing in 2025, as the core computes them from `db`."""
    con, cat = store.StoreReader(db).cursor(), load_catalogue()
    rows = dashboard.assessment_rows(con, regions=tuple(sorted(set(scorecard.card_regions(cat, "361127").values()))),
                                     years=(2024, 2025))
    return [c.value for c in scorecard.headline_cards(scorecard.cards(rows, cat, "361127", 2025))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/<pid>/stat, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident(pid: int) -> int:
    """A process's resident memory in bytes (/proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Memory:
    """Peak resident memory of the server's processes together, sampled in a thread; and the CPU time they used
    meanwhile."""

    def __init__(self, pids: list[int]):
        self.pids, self.peak, self.cpu, self._stop = pids, 0, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, sum(resident(pid) for pid in self.pids))
            except OSError:
                return
            time.sleep(0.2)

    def __enter__(self) -> Memory:
        self._cpu_start = sum(cpu_seconds(pid) for pid in self.pids)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu = sum(cpu_seconds(pid) for pid in self.pids) - self._cpu_start


async def session(browser, url: str, rounds: int, times: list, errors: list, seen: list, held: list) -> None:
    """One user: a context of its own, each page in turn, timed; what the briefing showed is kept, and which
    processes answered it (behind the proxy) in `held`."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    answered = set()
    page.on("response", lambda r: answered.add(r.headers.get("x-tracker-backend")))

    async def route(r):
        if r.request.url.startswith(url) or r.request.url.startswith(("data:", "blob:")):
            await r.continue_()
        else:
            errors.append(f"off the machine: {r.request.url}")
            await r.abort()

    await page.route("**/*", route)
    try:
        start = time.perf_counter()  # the first open loads the app itself, then the briefing
        await page.goto(f"{url}/?{AREA}")
        await page.wait_for_function(SHOWN, arg=[PAGES["overview"][1]], timeout=180_000)
        times.append(("first open", time.perf_counter() - start))
        for _ in range(rounds):
            for name, (link, title) in PAGES.items():
                start = time.perf_counter()
                try:  # moving between pages as a person does: the sidebar, not a reload
                    await page.locator(MENU_LINKS, has_text=link).click()
                    await page.wait_for_function(SHOWN, arg=[title], timeout=180_000)
                except Exception as e:  # a timeout is a result to count, not a crash of the benchmark
                    errors.append(f"{name}: {type(e).__name__}")
                    continue
                times.append((name, time.perf_counter() - start))
                if await page.locator('[data-testid="stException"]').count():
                    errors.append(f"{name}: exception shown")
                if name == "overview":
                    seen.append(await page.locator(CARD_VALUES).all_inner_texts())
    except Exception as e:
        errors.append(f"first open: {type(e).__name__}")
    finally:
        await context.close()
        held.append(answered - {None})


async def crowd(url: str, n: int, rounds: int, during=None) -> tuple[list, list, list, list]:
    from playwright.async_api import async_playwright

    times, errors, seen, held = [], [], [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tasks = [session(browser, url, rounds, times, errors, seen, held) for _ in range(n)]
        if during is not None:
            tasks.append(asyncio.to_thread(during))
        await asyncio.gather(*tasks)
        await browser.close()
    return times, errors, seen, held


def sessions_held(held: list[set[str]]) -> str:
    """'10 of 10 sessions held to one process (6 on 127.0.0.1:8501, 4 on …)' behind the proxy; '' without it."""
    if not any(held):
        return ""
    kept = [next(iter(b)) for b in held if len(b) == 1]
    spread = ", ".join(f"{kept.count(b)} on {b}" for b in sorted(set(kept)))
    return f"; {len(kept)} of {len(held)} sessions held to one process ({spread})"


def report(label: str, times: list, errors: list, peak: int, cpu: float, held: list | None = None,
           run: Run | None = None) -> None:
    moves = sorted(t for name, t in times if name != "first open")
    firsts = [t for name, t in times if name == "first open"]
    p95 = moves[max(0, int(round(0.95 * len(moves))) - 1)] if moves else float("nan")
    by_page = {name: statistics.median([t for n, t in times if n == name]) for name in PAGES
               if any(n == name for n, _ in times)}
    pages = ", ".join(f"{name} {t:.1f} s" for name, t in by_page.items())
    print(f"{label}: {len(moves)} pages, median {statistics.median(moves) if moves else float('nan'):.1f} s, "
          f"p95 {p95:.1f} s ({pages}); first open median {statistics.median(firsts) if firsts else float('nan'):.1f} s; "
          f"server peak {peak / 2**20:,.0f} MB, server CPU {cpu / max(len(times), 1) * 1000:,.0f} ms a page; "
          f"errors {len(errors)}" + (f": {sorted(set(errors))[:5]}" if errors else "") + sessions_held(held or []),
          flush=True)
    if run is not None and moves:
        run.add(f"{label.strip()}: page move, median", statistics.median(moves), "s")
        run.add(f"{label.strip()}: page move, p95", p95, "s")
        run.add(f"{label.strip()}: server peak memory", peak / 2**20, "MB")
        run.add(f"{label.strip()}: server CPU a page", cpu / max(len(times), 1) * 1000, "ms")
        run.add(f"{label.strip()}: errors", len(errors), "")


def tap_water_return(db: Path, folder: Path) -> Path:
    """A long return setting tap water to 99.5% in 2025 for Yugan's key villages."""
    con = store.StoreReader(db).cursor()
    codes = [c for (c,) in con.execute(
        "select region_code from group_member where group_id = 'sr_key_village' and starts_with(region_code, '361127')"
    ).fetchall()]
    path = folder / "余干县-自来水-2025-更正.csv"
    path.write_text("区划代码,年份,指标,数值\n" + "".join(f"{c},2025,tap_water_rate,99.5\n" for c in codes),
                    encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--proxy", type=int, default=0, metavar="N",
                        help="serve through nginx (deploy/nginx/tracker.conf) with N app processes")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-browsers-"))
    db = folder / "tracker.duckdb"
    shutil.copyfile(args.db, db)
    before = headline_values(db)
    run = Run("browsers", {"store": args.db.name, "rounds": args.rounds, "app processes behind nginx": args.proxy})
    if args.proxy:
        serving = running_proxy(db, args.proxy, folder, {"STREAMLIT_SERVER_COOKIE_SECRET": os.urandom(16).hex()})
    else:
        serving = running_app(db, folder / "server.log")
    with serving as served:
        url, pids = (served[0], served[2]) if args.proxy else (served[0], [served[1]])
        for _ in range(max(1, args.proxy)):  # warm the caches, a new session each (behind the proxy: any process)
            asyncio.run(crowd(url, 1, 1))
        for n in args.sessions:
            with Memory(pids) as memory:
                times, errors, _, held = asyncio.run(crowd(url, n, args.rounds))
            report(f"{n:2} sessions", times, errors, memory.peak, memory.cpu, held, run)

        source = tap_water_return(db, folder)

        def publish() -> None:
            time.sleep(3)  # the sessions are under way
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db), str(source)],
                                  cwd=ROOT, capture_output=True, text=True)
            print(f"load published in {time.perf_counter() - start:.1f} s (exit {done.returncode})", flush=True)

        with Memory(pids) as memory:
            times, errors, seen, held = asyncio.run(crowd(url, 10, args.rounds, during=publish))
        after = headline_values(db)
        report("10 sessions during a load", times, errors, memory.peak, memory.cpu, held, run)
        mixed = [values for values in seen if values not in (before, after)]
        print(f"briefings seen: {sum(v == before for v in seen)} before the load, {sum(v == after for v in seen)} "
              f"after, {len(mixed)} neither (a half-seen load){': ' + str(mixed[:2]) if mixed else ''}; "
              f"headline before {before}, after {after}", flush=True)
    run.save()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
