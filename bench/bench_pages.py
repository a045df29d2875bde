"""Benchmark: server time per page render, and what the lagging-village map sends to the browser.

    python -m bench.bench_pages --db data/tracker.duckdb [--db /tmp/national.duckdb] [--repeat 5]
                                [--areas 36,3611,361127] [--nation]

For each store and each page, for a province, a city and a county (and the whole country with --nation):
the first render (cold: queries run, caches empty) and the median of `--repeat` further renders (warm: what
a user sees clicking around), measured with streamlit.testing's AppTest in this process, which runs the
page script as the server does (no browser, no network). Then the size of the map's figure JSON for each
area, in both map modes. The store must already be assessed with the current catalogue (the app would
otherwise recompute first): `python -m etl reassess --db STORE`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.record import Run
from tracker.core import codes as division
from tracker.core import settings, store
from tracker.core.catalogue import load_catalogue
from tracker.queries import dashboard
from tracker.views import lagging as lagging_view
from ui.registry import PAGES as REGISTERED

ROOT = Path(__file__).resolve().parents[1]
PAGES = [p.script.removeprefix("app_pages/").removesuffix(".py") for p in REGISTERED]  # every page
DEFAULT_AREAS = ("36", "3611", "361127")  # 江西省, 上饶市, 余干县


def _areas(codes: tuple[str, ...], nation: bool = False) -> dict[str, dict[str, str]]:
    """The URL parameters of a province, a city and a county (after the whole country's, with `nation`)."""
    province, city, county = codes
    return {**({"nation": {"province": division.NATION_WORD}} if nation else {}),
            "province": {"province": province}, "city": {"province": province, "city": city},
            "county": {"province": province, "city": city, "county": county}}


def render_times(db: Path, repeat: int, codes: tuple[str, ...] = DEFAULT_AREAS,
                 nation: bool = False) -> list[tuple[str, str, float, float]]:
    """(page, area, cold seconds, warm median seconds) for every page and area."""
    found = []
    for page in PAGES:
        for area, params in _areas(codes, nation).items():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)  # on the store settings.use() gives
            for key, value in params.items():
                at.query_params[key] = value
            at.run()
            at.switch_page(f"app_pages/{page}.py")
            start = time.perf_counter()
            at.run()
            cold = time.perf_counter() - start
            assert not at.exception, (page, area, at.exception)
            warm = []
            for _ in range(repeat):
                start = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - start)
            found.append((page, area, cold, statistics.median(warm)))
            print(f"{page:12} {area:9} cold {cold * 1000:8.0f} ms   warm {statistics.median(warm) * 1000:6.0f} ms",
                  flush=True)
    return found


def map_bytes(db: Path, codes: tuple[str, ...] = DEFAULT_AREAS, nation: bool = False) -> list[tuple[str, str, int]]:
    """The lagging map's size as sent (its figure's JSON) for a province, a city and a county (and the whole country, with `nation`),
    by target and by targets missed."""
    catalogue = load_catalogue()
    con = store.StoreReader(db).cursor()
    found = []
    for area in ((division.NATION,) if nation else ()) + codes:
        targets = dashboard.village_targets(con, area, 2025)
        views = [("one target", "target", 3)] if targets else []
        views += [("missing ≥ 1", "missed", 1), ("missing ≥ 3", "missed", 3)]
        for label, mode, k in views:
            target = "sr_tap_water_90" if "sr_tap_water_90" in targets else (targets or [None])[0]
            start = time.perf_counter()
            view = lagging_view.map_of(con, catalogue, area, 2025, mode, target, k, "zh")
            took = time.perf_counter() - start
            print(f"map {area or division.NATION_WORD:7} {label:12} {view.points:7,} points {view.bytes / 1024:8,.0f} KB  built in {took:5.2f} s")
            found.append((area or division.NATION_WORD, label, view.bytes))
    return found


def add_map_sizes(run: Run, db: Path, codes: tuple[str, ...], nation: bool) -> None:
    """Record map_bytes in a bench run, in KB."""
    for area, label, size in map_bytes(db, codes, nation):
        run.add(f"lagging map sent, {area} {label}", size / 1024, "KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--areas", default=",".join(DEFAULT_AREAS), help="a province, a city and a county code")
    parser.add_argument("--nation", action="store_true", help="the whole country too")
    args = parser.parse_args()
    codes = tuple(args.areas.split(","))
    for db in args.db:
        print(f"== {db}")
        run = Run("pages", {"store": db.name, "areas": args.areas, "warm renders": args.repeat})
        with settings.use(db=db):
            add_map_sizes(run, db, codes, args.nation)
            for page, area, cold, warm in render_times(db, args.repeat, codes, args.nation):
                run.add(f"{page} {area}: first render", cold * 1000, "ms")
                run.add(f"{page} {area}: warm render (median)", warm * 1000, "ms")
        run.save()


if __name__ == "__main__":
    main()
