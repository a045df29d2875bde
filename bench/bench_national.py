"""Benchmark: the national store on real codes — build, size, peak memory, reassess, pages and map payloads.

    python -m bench.bench_national --db /tmp/national.duckdb [--memory 4GB] [--skip-build] [--repeat 3]

1. `python -m etl demo --national` in a child process (every province's units on their real codes, returns
   written province by province and loaded through `etl load` in one publish): wall time and peak memory
   (the child's maximum resident set), with DuckDB's memory limit at `--memory`.
2. The store's size on disk, its units and values.
3. `python -m etl reassess` (every plausibility rule over the whole store, then the full assessment) in a child
   process: wall time and peak memory.
4. Every page's cold and warm render (bench.bench_pages) for the whole country, for 江西省 / 上饶市 / 余干县
   (targets of the five documents) and for 河南省 / 郑州市 / 中牟县 (no targets of its own: the pages say so), and
   the lagging map's payload for each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import bench_pages
from bench.record import Run
from tracker.core import settings

ROOT = Path(__file__).resolve().parents[1]
OTHER_PROVINCE = ("41", "4101", "410122")  # 河南省, 郑州市, 中牟县


def child(args: list[str], memory: str) -> tuple[float, float, str]:
    """(seconds, its own peak resident GB, last line printed) of `python -m ARGS` in a child process."""
    env = {**os.environ, "TRACKER_DUCKDB_MEMORY": memory}
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own resource use, not the largest so far
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it
        took = time.perf_counter() - started
        out.seek(0)
        printed = out.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{printed}")
    return took, usage.ru_maxrss / 1024 / 1024, printed.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--memory", default="4GB", help="DuckDB's memory limit for the build and the reassess")
    parser.add_argument("--skip-build", action="store_true", help="measure an existing national store")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    run = Run("national", {"store": args.db.name, "DuckDB memory": args.memory, "warm renders": args.repeat})
    if not args.skip_build:
        took, peak, said = child(["etl", "demo", "--national", "--db", str(args.db)], args.memory)
        print(f"build    {took:7.1f} s   peak {peak:5.2f} GB   ({said})", flush=True)
        run.add("national demo build (etl demo --national)", took, "s")
        run.add("national demo build: peak memory", peak, "GB")
    con = settings.connect()
    con.execute("attach ? as s (read_only)", [str(args.db)])
    units = dict(con.execute("select level, count(*) from s.region group by level").fetchall())
    values = con.execute("select count(*) from s.observation").fetchone()[0]
    rows = con.execute("select count(*) from s.assessment").fetchone()[0]
    con.close()
    print(f"store    {args.db.stat().st_size / 1e9:5.2f} GB on disk: {units.get('village', 0):,} village-level units, "
          f"{values:,} values, {rows:,} assessment rows", flush=True)
    took, peak, said = child(["etl", "reassess", "--db", str(args.db)], args.memory)
    print(f"reassess {took:7.1f} s   peak {peak:5.2f} GB   ({said[:100]})", flush=True)
    run.setup.update({"village-level units": units.get("village", 0), "values": values, "assessment rows": rows})
    run.add("etl reassess", took, "s")
    run.add("etl reassess: peak memory", peak, "GB")
    with settings.use(db=args.db):
        for codes, nation in ((bench_pages.DEFAULT_AREAS, True), (OTHER_PROVINCE, False)):
            bench_pages.add_map_sizes(run, args.db, codes, nation)
            for page, area, cold, warm in bench_pages.render_times(args.db, args.repeat, codes, nation):
                run.add(f"{page} {area} ({codes[0]}): warm render (median)", warm * 1000, "ms")
    run.save()


if __name__ == "__main__":
    main()
