"""Benchmark: the full assessment recompute, and two targets in DuckDB and in plain pandas side by side.

    python -m bench.bench_assess --db data/tracker.duckdb [--db /tmp/national.duckdb] [--repeat 3]

For each store given: the time of a full recompute (every target, every level, every year) on a
copy of the store, peak memory of this process, and rows written; then the two targets
sr_tap_water_90 (a per-village threshold rolled up to county and city) and
js_weak_village_income_growth (growth against the mean of all Jiangsu village committees) computed
by the assessment SQL alone and by a straightforward pandas version of the same rules, and the
speed-up. The pandas results are checked against the SQL's (units met per county and year) so the
two sides do the same work (both read the values that count: the current ones less those a 数据审核 finding holds
back). Build the national store with `python -m etl demo --national`.
"""

from __future__ import annotations

import argparse
import copy
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from bench.record import Run
from tracker.core.assess import assess
from tracker.core.catalogue import load_catalogue

PAIR = ("sr_tap_water_90", "js_weak_village_income_growth")


def _pandas_pair(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two targets in pandas: per-village results and county roll-ups (units met), like the SQL."""
    # -- sr_tap_water_90: key villages of Shangrao, value >= 90
    region = con.execute("select code, county_code, city_code, province_code, kind from region "
                         "where level = 'village'").df()
    members = con.execute("select group_id, region_code from group_member").df()
    obs = con.execute("select measure_id, region_code, year, value from counted_observation "
                      "where measure_id in ('tap_water_rate', 'collective_operating_income', 'households')").df()
    started = time.perf_counter()
    key = members.loc[members.group_id == "sr_key_village", "region_code"]
    units = region[region.code.isin(key) & region.code.str.startswith("3611")]
    water = obs[obs.measure_id == "tap_water_rate"]
    years = sorted(water.year.unique())
    grid = units.merge(pd.DataFrame({"year": years}), how="cross")
    grid = grid.merge(water[["region_code", "year", "value"]], how="left", left_on=["code", "year"],
                      right_on=["region_code", "year"])
    grid["met"] = grid["value"] >= 90
    water_county = grid.groupby(["county_code", "year"]).agg(
        units_in_scope=("code", "size"), units_reporting=("value", "count"), units_met=("met", "sum")).reset_index()

    # -- js_weak_village_income_growth: growth above the growth of the mean of Jiangsu 村委会 reporting both years
    income = obs[obs.measure_id == "collective_operating_income"][["region_code", "year", "value"]]
    prev = income.assign(year=income.year + 1).rename(columns={"value": "prev"})
    both = income.merge(prev, on=["region_code", "year"], how="inner")
    committees = region[(region.kind == "village_committee") & region.code.str.startswith("32")]
    bench = both[both.region_code.isin(committees.code)].groupby("year").agg(v=("value", "sum"), p=("prev", "sum"))
    bench["benchmark"] = bench.v / bench.p - 1
    weak = members.loc[members.group_id == "js_weak_village", "region_code"]
    wunits = region[region.code.isin(weak) & region.code.str.startswith("32")]
    wyears = sorted(income.year.unique())
    wgrid = wunits.merge(pd.DataFrame({"year": wyears}), how="cross")
    wgrid = wgrid.merge(income, how="left", left_on=["code", "year"], right_on=["region_code", "year"])
    wgrid = wgrid.merge(prev, how="left", left_on=["code", "year"], right_on=["region_code", "year"],
                        suffixes=("", "_p"))
    wgrid["growth"] = (wgrid.value / wgrid.prev - 1).where(wgrid.prev > 0)
    wgrid = wgrid.merge(bench["benchmark"].reset_index(), on="year", how="left")
    wgrid["met"] = wgrid.growth > wgrid.benchmark
    weak_county = wgrid.groupby(["county_code", "year"]).agg(
        units_in_scope=("code", "size"), units_reporting=("growth", "count"), units_met=("met", "sum")).reset_index()
    _pandas_pair.compute_seconds = time.perf_counter() - started
    return water_county, weak_county


def _sql_counties(con: duckdb.DuckDBPyConnection, target: str) -> pd.DataFrame:
    return con.execute(
        "select region_code as county_code, year, units_in_scope, units_reporting, units_met from assessment "
        "where target_id = ? and level = 'county' and is_primary order by 1, 2", [target]).df()


def _check_same(sql: pd.DataFrame, pandas_: pd.DataFrame, target: str) -> None:
    p = pandas_.sort_values(["county_code", "year"]).reset_index(drop=True)
    s = sql[sql.year.isin(p.year.unique())].reset_index(drop=True)
    pd.testing.assert_frame_equal(s, p, check_dtype=False, obj=f"{target}: SQL vs pandas")


def bench(db: Path, repeat: int) -> None:
    catalogue = load_catalogue()
    pair_catalogue = copy.copy(catalogue)
    pair_catalogue.targets = {t: catalogue.targets[t] for t in PAIR}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "copy.duckdb"
        shutil.copyfile(db, work)
        con = duckdb.connect(str(work))
        con.execute("set enable_progress_bar = false")
        villages = con.execute("select count(*) from region where level = 'village'").fetchall()[0][0]
        values = con.execute("select count(*) from observation").fetchall()[0][0]
        print(f"\n{db}: {villages:,} village-level units, {values:,} values, {len(catalogue.targets)} targets")
        full = []
        for _ in range(repeat):
            started = time.perf_counter()
            rows = assess(con, catalogue)
            full.append(time.perf_counter() - started)
        print(f"  full recompute: best {min(full):.2f} s of {repeat} ({', '.join(f'{x:.2f}' for x in full)}), "
              f"{sum(rows.values()):,} result rows")
        pair_sql = []
        for _ in range(repeat):
            started = time.perf_counter()
            assess(con, pair_catalogue)
            pair_sql.append(time.perf_counter() - started)
        water_sql, weak_sql = _sql_counties(con, PAIR[0]), _sql_counties(con, PAIR[1])
        pair_pd, pair_pd_compute = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            water_pd, weak_pd = _pandas_pair(con)
            pair_pd.append(time.perf_counter() - started)
            pair_pd_compute.append(_pandas_pair.compute_seconds)
        _check_same(water_sql, water_pd, PAIR[0])
        _check_same(weak_sql, weak_pd, PAIR[1])
        print(f"  two targets, SQL (all levels, statuses, parts): best {min(pair_sql):.2f} s")
        print(f"  two targets, pandas (county units met only): best {min(pair_pd):.2f} s with reading, "
              f"{min(pair_pd_compute):.2f} s computing → SQL is {min(pair_pd) / min(pair_sql):.1f}× faster "
              f"({min(pair_pd_compute) / min(pair_sql):.1f}× on computing alone); results agree")
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak:,.0f} MB")
    run = Run("assess", {"store": db.name, "village-level units": villages, "values": values,
                         "targets": len(catalogue.targets), "repeat": repeat})
    run.add("full recompute (best)", min(full), "s", "≤ 1.5 s")
    run.add("result rows", sum(rows.values()), "rows")
    run.add("two targets in SQL (best)", min(pair_sql), "s")
    run.add("the same two in pandas (best)", min(pair_pd), "s")
    run.add("peak memory", peak, "MB")
    run.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, action="append", required=True, help="a store (give several to compare)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for db in args.db:
        bench(db, args.repeat)


if __name__ == "__main__":
    main()
