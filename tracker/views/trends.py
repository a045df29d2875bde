"""趋势 as one view model: a target's course for the area and the regions below it, against the target line,
the benchmark (relative rules) and the path required to reach the target by the deadline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tracker.core import codes, numbers
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.present import charts, scorecard
from tracker.queries import dashboard, geography

MOST_REGIONS = 6  # lines drawn at once: the home region and five below it


@dataclass
class Trends:
    area: str
    area_name: str  # as stored: escape it where markdown reads it
    lang: str
    targets: list[str] = field(default_factory=list)  # target ids with results in their plan's years
    titles: dict[str, str] = field(default_factory=dict)
    target_id: str | None = None
    home: str | None = None  # the region the target is read for (the area, or its jurisdiction inside the area)
    names: dict[str, str] = field(default_factory=dict)  # {code: name}: the home region and those below it
    picked: list[str] = field(default_factory=list)
    chart: dict | None = None  # the course's chart (tracker.present.charts)
    note: str = ""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # region × year values
    no_figures: str | None = None  # a target asked for that has no figure yet for the area

    @property
    def empty(self) -> bool:
        return not self.targets


def default_target(catalogue: Catalogue, order: list[str]) -> str:
    """A headline target with a target line to draw (relative rules have none), else the first."""
    return next((tid for tid in order if catalogue.targets[tid].headline and
                 catalogue.targets[tid].rule.kind != "relative_growth"), order[0])


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str = "zh",
          target_id: str | None = None, picked: Sequence[str] = ()) -> Trends:
    """The course of `target_id` (else a headline target) for `picked` regions (else the home region)."""
    view = Trends(area, geography.region(con, area, lang)["name"], lang)
    homes = scorecard.card_regions(catalogue, area)
    rows = dashboard.assessment_rows(con, regions=tuple(sorted(set(homes.values()))))
    found = rows[rows["in_period"]]
    view.targets = [tid for tid in catalogue.targets
                    if tid in set(found["target_id"]) and homes[tid] in set(found["region_code"])]
    if target_id in homes and target_id not in view.targets:
        # a link to a target whose plan has no year in yet (a 15th-plan target in 2026): it opens, on its base year
        mine = rows[(rows["target_id"] == target_id) & (rows["region_code"] == homes[target_id])]
        if mine.empty:
            view.no_figures = target_id
        else:
            view.targets.append(target_id)
    if not view.targets:
        return view
    view.titles = {tid: catalogue.targets[tid].name(lang) for tid in view.targets}
    view.target_id = target_id if target_id in view.targets else default_target(catalogue, view.targets)
    target, view.home = catalogue.targets[view.target_id], homes[view.target_id]

    below = dashboard.assessment_rows(con, level=codes.below(view.home), area=view.home, years=(year,),
                                      target=view.target_id) if len(view.home) < 9 else rows.iloc[0:0]
    view.names = {view.home: geography.region(con, view.home)["name"],
                  **dict(zip(below["region_code"], below["region_name"]))}
    view.picked = [code for code in picked if code in view.names][:MOST_REGIONS] or [view.home]
    lines = scorecard.trend(dashboard.assessment_rows(con, regions=tuple(view.picked), target=view.target_id),
                            catalogue, view.target_id, view.home, lang, as_of=year)
    view.chart = charts.trend(lines.lines, t("trends.chart_title", lang, target=view.titles[view.target_id]),
                              lines.unit, lines.target, target.deadline, lines.benchmark, lines.required, lang,
                              lines.projection)
    view.note = t("trends.growth_note" if target.rule.kind == "relative_growth" else "trends.note", lang,
                  deadline=target.deadline)
    shown = lines.lines.dropna(subset=["value"])
    shown = shown.assign(text=[numbers.number(v, lines.unit, lang) for v in shown["value"]])  # 51.8%, not 51.75
    table = shown.pivot_table(index="region", columns="year", values="text", aggfunc="first").fillna("—")
    table.columns = [str(c) for c in table.columns]
    table.index.name = t("table.col.region", lang)
    view.table = table
    return view
