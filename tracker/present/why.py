"""Why a result has its status, in sentences: the parts behind a colour (the value and target, how the region
reads the target, the units behind it, the benchmark, the rates of the progress status), as the 为什么是这个颜色
popover, the matrices' hovers, the documents and `python -m tracker why` say them."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

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
    if status == "insufficient_data" and not row["is_unit"] and row["met"] is None and row.get("reading") != "aggregate":
        lines.append(tr("why.all_reporting_meet", lang))
    elif row["rate_observed"] is not None and row["rate_required"] is not None:
        lines.append(tr("why.progress", lang, base_year=row["base_year_used"], base=decimal(row["base_value"], 2),
                        observed=decimal(row["rate_observed"], 2), deadline=target.deadline,
                        required=decimal(row["rate_required"], 2), ratio=decimal(row["progress_ratio"], 2)))
    elif status == "insufficient_data":
        lines.append(tr("why.no_two_years", lang))
    elif status in ("met", "missed"):
        lines.append(tr("why.deadline", lang, deadline=target.deadline) +
                     (tr("why.every_year", lang) if target.every_year else ""))
    return lines
