"""Assessment: every target's status for every unit and every region above it, every year.

Computed in SQL (the stages of tracker/core/sql/assess/) in one pass for all targets when data are published,
and stored as the table `assessment`, so pages only read. method() states the semantics,
word for word as the catalogue page shows them; the SQL implements exactly those.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import duckdb
import pandas as pd

from tracker.core import codes, settings, status
from tracker.core.catalogue import Catalogue, Target
from tracker.core.i18n import t as tr


def method(lang: str) -> list[str]:
    """The assessment method in plain words, a line per rule (shown on the 指标目录 page)."""
    return tr("method.text", lang).split("\n")


STAGES = ("0_macros", "1_spec", "2_values", "3_benchmarks", "4_unit_results", "5_region_results", "6_courses",
          "7_pace", "8_status", "9_assessment")


def assess_sql() -> str:
    """The assessment's SQL: its stages (tracker/core/sql/assess/) in order, as one script (DuckDB runs it; Spark
    runs its translation, tracker.core.spark_assess)."""
    return "\n".join(settings.sql_text("tracker.core", f"assess/{stage}.sql") for stage in STAGES)


def spec_rows(catalogue: Catalogue, targets: set[str] | None = None) -> tuple[list[dict], list[dict]]:
    """target_spec (one row per target and growth period) and population_spec rows (of `targets` when given)."""
    specs, pops = [], []
    chosen = settings.current()

    def population(pop_id: str, p) -> None:
        pops.append({"pop_id": pop_id, "region": p.region, "level": p.level, "group_id": p.group,
                     "group_level": catalogue.groups[p.group].level if p.group else None, "kind": p.kind})

    for t in catalogue.targets.values():
        if targets is not None and t.id not in targets:
            continue
        r, m, plan = t.rule, catalogue.measures[t.measure], catalogue.plans[t.plan]
        population(t.id, t.population)
        base = {
            "target_id": t.id, "kind": r.kind, "measure_id": t.measure, "measure_type": m.type,
            "op": getattr(r, "op", None), "rule_value": getattr(r, "value", None),
            "cond_op": r.condition.op if r.kind == "share" else None,
            "cond_value": r.condition.value if r.kind == "share" else None,
            "bench_kind": None, "bench_within": None, "bench_region": None, "bench_measure": None,
            "bench_value": None, "bench_pop_region": None,
            "years_from": getattr(r, "years_from", None),
            "pop_region": t.population.region, "pop_level": t.population.level,
            "pop_level_rank": codes.LEVELS.index(t.population.level),
            "pop_region_rank": codes.LEVELS.index(codes.level_of(t.population.region)),
            "base_year": t.base_year, "deadline": t.deadline, "every_year": t.every_year,
            "plan_start": plan.start_year, "plan_end": plan.end_year,
            "reading": reading.kind if (reading := catalogue.reading(t)) else None,
            "reading_share": reading.threshold if reading else None,
            "bench_within_rank": None,
            "measure_min": m.min, "measure_max": m.max,
            "progress_method": chosen.progress_method, "min_reporting": chosen.min_reporting,
        }
        if r.kind != "relative_growth":
            specs.append({**base, "period": "", "is_primary": True})
            continue
        b = r.benchmark
        base.update(bench_kind=b.kind, bench_within=b.within, bench_region=b.region, bench_value=b.value,
                    bench_within_rank=codes.LEVELS.index(b.within) if b.within else None,
                    bench_measure=(b.measure or t.measure) if b.kind == "recorded" else None,
                    bench_pop_region=b.population.region if b.population else None)
        if b.population is not None:
            population(f"{t.id}#benchmark", b.population)
        for period in ("annual", "cumulative"):
            specs.append({**base, "period": period, "is_primary": period == r.period})
    return specs, pops


def targets_reading(catalogue: Catalogue, measures: set[str] | None, provinces: set[str] | None) -> set[str] | None:
    """The targets whose results may change when the values that count of `measures` change in `provinces` (None:
    every target): those reading one of the measures — their own, their benchmark's, or households, which weight
    every rate — whose population or benchmark lies in one of the provinces. A target's results depend on nothing
    else but the catalogue, the geography and the settings (tests/test_incremental.py checks the incremental
    result against a full recompute)."""
    if measures is None or provinces is None:
        return None
    chosen = set()
    for t in catalogue.targets.values():
        b = getattr(t.rule, "benchmark", None)
        reads = {t.measure, "households"} | ({b.measure or t.measure} if b is not None and b.kind == "recorded" else set())
        regions = [t.population.region] + ([b.population.region] if b is not None and b.population else []) \
            + ([b.region] if b is not None and b.region else [])
        if reads & measures and {code[:2] for code in regions} & provinces:
            chosen.add(t.id)
    return chosen


# the published table from the stages' result: all of it (a full recompute), or the rows of some targets replaced
PUBLISH_ALL = "create or replace table assessment as"
PUBLISH_SOME = "delete from assessment where list_contains(getvariable('assessed_targets'), target_id);\ninsert into assessment"


def assess(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, targets: set[str] | None = None) -> dict[str, int]:
    """Recompute the table `assessment` from the store's current data — every target, or only `targets` (their rows
    replaced, when the stored assessment is of this catalogue; a full recompute otherwise); rows by level.

    Runs inside a store write (tracker.core.store.writing), so the results are published with the
    data they come from. Records when, and from which catalogue, in store_meta.
    """
    if targets is not None and not is_current(con, catalogue, same_settings=True):
        targets = None
    if targets != set():
        specs, pops = spec_rows(catalogue, targets)
        con.register("target_spec_frame", pd.DataFrame(specs))  # typed by the first stage (1_spec.sql)
        con.register("population_spec_frame", pd.DataFrame(pops))
        script = assess_sql()
        if targets is not None:
            con.execute("set variable assessed_targets = ?", [sorted(targets)])
            if script.count(PUBLISH_ALL) != 1:
                raise RuntimeError(f"the assessment's last stage must publish the table once ({PUBLISH_ALL!r})")
            script = script.replace(PUBLISH_ALL, PUBLISH_SOME)
        con.execute(script)
        con.unregister("target_spec_frame")
        con.unregister("population_spec_frame")
    con.register("status_spec", pd.DataFrame(status.spec_rows()))
    unknown = con.execute("select distinct status from assessment anti join status_spec using (status)").fetchall()
    con.unregister("status_spec")
    if unknown:  # a status the SQL wrote that tracker/core/status.py does not define: no words, no colour
        raise ValueError(f"the assessment wrote statuses tracker/core/status.py does not know: {unknown}")
    con.execute("delete from store_meta where key in ('assessed_at', 'assessed_catalogue_sha256', 'assessed_settings')")
    con.execute("insert into store_meta values ('assessed_at', ?), ('assessed_catalogue_sha256', ?), "
                "('assessed_settings', ?)",
                [datetime.now(timezone.utc).isoformat(timespec="seconds"), catalogue.sha256, _settings_read()])
    return dict(con.execute("select level, count(*) from assessment group by level").fetchall())


def is_assessed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has an assessment table (stores built before it existed do not)."""
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = 'assessment' "
                            "and database_name = current_database()").fetchall()[0][0])


def _settings_read() -> str:
    """The settings the assessment reads (spec_rows), as stored with it."""
    chosen = settings.current()
    return json.dumps({"progress_method": chosen.progress_method, "min_reporting": chosen.min_reporting})


def is_current(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, *, same_settings: bool = False) -> bool:
    """Whether the stored assessment was computed from this very catalogue (and, with `same_settings`, with the
    settings in force: what replacing some targets' rows needs)."""
    from tracker.core.store import read_meta

    meta = read_meta(con) if is_assessed(con) else {}
    return meta.get("assessed_catalogue_sha256") == catalogue.sha256 and (
        not same_settings or meta.get("assessed_settings") == _settings_read())


def results(con: duckdb.DuckDBPyConnection, target: Target, year: int, level: str, region: str | None = None,
            period: str | None = None) -> pd.DataFrame:
    """One row per region of `level` (inside `region` when given) for a target and year.

    `period` (annual/cumulative) picks the growth form of a relative rule; default: the
    catalogue's. Rows come in region-code order.
    """
    if period is not None and target.rule.kind != "relative_growth":
        raise ValueError(f"{target.id} is not a growth rule: --period applies only to relative_growth targets")
    return con.execute(
        """
        select target_id, level, region_code, year, period, value, target_value, benchmark, met, gap, status,
               reading, units_in_scope, units_reporting, units_met, share_met, aggregate_value, aggregate_weighted,
               base_year_used, base_value, rate_observed, rate_required, progress_ratio, benchmark_units
        from assessment
        where target_id = $target and year = $year and level = $level
          and ($region is null or starts_with(region_code, $region))
          and (case when $period is null then is_primary else period = $period end)
        order by region_code
        """,
        {"target": target.id, "year": year, "level": level, "region": region, "period": period},
    ).df()


def lagging_villages(con: duckdb.DuckDBPyConnection, region: str, year: int, min_missed: int = 1) -> pd.DataFrame:
    """Villages of `region` missing at least `min_missed` in-scope targets in `year`, worst first.

    A target is in scope for a year inside its plan's period and after its base year (the
    15th plan's examples do not count before 2026; the 2018-2020 plan's not after 2020).
    Columns: village code and name, township and county names, targets in scope, missed, without
    data, the summed shortfall, and the missed targets (ids, worst first).
    """
    return con.execute(
        """
        with scoped as (
            select a.region_code, a.target_id, a.met, a.status, a.shortfall
            from assessment a
            where a.is_unit and a.level = 'village' and a.is_primary and a.in_period
              and a.year = $year and starts_with(a.region_code, $region) and a.status not in ('contribution', 'monitored')
        ),
        counted as (
            select region_code,
                   count(*) as targets_in_scope,
                   count(*) filter (where met = false) as targets_missed,
                   count(*) filter (where status = 'no_data') as targets_without_data,
                   coalesce(sum(shortfall) filter (where met = false), 0) as shortfall,
                   list(target_id order by shortfall desc, target_id) filter (where met = false) as missed_targets
            from scoped group by region_code
        ),
        final as (
            select c.region_code as village_code, v.name as village, t.name as township, k.name as county,
                   c.targets_in_scope, c.targets_missed, c.targets_without_data, round(c.shortfall, 4) as shortfall,
                   c.missed_targets
            from counted c
            join region v on v.code = c.region_code
            left join region t on t.code = v.township_code
            left join region k on k.code = v.county_code
            where c.targets_missed >= $min_missed
        )
        select * from final order by targets_missed desc, shortfall desc, village_code
        """,
        {"region": region, "year": year, "min_missed": min_missed},
    ).df()
