"""Assessment: every target's status for every unit and every region above it, every year.

Computed in SQL (tracker/core/sql/assess.sql) in one pass for all targets when data are published,
and stored as the table `assessment`, so pages only read. METHOD below states the semantics,
word for word as the catalogue page shows them; the SQL implements exactly those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

from tracker.core import codes, settings
from tracker.core.catalogue import Catalogue, Measure, Target

METHOD: dict[str, list[str]] = {
    "en": [
        "**Per-unit threshold** (e.g. `sr_tap_water_90`): met when the unit's value satisfies the comparison; "
        "no value → status `no_data`, never met and never dropped.",
        "**Growth** of a unit from year t-1 to t: v_t / v_(t-1) − 1 when v_(t-1) > 0; otherwise the unit is "
        "`not_assessable` for that year.",
        "**Relative rule** (e.g. `js_weak_village_income_growth`: 增幅高于全省村级平均增幅): the benchmark is the "
        "growth of the mean over the units of the benchmark population that report both years (equivalently "
        "Σv_t / Σv_(t-1) − 1 over them); a unit is met when its growth is strictly above the benchmark. Where the "
        "benchmark is a recorded figure (a province's own rural income), that figure is used. Both annual "
        "(t-1 → t) and cumulative (base year → t) forms are available.",
        "**Share rule** (e.g. `sr_gigabit_80`: 覆盖80%以上行政村): value = units meeting the condition ÷ units "
        "reporting, in percent, with units in scope, reporting and missing shown beside it.",
        "**Roll-up** of a per-unit rule to a higher region: units in scope, reporting, met, and the share met "
        "(met ÷ in scope; the region meets the rule when every unit in scope does); plus the aggregate value "
        "where the measure allows one (a mean of rates weighted by households when household counts exist, "
        "else unweighted, said so).",
        "**Total rule**: the sum over the population's units (and over the years from `years_from`; a year a "
        "unit did not report adds nothing) is compared at the population's own region; regions below show "
        "their contribution.",
        "**Toward the deadline** (the Open SDG method): ratio R of observed to required compound annual rate "
        "from the base year (the first year from it with a value; a zero is taken as 0.001, as sdg-build does); "
        "achieved / on track (R ≥ 0.95) / needs acceleration (0.6-0.95) / limited (0-0.6) / deteriorating "
        "(< 0) / insufficient data. Yes/no milestones not yet done before the deadline are `pending`. In and "
        "past the deadline year, and every year for targets that apply every year, the status is simply met "
        "or missed. The base year itself is shown as `baseline`.",
        "**Lagging villages**: for a region and year, villages ranked by the number of in-scope targets they "
        "miss and then by how far (the sum of their shortfalls, each scaled to 0-1 by its target); each with "
        "its list of missed targets. A target is in scope in the years of its plan after its base year.",
    ],
    "zh": [
        "**单位阈值**（如 `sr_tap_water_90`）：单位数值满足比较条件即达标；无数值 → 状态“无数据”，不计为达标，也不剔除。",
        "单位自 t-1 年到 t 年的**增幅**：v_(t-1) > 0 时为 v_t / v_(t-1) − 1；否则该单位当年“无法评估”。",
        "**相对增幅规则**（如 `js_weak_village_income_growth`：增幅高于全省村级平均增幅）：比较基准是基准总体中"
        "两年都报告数据的单位之均值的增幅（即 Σv_t / Σv_(t-1) − 1）；单位增幅严格高于基准才算达标。基准为发布数"
        "（如全省农村居民人均可支配收入）时，用该发布数的增幅。逐年（t-1 → t）和累计（基期 → t）两种口径都可查。",
        "**比例规则**（如 `sr_gigabit_80`：覆盖80%以上行政村）：数值 = 满足条件的单位数 ÷ 报告单位数（%），"
        "并列出范围内、报告和缺报的单位数。",
        "单位规则向上级地区**汇总**：范围内单位数、报告数、达标数和达标比例（达标数 ÷ 范围内单位数；范围内全部"
        "单位达标，该地区才算达标）；指标允许时另给汇总值（有农户数时按农户数加权平均，否则简单平均，并注明）。",
        "**合计规则**：总体内各单位（及 `years_from` 起各年）数值之和，在总体所属地区对照目标；下级地区显示其贡献。"
        "某年未报告的单位不增加合计。",
        "**距期限进度**（Open SDG 方法）：自基期（基期起第一个有数的年份；0 按 0.001 计，与 sdg-build 相同）的"
        "实际年均复合增长率与按期达标所需年均增长率之比 R：已达标 / 进度正常（R ≥ 0.95）/ 需加快（0.6-0.95）/ "
        "进展有限（0-0.6）/ 倒退（< 0）/ 数据不足。期限前尚未完成的是否类任务为“尚未完成”。期限当年及以后、"
        "以及每年考核的目标，状态只分达标与未达标。基期当年显示为“基期”。",
        "**落后村**：某地区某年，各村按未达标的适用目标个数排序，再按差距大小（各目标差距按目标值折算到 0-1 后"
        "相加）排序，并列出未达标的目标。目标在其规划期内、基期之后的年份适用。",
    ],
}


@dataclass(frozen=True)
class Status:
    id: str
    zh: str
    en: str
    colour: str  # colour-blind safe, readable on a projector (Okabe-Ito based)
    rank: int  # worst first when sorting

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
)}


def status_label(status: str, lang: str = "zh") -> str:
    """The status in words."""
    s = STATUSES[status]
    return s.en if lang == "en" else s.zh


def _spec_rows(catalogue: Catalogue) -> tuple[list[dict], list[dict]]:
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
        }
        if r.kind != "relative_growth":
            specs.append({**base, "period": "", "is_primary": True})
            continue
        b = r.benchmark
        base.update(bench_kind=b.kind, bench_within=b.within, bench_region=b.region, bench_value=b.value,
                    bench_measure=(b.measure or t.measure) if b.kind == "recorded" else None,
                    bench_pop_region=b.population.region if b.population else None)
        if b.population is not None:
            population(f"{t.id}#benchmark", b.population)
        for period in ("annual", "cumulative"):
            specs.append({**base, "period": period, "is_primary": period == r.period})
    return specs, pops


def assess(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> dict[str, int]:
    """Recompute the table `assessment` from the store's current data; rows by level.

    Runs inside a store write (tracker.store.writing), so the results are published with the
    data they come from. Records when, and from which catalogue, in store_meta.
    """
    specs, pops = _spec_rows(catalogue)
    con.register("target_spec_frame", pd.DataFrame(specs))  # typed by the first lines of assess.sql
    con.register("population_spec_frame", pd.DataFrame(pops))
    con.execute(settings.sql_text("tracker.core", "assess.sql"))
    con.unregister("target_spec_frame")
    con.unregister("population_spec_frame")
    sha = hashlib.sha256(catalogue.path.read_bytes()).hexdigest()
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

    sha = hashlib.sha256(catalogue.path.read_bytes()).hexdigest()
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
               units_in_scope, units_reporting, units_met, share_met, aggregate_value, aggregate_weighted,
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
              and a.year = $year and starts_with(a.region_code, $region) and a.status <> 'contribution'
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


def explain(row: dict, t: Target, m: Measure, lang: str = "zh") -> list[str]:
    """The sentences behind one assessment row's status (the row as a dict, missing values as None)."""
    year = row["year"]
    zh = lang != "en"
    unit = m.unit if zh else m.unit_en
    status = row["status"]
    lines = [("状态：" if zh else "Status: ") + status_label(status, lang)]
    relative = t.rule.kind == "relative_growth"
    pct_unit = "%" if (not row["is_unit"] or relative or unit == "%") else f" {unit}"
    if row["is_unit"]:
        if relative:
            lines.append((f"增幅 {_num(row['value'], 2)}%（{_num(row['raw_value'], 2)} {unit}，"
                          f"上一期 {_num(row['raw_from'], 2)} {unit}）") if zh else
                         f"growth {_num(row['value'], 2)}% ({_num(row['raw_value'], 2)} {unit}, "
                         f"from {_num(row['raw_from'], 2)} {unit})")
        elif m.type == "bool":
            done = row["value"] is not None and row["value"] >= 0.5
            lines.append((f"{year}年：{'是' if done else '否' if row['value'] is not None else '无数据'}（目标：是）")
                         if zh else f"{year}: {'yes' if done else 'no' if row['value'] is not None else 'no data'}"
                         " (target: yes)")
        else:
            lines.append((f"{year}年数值 {_num(row['value'], 2)}{pct_unit}，目标 {_num(row['target_value'], 2)}{pct_unit}")
                         if zh else f"value in {year}: {_num(row['value'], 2)}{pct_unit}, target "
                         f"{_num(row['target_value'], 2)}{pct_unit}")
    else:
        label = "达标单位占比" if t.rule.kind != "share" else "满足条件的单位占报告单位比例"
        label_en = "share of units meeting the rule" if t.rule.kind != "share" else "share of reporting units meeting the condition"
        lines.append((f"{label} {_num(row['value'])}%，目标 {_num(row['target_value'])}%" if zh else
                      f"{label_en} {_num(row['value'])}%, target {_num(row['target_value'])}%")
                     if t.rule.kind != "total" else
                     (f"合计 {_num(row['value'], 2)} {unit}" + (f"，目标 {_num(row['target_value'], 2)} {unit}"
                                                                 if row['target_value'] is not None else "")
                      if zh else f"total {_num(row['value'], 2)} {unit}" +
                      (f", target {_num(row['target_value'], 2)} {unit}" if row['target_value'] is not None else "")))
        if row["units_in_scope"] is not None:
            missing = row["units_in_scope"] - row["units_reporting"]
            lines.append(f"范围内 {row['units_in_scope']} 个单位，报告 {row['units_reporting']} 个，达标 "
                         f"{row['units_met']} 个，缺数 {missing} 个" if zh else
                         f"{row['units_in_scope']} units in scope, {row['units_reporting']} reporting, "
                         f"{row['units_met']} met, {missing} without data")
        if row.get("aggregate_value") is not None and t.rule.kind not in ("share", "total") and m.type != "bool":
            weighted = row.get("aggregate_weighted")
            agg_unit = "%" if relative else pct_unit if unit == "%" else f" {unit}"
            lines.append((f"{'平均增幅' if relative else '平均值'} {_num(row['aggregate_value'], 2)}{agg_unit}"
                          f"（{'按农户数加权' if weighted else '简单平均'}）") if zh else
                         f"{'mean growth' if relative else 'mean'} {_num(row['aggregate_value'], 2)}{agg_unit} "
                         f"({'weighted by households' if weighted else 'unweighted'})")
    if row["benchmark"] is not None:
        size = (f"（{row['benchmark_units']} 个单位报告两年数据）" if zh else
                f" ({row['benchmark_units']} units reporting both years)") if row["benchmark_units"] else ""
        lines.append((f"比较基准增幅 {_num(row['benchmark'], 2)}%{size}" if zh else
                      f"benchmark growth {_num(row['benchmark'], 2)}%{size}"))
    if status == "insufficient_data" and not row["is_unit"] and row["met"] is None:
        lines.append("报告的单位都达标，但有单位缺数，无法判定" if zh else
                     "every reporting unit meets the rule but some units have no data")
    elif row["rate_observed"] is not None and row["rate_required"] is not None:
        lines.append((f"自{row['base_year_used']}年（{_num(row['base_value'], 2)}）起实际年均变化 "
                      f"{_num(row['rate_observed'], 2)}%，{t.deadline}年达标所需年均 {_num(row['rate_required'], 2)}%，"
                      f"比值 R = {_num(row['progress_ratio'], 2)}（≥0.95 进度正常，0.6-0.95 需加快，0-0.6 进展有限，<0 倒退）")
                     if zh else
                     f"since {row['base_year_used']} ({_num(row['base_value'], 2)}): observed {_num(row['rate_observed'], 2)}% "
                     f"a year, required {_num(row['rate_required'], 2)}% a year to reach the target by {t.deadline}; "
                     f"R = {_num(row['progress_ratio'], 2)} (≥0.95 on track, 0.6-0.95 needs acceleration, 0-0.6 limited, "
                     f"<0 deteriorating)")
    elif status == "insufficient_data":
        lines.append("基期以来没有两年数据，无法计算进度" if zh else "no two years of data since the base year")
    elif status in ("met", "missed"):
        lines.append(f"{t.deadline}年为期限" + ("（每年考核）" if t.every_year else "") if zh else
                     f"deadline {t.deadline}" + (" (assessed every year)" if t.every_year else ""))
    return lines
