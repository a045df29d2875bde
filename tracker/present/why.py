"""Why a result has its status, in sentences: the parts behind a colour (the value and target, how the region
reads the target, the units behind it, the benchmark, the rates of the progress status), as the 为什么是这个颜色
popover, the matrices' hovers, the documents and `python -m tracker why` say them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tracker.core import settings
from tracker.core.catalogue import Catalogue, Measure, Reading, Target, reading_of
from tracker.core.i18n import t as tr
from tracker.core.numbers import compared, decimal
from tracker.core.status import label


@dataclass
class Explanation:
    """Why a (target, region, year) has its colour: the parts that produced the status."""

    target_id: str
    region_code: str
    year: int
    status: str
    row: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


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
    how = tr(f"reading.{reading.kind}", lang, units=tr(f"level.{level}", lang), share=decimal(reading.share or 0, 1))
    return tr("reading.sentence", lang, how=how, reason=reading.why(lang) or tr("reading.default", lang))


def explain(row: dict, target: Target, m: Measure, lang: str = "zh") -> list[str]:
    """The sentences behind one assessment row's status (the row as a dict, missing values as None)."""
    year, status = row["year"], row["status"]
    unit = m.unit_in(lang)
    lines = [tr("why.status", lang, status=label(status, lang))]
    relative = target.rule.kind == "relative_growth"
    pct_unit = "%" if (not row["is_unit"] or relative or unit == "%") else f" {unit}"
    if row["is_unit"]:
        if relative:
            lines.append(tr("why.unit_growth", lang, growth=decimal(row["value"], 2), value=decimal(row["raw_value"], 2),
                            before=decimal(row["raw_from"], 2), unit=unit))
        elif m.type == "bool":
            done = "why.no_data" if row["value"] is None else "why.yes" if row["value"] >= 0.5 else "why.no"
            lines.append(tr("why.unit_done", lang, year=year, done=tr(done, lang)))
        else:
            lines.append(tr("why.unit_value", lang, year=year, value=decimal(row["value"], 2) + pct_unit,
                            target=decimal(row["target_value"], 2) + pct_unit))
    else:
        reading = reading_of(target, m)
        agg_unit = "%" if relative or unit == "%" else f" {unit}"
        how = tr("why.weighted" if row.get("aggregate_weighted") else "why.unweighted", lang)
        if target.rule.kind == "total":
            lines.append(tr("why.total", lang, value=decimal(row["value"], 2), unit=unit) +
                         (tr("why.total_target", lang, target=decimal(row["target_value"], 2), unit=unit)
                          if row["target_value"] is not None else ""))
        elif target.rule.kind == "share":
            lines.append(tr("why.share_condition", lang, value=decimal(row["value"], 1), target=decimal(row["target_value"], 1)))
        elif target.monitored:
            lines.append(tr("why.monitored", lang, value=decimal(row["value"], 2), unit=agg_unit, how=how))
        elif reading.kind == "aggregate" and relative:
            lines.append(tr("why.aggregate_growth", lang, value=decimal(row["value"], 2), target=decimal(row["target_value"], 2)))
        elif reading.kind == "aggregate":
            lines.append(tr("why.aggregate", lang, value=decimal(row["value"], 2) + agg_unit, how=how,
                            target=compared(target.rule.op, decimal(row["target_value"], 2) + agg_unit)))
        else:
            lines.append(tr("why.share_met", lang, value=decimal(row["value"], 1), target=decimal(row["target_value"], 1)))
        if reading is not None:
            lines.append(tr("why.reading", lang, text=reading_sentence(reading, target.population.level, lang)))
        if row["units_in_scope"] is not None:
            lines.append(tr("why.units", lang, n=row["units_in_scope"], reporting=row["units_reporting"],
                            met=row["units_met"], missing=row["units_in_scope"] - row["units_reporting"]))
        if (reading is not None and reading.kind != "aggregate" and row.get("aggregate_value") is not None
                and m.type != "bool"):
            lines.append(tr("why.mean_growth" if relative else "why.mean", lang, value=decimal(row["aggregate_value"], 2),
                            unit=agg_unit, how=how))
    if row["benchmark"] is not None:
        size = tr("why.benchmark_size", lang, n=row["benchmark_units"]) if row["benchmark_units"] else ""
        lines.append(tr("why.benchmark", lang, value=decimal(row["benchmark"], 2), size=size))
    if status == "incomplete":
        lines.append(tr("why.incomplete", lang, reporting=row["units_reporting"], n=row["units_in_scope"],
                        share=decimal(settings.current().min_reporting, 0)))
    elif status == "insufficient_data" and not row["is_unit"] and row["met"] is None and row.get("reading") != "aggregate":
        lines.append(tr("why.all_reporting_meet", lang))
    elif row.get("pace_required") is not None and row.get("pace_recent") is not None:
        paces = [pace_sentence(row, target, m, lang) + tr("why.pace.ratio", lang, ratio=decimal(row["ratio_recent"], 2))]
        if row.get("ratio_cagr") is not None:
            paces.append(tr("why.progress_cagr", lang, base_year=row["base_year_used"], base=decimal(row["base_value"], 2),
                            observed=decimal(row["rate_observed"], 2), required=decimal(row["rate_required"], 2),
                            ratio=decimal(row["ratio_cagr"], 2)))
            if row["progress_ratio"] == row["ratio_cagr"] != row["ratio_recent"]:  # judged by compound growth
                paces.reverse()
        lines += paces
        outlook = projection_sentence(row, target, m, lang)
        if outlook:
            lines.append(outlook)
    elif status == "insufficient_data":
        lines.append(tr("why.no_two_years", lang))
    elif status in ("met_on_time", "met_late") or (status == "missed" and not target.every_year
                                                    and year > target.deadline):
        key = "missed_since" if status == "missed" else status
        lines.append(tr(f"why.verdict.{key}", lang, deadline=target.deadline, year=row.get("met_late_year")))
    elif status in ("met", "missed"):
        lines.append(tr("why.deadline", lang, deadline=target.deadline) +
                     (tr("why.every_year", lang) if target.every_year else ""))
    return lines


def _share(change: float) -> str:
    """A change on a log scale as the percent it multiplies by (0.1 → 10.52)."""
    return decimal(100 * abs(math.expm1(change)), 1)


def pace_sentence(row: dict, target: Target, m: Measure, lang: str = "zh") -> str:
    """The recent pace and the pace required, in the terms of the figure's scale, with the years they come from."""
    scale, recent, required = row["pace_scale"], row["pace_recent"], row["pace_required"]
    direction = -1 if row.get("target_value") is not None and _op(row, target) in ("<=", "<") else 1
    if direction * required <= 0:
        return tr("why.pace.at_bound", lang)
    common = {"start": row["pace_from"], "year": row["year"], "deadline": target.deadline}
    share = _is_share(row, target, m)
    if scale == "ceiling":
        move = "closes" if recent >= 0 else "widens"
        bound = "100%" if share else decimal(m.max, 2) + _unit(m, lang)
        return tr("why.pace.ceiling", lang, recent_move=tr(f"why.pace.move.{move}", lang),
                  recent=decimal(100 * abs(-math.expm1(-recent)), 1), required=decimal(100 * -math.expm1(-required), 1),
                  bound=bound, **common)
    if scale == "floor":
        move = "falls" if recent <= 0 else "rises"
        bound = "0%" if share else decimal(m.min, 2) + _unit(m, lang)
        return tr("why.pace.floor", lang, recent_move=tr(f"why.pace.move.{move}", lang), recent=_share(recent),
                  required=_share(required), bound=bound, **common)
    if scale == "growth":
        move = "grows" if recent >= 0 else "shrinks"
        return tr("why.pace.growth", lang, recent_move=tr(f"why.pace.move.{move}", lang), recent=_share(recent),
                  required=_share(required), **common)
    unit = tr("why.points", lang) if share or _unit(m, lang) == "%" else _unit(m, lang)
    return tr("why.pace.linear", lang, recent=f"{recent:+.2f}", required=f"{required:+.2f}", unit=unit, **common)


def _is_share(row: dict, target: Target, m: Measure) -> bool:
    """Whether a row's figure is a percent of units or of yes (a share rule, a region read by its units meeting
    the target, a yes/no measure), not the measure's own value."""
    return m.type == "bool" or (not row["is_unit"] and (target.rule.kind == "share"
                                                         or row.get("reading") not in (None, "aggregate")))


def _unit(m: Measure, lang: str) -> str:
    unit = m.unit_in(lang)
    return unit if unit == "%" else f" {unit}"


def _op(row: dict, target: Target) -> str | None:
    rule = target.rule
    if row["is_unit"]:
        return rule.condition.op if rule.kind == "share" else getattr(rule, "op", None)
    return getattr(rule, "op", None) if rule.kind == "share" or row.get("reading") == "aggregate" else ">="


def chance_words(chance: float, lang: str = "zh") -> str:
    """A chance as a reader says it: 约3成 / about 30%; 极小 / 很大 at the ends."""
    tenths = round(chance * 10)
    if tenths <= 0:
        return tr("chance.none", lang)
    if tenths >= 10:
        return tr("chance.all", lang)
    return tr("chance.words", lang, n=tenths)


def projection_sentence(row: dict, target: Target, m: Measure, lang: str = "zh", short: bool = False) -> str | None:
    """Where a region's course leads at its recent pace: the value expected at the deadline with its interval,
    the year the target would be reached, and the chance of meeting it by the deadline ("按近年进度，预计2027年
    达到；到期达标可能性约三成"); None for a unit or a row without a projection."""
    if row["is_unit"] or row.get("projected_value") is None or row.get("met"):  # met already: nothing to foresee
        return None
    unit = "%" if _is_share(row, target, m) else _unit(m, lang)
    interval = ""
    if row.get("projected_low") is not None:
        interval = tr("why.projection.interval", lang, low=decimal(row["projected_low"], 1) + unit,
                      high=decimal(row["projected_high"], 1) + unit)
    reach = row.get("projected_year")
    reached = (tr("why.projection.no_reach", lang) if reach is None else
               tr("why.projection.reach_now", lang) if reach <= row["year"] else
               tr("why.projection.reach", lang, year=int(reach)))
    if short:  # a card's line
        parts = [tr("why.projection.short", lang, reach=reached)]
    else:
        parts = [tr("why.projection", lang, deadline=target.deadline, value=decimal(row["projected_value"], 1) + unit,
                    interval=interval), reached]
    parts.append(tr("why.projection.chance", lang, chance=chance_words(row["chance_met"], lang))
                 if row.get("chance_met") is not None else tr("why.projection.too_few", lang))
    return tr("why.projection.joiner", lang).join(parts)
