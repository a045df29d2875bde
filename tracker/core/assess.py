"""Assessment: every target's status for every unit and every region above it, every year.

Computed in SQL (tracker/core/sql/assess.sql) in one pass for all targets when data are published,
and stored as the table `assessment`, so pages only read. method() states the semantics,
word for word as the catalogue page shows them; the SQL implements exactly those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

from tracker.core import codes, settings
from tracker.core.catalogue import Catalogue, Measure, Reading, Target, reading_of
from tracker.core.i18n import pick
from tracker.core.i18n import t as tr


def method(lang: str) -> list[str]:
    """The assessment method in plain words, a line per rule (shown on the 指标目录 page)."""
    return tr("method.text", lang).split("\n")


@dataclass(frozen=True)
class Status:
    id: str
    zh: str
    en: str
    colour: str  # colour-blind safe, readable on a projector (Okabe-Ito based)
    rank: int  # worst first when sorting

    def name(self, lang: str) -> str:
        """The status in words in `lang`."""
        return pick(self.zh, self.en, lang)

    @property
    def ink(self) -> str:
        """The text colour readable on this status's colour: white on the dark ones, else black."""
        r, g, b = (int(self.colour[i:i + 2], 16) for i in (1, 3, 5))
        return "#FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#000000"


STATUSES: dict[str, Status] = {s.id: s for s in (
    Status("missed", "未达标", "missed", "#B2182B", 0),
    Status("deteriorating", "倒退", "deteriorating", "#D6604D", 1),
    Status("limited", "进展有限", "limited progress", "#F4A582", 2),
    Status("needs_acceleration", "需加快", "needs acceleration", "#FDDBC7", 3),
    Status("pending", "尚未完成", "not done yet", "#FDDBC7", 4),
    Status("on_track", "进度正常", "on track", "#92C5DE", 5),
    Status("achieved", "已达标", "achieved", "#2166AC", 6),
    Status("met", "达标", "met", "#2166AC", 7),
    Status("insufficient_data", "数据不足", "insufficient data", "#BDBDBD", 8),
    Status("not_assessable", "无法评估", "not assessable", "#BDBDBD", 9),
    Status("no_data", "无数据", "no data", "#E0E0E0", 10),
    Status("baseline", "基期", "base year", "#F0F0F0", 11),
    Status("contribution", "计入合计", "counts toward the total", "#F0F0F0", 12),
    Status("monitored", "仅监测", "monitored", "#F0F0F0", 13),
)}


def status_label(status: str, lang: str = "zh") -> str:
    """The status in words."""
    return STATUSES[status].name(lang)


def spec_rows(catalogue: Catalogue) -> tuple[list[dict], list[dict]]:
    """target_spec (one row per target and growth period) and population_spec rows."""
    specs, pops = [], []

    def population(pop_id: str, p) -> None:
        pops.append({"pop_id": pop_id, "region": p.region, "level": p.level, "group_id": p.group,
                     "group_level": catalogue.groups[p.group].level if p.group else None, "kind": p.kind})

    for t in catalogue.targets.values():
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


def assess(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> dict[str, int]:
    """Recompute the table `assessment` from the store's current data; rows by level.

    Runs inside a store write (tracker.core.store.writing), so the results are published with the
    data they come from. Records when, and from which catalogue, in store_meta.
    """
    specs, pops = spec_rows(catalogue)
    con.register("target_spec_frame", pd.DataFrame(specs))  # typed by the first lines of assess.sql
    con.register("population_spec_frame", pd.DataFrame(pops))
    con.execute(settings.sql_text("tracker.core", "assess.sql"))
    con.unregister("target_spec_frame")
    con.unregister("population_spec_frame")
    sha = catalogue.sha256
    con.execute("delete from store_meta where key in ('assessed_at', 'assessed_catalogue_sha256')")
    con.execute("insert into store_meta values ('assessed_at', ?), ('assessed_catalogue_sha256', ?)",
                [datetime.now(timezone.utc).isoformat(timespec="seconds"), sha])
    return dict(con.execute("select level, count(*) from assessment group by level").fetchall())


def is_assessed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has an assessment table (stores built before it existed do not)."""
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = 'assessment' "
                            "and database_name = current_database()").fetchall()[0][0])


def is_current(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> bool:
    """Whether the stored assessment was computed from this very catalogue file."""
    from tracker.core.store import read_meta

    sha = catalogue.sha256
    return is_assessed(con) and read_meta(con).get("assessed_catalogue_sha256") == sha


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


@dataclass
class Explanation:
    """Why a (target, region, year) has its colour: the parts that produced the status."""

    target_id: str
    region_code: str
    year: int
    status: str
    row: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def _num(x: float | None, digits: int = 1) -> str:
    if x is None or pd.isna(x):
        return "—"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:,.0f}"


def why(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, target_id: str, region_code: str, year: int,
        lang: str = "zh", period: str | None = None) -> Explanation | None:
    """The parts behind a status, as values and as sentences (zh or en); None when not assessed."""
    t = catalogue.targets[target_id]
    found = con.execute(
        """select * from assessment where target_id = ? and region_code = ? and year = ?
           and (case when ? is null then is_primary else period = ? end)""",
        [target_id, region_code, year, period, period]).df()
    if found.empty:
        return None
    row = {k: (None if (not isinstance(v, (list, str)) and pd.isna(v)) else v)
           for k, v in found.iloc[0].to_dict().items()}
    lines = explain(row, t, catalogue.measures[t.measure], lang)
    return Explanation(target_id, region_code, year, row["status"], row, lines)


def reading_sentence(reading: Reading, level: str, lang: str = "zh") -> str:
    """How a region meets a per-unit target, in words, with the catalogue's reason (or 'default')."""
    how = tr(f"reading.{reading.kind}", lang, units=tr(f"level.{level}", lang), share=_num(reading.share or 0))
    return tr("reading.sentence", lang, how=how, reason=reading.why(lang) or tr("reading.default", lang))


def explain(row: dict, target: Target, m: Measure, lang: str = "zh") -> list[str]:
    """The sentences behind one assessment row's status (the row as a dict, missing values as None)."""
    year, status = row["year"], row["status"]
    unit = m.unit_in(lang)
    lines = [tr("why.status", lang, status=status_label(status, lang))]
    relative = target.rule.kind == "relative_growth"
    pct_unit = "%" if (not row["is_unit"] or relative or unit == "%") else f" {unit}"
    if row["is_unit"]:
        if relative:
            lines.append(tr("why.unit_growth", lang, growth=_num(row["value"], 2), value=_num(row["raw_value"], 2),
                            before=_num(row["raw_from"], 2), unit=unit))
        elif m.type == "bool":
            done = "why.no_data" if row["value"] is None else "why.yes" if row["value"] >= 0.5 else "why.no"
            lines.append(tr("why.unit_done", lang, year=year, done=tr(done, lang)))
        else:
            lines.append(tr("why.unit_value", lang, year=year, value=_num(row["value"], 2) + pct_unit,
                            target=_num(row["target_value"], 2) + pct_unit))
    else:
        reading = reading_of(target, m)
        agg_unit = "%" if relative or unit == "%" else f" {unit}"
        how = tr("why.weighted" if row.get("aggregate_weighted") else "why.unweighted", lang)
        if target.rule.kind == "total":
            lines.append(tr("why.total", lang, value=_num(row["value"], 2), unit=unit) +
                         (tr("why.total_target", lang, target=_num(row["target_value"], 2), unit=unit)
                          if row["target_value"] is not None else ""))
        elif target.rule.kind == "share":
            lines.append(tr("why.share_condition", lang, value=_num(row["value"]), target=_num(row["target_value"])))
        elif target.monitored:
            lines.append(tr("why.monitored", lang, value=_num(row["value"], 2), unit=agg_unit, how=how))
        elif reading.kind == "aggregate" and relative:
            lines.append(tr("why.aggregate_growth", lang, value=_num(row["value"], 2), target=_num(row["target_value"], 2)))
        elif reading.kind == "aggregate":
            op = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}[target.rule.op]
            lines.append(tr("why.aggregate", lang, value=_num(row["value"], 2) + agg_unit, how=how,
                            target=f"{op} {_num(row['target_value'], 2)}{agg_unit}"))
        else:
            lines.append(tr("why.share_met", lang, value=_num(row["value"]), target=_num(row["target_value"])))
        if reading is not None:
            lines.append(tr("why.reading", lang, text=reading_sentence(reading, target.population.level, lang)))
        if row["units_in_scope"] is not None:
            lines.append(tr("why.units", lang, n=row["units_in_scope"], reporting=row["units_reporting"],
                            met=row["units_met"], missing=row["units_in_scope"] - row["units_reporting"]))
        if (reading is not None and reading.kind != "aggregate" and row.get("aggregate_value") is not None
                and m.type != "bool"):
            lines.append(tr("why.mean_growth" if relative else "why.mean", lang, value=_num(row["aggregate_value"], 2),
                            unit=agg_unit, how=how))
    if row["benchmark"] is not None:
        size = tr("why.benchmark_size", lang, n=row["benchmark_units"]) if row["benchmark_units"] else ""
        lines.append(tr("why.benchmark", lang, value=_num(row["benchmark"], 2), size=size))
    if status == "insufficient_data" and not row["is_unit"] and row["met"] is None and row.get("reading") != "aggregate":
        lines.append(tr("why.all_reporting_meet", lang))
    elif row["rate_observed"] is not None and row["rate_required"] is not None:
        lines.append(tr("why.progress", lang, base_year=row["base_year_used"], base=_num(row["base_value"], 2),
                        observed=_num(row["rate_observed"], 2), deadline=target.deadline,
                        required=_num(row["rate_required"], 2), ratio=_num(row["progress_ratio"], 2)))
    elif status == "insufficient_data":
        lines.append(tr("why.no_two_years", lang))
    elif status in ("met", "missed"):
        lines.append(tr("why.deadline", lang, deadline=target.deadline) +
                     (tr("why.every_year", lang) if target.every_year else ""))
    return lines
