"""Benchmark: loading returns, next to DuckDB's own read_csv into a table (the limit), in one run.

    python -m bench.bench_load [--rows 3600000] [--villages 30000] [--repeat 3]

1. A long CSV (region_code, year, measure, value) of real village codes × years × village measures, messy as
   returns are: Chinese measure names, blank cells, 95%, full-width digits, 1,234.5.
2. A wide .xlsx of villages × 15 measures (one row per village and year).
Each load runs in a child process into a fresh store; peak memory is that load's own: the child's max RSS, or its
reader's (a workbook is read in a child of its own) when larger. The work folder is removed after.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import xlsxwriter

from bench.record import Run
from etl.build import REGIONS_FILE
from etl.demo import PROVINCES
from tracker.core import settings
from tracker.core.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]

# the load in a child process; besides the whole, the time of the two steps that judge and save the cells
LOAD = """
import resource, sys, time
from pathlib import Path
import etl.load as L
spent = dict.fromkeys(("judge", "_save"), 0.0)
def timed(name, step):
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - t
    return run
for name in spent:
    setattr(L, name, timed(name, getattr(L, name)))
t = time.perf_counter()
[r] = L.load_files(Path(sys.argv[1]), [Path(sys.argv[2])])
seconds = time.perf_counter() - t
# this load's peak: the process's own, or that of a child it waited for (the workbook's reader), KB
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(seconds, r.values_loaded, r.values_rejected, r.status, spent["judge"], spent["_save"], peak)
"""


def villages(n: int) -> list[str]:
    con = duckdb.connect()
    return [c for (c,) in con.execute(
        "select code from read_parquet(?) where kind = 'village_committee' and list_contains(?, left(code, 2)) "
        "order by code limit ?", [str(settings.REFERENCE_DIR / REGIONS_FILE), list(PROVINCES), n]).fetchall()]


def child_load(db: Path, path: Path) -> tuple[float, int, int, float, float, float]:
    """The load's seconds, values loaded and rejected, peak MB, and the seconds of judging and of saving."""
    subprocess.run([sys.executable, "-m", "etl", "init", "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", LOAD, str(db), str(path)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    # the child's own figure: this process's RUSAGE_CHILDREN is the largest of every child so far, so a small load
    # measured after a big one read the big one's peak
    return float(out[0]), int(out[1]), int(out[2]), int(out[6]) / 1024, float(out[4]), float(out[5])


def _read_csv(path: Path) -> float:
    """Seconds DuckDB takes to read the CSV into a table of text columns (the limit a load is held to)."""
    t = time.perf_counter()
    duckdb.connect().execute("create table t as select * from read_csv(?, all_varchar = true)", [str(path)])
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_600_000)
    parser.add_argument("--villages", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the long CSV's load and read (the best counts)")
    args = parser.parse_args()
    cat = load_catalogue()
    measures = [m for m in cat.measures.values() if "village" in m.levels][:15]
    codes = villages(args.villages)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        run = measure(Path(folder), measures, codes, args)
    run.save()


def measure(work: Path, measures: list, codes: list[str], args: argparse.Namespace) -> Run:
    """Write the two files in `work`, load each and read the CSV; the figures."""

    # 1. long CSV
    per_row = len(codes) * len(measures)
    years = max(1, -(-args.rows // per_row))
    csv_path = work / "long.csv"
    con = duckdb.connect()
    con.execute("create table v as select unnest(?) as code", [codes])
    con.execute("create table m as select unnest(?) as measure, unnest(?) as zh, unnest(?) as top, "
                "unnest(?) as whole, unnest(?) as rate",
                [[m.id for m in measures], [m.zh for m in measures], [min(m.valid_range[1] or 100, 100) for m in measures],
                 [m.type in ("bool", "count") for m in measures], [m.type == "rate" for m in measures]])
    con.execute("create table y as select unnest(range(2025 - ?, 2025)) + 1 as year", [years])
    # messy, as counties send them: half the measures named in Chinese; about 2% each of blank cells, rates
    # written with %, full-width digits, and thousands separators on larger numbers. The values themselves
    # hold together from year to year as a village's do (a level of its own, a little growth each year):
    # independent random values every year made a quarter of them "jumps" for 数据审核 (887,000 findings); and
    # across measures as a village's do: operating income a part of the collective income, a model village built
    # only once started (independent levels made 168,000 findings of the two rules that compare measures).
    con.execute("copy (select code as region_code, year, case when random() < 0.5 then zh else measure end as measure, "
                "case when r < 0.02 then '' "
                "     when r < 0.04 and rate then x::varchar || '%' "
                "     when r < 0.06 then translate(x::varchar, '0123456789.', '０１２３４５６７８９．') "
                "     when r < 0.08 and x >= 1000 then format('{:,}', x) "
                "     else x::varchar end as value "
                "from (select *, random() as r, "
                "             case when whole then least(top, floor(level * (top + 1)))"
                "                  else least(top, round(level * top * (1 + 0.02 * (year - 2020)), 1)) end as x "
                "      from (select *, 0.2 + 0.8 * (hash(code || case measure "
                "                 when 'collective_operating_income' then 'collective_income' "
                "                 when 'model_village_started' then 'model_village_completed' else measure end) % 1000) "
                "                 / 1000 * (case measure when 'collective_operating_income' then 0.6 else 1 end) as level "
                "            from v, y, m)) "
                "limit ?) to '" + str(csv_path).replace("'", "''") + "' (header)", [args.rows])
    n_rows = con.execute("select count(*) from read_csv(?)", [str(csv_path)]).fetchall()[0][0]
    # the best of --repeat runs of each: one run moves by ±10% on this machine (the load's child and DuckDB's threads
    # share two cores with whatever else runs)
    reference = min(_read_csv(csv_path) for _ in range(args.repeat))
    seconds, loaded, rejected, peak, judging, saving = min(
        child_load(work / f"a{i}.duckdb", csv_path) for i in range(args.repeat))
    print(f"long CSV, {n_rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB):")
    print(f"  duckdb read_csv into a table: {reference:6.2f} s  {n_rows / reference:12,.0f} rows/s  (the limit)")
    print(f"  python -m etl load:           {seconds:6.2f} s  {n_rows / seconds:12,.0f} rows/s  "
          f"= {reference / seconds:.0%} of the limit; {loaded:,} loaded, {rejected:,} rejected, peak {peak:,.0f} MB")
    steps = judging + saving
    print(f"  of which judging + saving:     {steps:6.2f} s  {n_rows / steps:12,.0f} rows/s  "
          f"= {reference / steps:.0%} of the limit (judging {judging:.2f} s, saving {saving:.2f} s)")
    run = Run("load", {"long CSV rows": n_rows, "villages": len(codes), "measures": len(measures),
                       "repeat": args.repeat})
    run.add("long CSV: DuckDB read_csv into a table (the limit)", reference, "s")
    run.add("long CSV: python -m etl load, end to end", seconds, "s")
    run.add("long CSV: the load against read_csv", seconds / reference, "×", "≤ 10×")
    run.add("long CSV: judging and saving", steps, "s")
    run.add("long CSV: peak memory of the load", peak, "MB", "≤ 1,500 MB")

    # 2. wide workbook
    xlsx_path = work / "wide.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("村级数据")
    sheet.write_row(0, 0, ["区划代码", "年份"] + [f"{m.zh}（{m.unit}）" for m in measures])
    for i, code in enumerate(codes, start=1):
        sheet.write_string(i, 0, code)
        sheet.write_number(i, 1, 2025)
        for j, m in enumerate(measures):
            top = min(m.valid_range[1] or 100, 100)
            sheet.write_number(i, 2 + j, (i + j) % (int(top) + 1) if m.type in ("bool", "count")
                               else round(((i * 37 + j * 11) % 1000) / 1000 * top, 1))
    book.close()
    seconds, loaded, rejected, peak, _, _ = child_load(work / "b.duckdb", xlsx_path)
    cells = len(codes) * len(measures)
    print(f"wide .xlsx, {len(codes):,} villages × {len(measures)} measures ({xlsx_path.stat().st_size / 1e6:.1f} MB):")
    print(f"  python -m etl load:           {seconds:6.2f} s  {cells / seconds:12,.0f} values/s; "
          f"{loaded:,} loaded, {rejected:,} rejected, peak {peak:,.0f} MB")
    run.add(f"wide .xlsx of {len(codes):,} villages × {len(measures)} measures: python -m etl load", seconds, "s", "≤ 2 s")
    run.add("wide .xlsx: peak memory of the load", peak, "MB")
    return run


if __name__ == "__main__":
    main()
