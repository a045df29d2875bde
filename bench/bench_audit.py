"""Benchmark: the 数据审核 rules over a whole store, over one county, and a county's return loaded with them.

    python -m bench.bench_audit --db data/tracker.duckdb [--county 361127] [--repeat 3]

On a copy of the store: the time the value rules take over every current value (tracker.core.audit.find,
what `etl audit --run` and a publish touching many counties run), the same restricted to one county (what a
publish of one county's return runs), and the whole load of one county's 2025 return with one value changed
(read, judge, save, audit of that county, assessment, publish), with the findings each gives.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from bench.record import Run
from etl.load import load_files
from tracker.core import audit
from tracker.core.catalogue import load_catalogue


def _timed(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--county", default="361127")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "store.duckdb"
        shutil.copyfile(args.db, db)
        con = duckdb.connect(str(db), read_only=True)
        values = con.execute("select count(*) from current_observation").fetchall()[0][0]
        whole, found = _timed(args.repeat, lambda: audit.find(con, catalogue))
        print(f"whole store: {values:,} current values, {len(catalogue.audit)} rules: {whole:.2f} s, "
              f"{len(found):,} findings")
        county, found = _timed(args.repeat, lambda: audit.find(con, catalogue, counties=[args.county]))
        print(f"one county ({args.county}): {county:.2f} s, {len(found):,} findings")
        rows = con.execute("""
            select region_code, measure_id, value from current_observation
            where year = 2025 and starts_with(region_code, ?) and length(region_code) = 12
              and measure_id = 'tap_water_rate' order by value""", [args.county]).fetchall()
        con.close()
        path = Path(folder) / "return.csv"
        with open(path, "w", encoding="utf-8") as f:
            f.write("区划代码,年份,tap_water_rate\n")
            for i, (code, _, value) in enumerate(rows):
                f.write(f"{code},2025,{value + 36 if i == 0 else value}\n")  # the lowest jumps 36 points
        started = time.perf_counter()
        [report] = load_files(db, [path], catalogue=catalogue)
        took = time.perf_counter() - started
        con = duckdb.connect(str(db), read_only=True)
        new = con.execute("select count(*) from finding where batch_id = ?", [report.batch_id]).fetchall()[0][0]
        print(f"a county's return ({len(rows):,} values, one jump): loaded, audited, assessed and published in "
              f"{took:.1f} s; {new} new finding(s) on it")
    run = Run("audit", {"store": args.db.name, "current values": values, "rules": len(catalogue.audit),
                        "county": args.county})
    run.add("every rule over the whole store (best)", whole, "s")
    run.add("every rule over one county (best)", county, "s")
    run.add(f"a county's return of {len(rows):,} values: load, audit, assess, publish", took, "s")
    run.save()


if __name__ == "__main__":
    main()
