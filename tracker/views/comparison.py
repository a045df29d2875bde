"""县区对比 as one view model: the units of an area (a county's townships, else its counties) ranked on a
target, the units × targets matrix, chosen units over time, and named peer groups against the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tracker.core import codes
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.status import STATUS_CLASS
from tracker.present import charts, scorecard
from tracker.present.matrix import StatusMatrix, status_matrix
from tracker.queries import dashboard, geography

MOST_PICKED = 5  # counties drawn over time at once
FIRST_PICKED = 3  # the furthest behind, drawn when nothing is chosen


def compared_level(area: str) -> str:
    """Which units an area compares: a county its townships; a city, a province or the whole country its
    counties (a target is set for one province or city, so ranking provinces on it would rank one)."""
    return "township" if codes.area_level(area) == "county" else "county"


@dataclass
class Peers:
    """A named group of units (e.g. key counties) against the other units of the area, over the years."""

    name: str
    chart: dict | None  # its chart; None when the group has no values for the target


@dataclass
class Comparison:
    area: str
    area_name: str  # as stored: escape it where markdown reads it
    year: int
    lang: str
    level: str  # the compared units' level
    units: str  # their name ("县（市、区）")
    cells: pd.DataFrame  # every unit × target cell of the year
    targets: list[str] = field(default_factory=list)  # target ids with results, catalogue order
    titles: dict[str, str] = field(default_factory=dict)
    target_id: str | None = None  # the target shown (the one asked for, else the first headline target)
    summary: str = ""
    ranking: dict | None = None  # the chart ranking the units on the target (tracker.present.charts)
    ranking_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    matrix: StatusMatrix | None = None
    names: dict[str, str] = field(default_factory=dict)  # {unit code: name} that may be picked
    picked: list[str] = field(default_factory=list)  # units drawn over time
    over_time: dict | None = None  # the chart of the picked units over the years
    peers: list[Peers] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.cells.empty

    @property
    def sheets(self) -> dict[str, pd.DataFrame]:
        return {t("comparison.sheet.ranking", self.lang): self.ranking_table,
                t("comparison.sheet.matrix", self.lang): scorecard.matrix_table(self.cells, self.lang)}


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str = "zh",
          target_id: str | None = None, picked: Sequence[str] = ()) -> Comparison:
    """The comparison of an area's units in a year on `target_id` (else the first headline target), with
    `picked` units over time (else the three furthest behind)."""
    level = compared_level(area)
    units = t(f"level.{level}", lang)
    area_name = geography.region(con, area, lang)["name"]
    cells = scorecard.cell_frame(dashboard.assessment_rows(con, level=level, area=area, years=(year,)), catalogue, lang)
    view = Comparison(area, area_name, year, lang, level, units, cells)
    if cells.empty:
        return view
    view.targets = [tid for tid in catalogue.targets if tid in set(cells["target_id"])]
    view.titles = dict(zip(cells["target_id"], cells["target"]))
    default = next((tid for tid in view.targets if catalogue.targets[tid].headline), view.targets[0])
    view.target_id = target_id if target_id in view.targets else default
    target = catalogue.targets[view.target_id]
    title = view.titles[view.target_id]
    chosen = cells[cells["target_id"] == view.target_id]
    unit = chosen["unit"].iloc[0]
    # one target line where every unit is read against the same; none where each has its own (a benchmark)
    target_value = chosen["target_value"].iloc[0] if chosen["target_value"].nunique(dropna=False) == 1 else None

    home = scorecard.card_regions(catalogue, area)[view.target_id]
    home_cells = scorecard.cell_frame(dashboard.assessment_rows(con, regions=(home,), years=(year,),
                                                                target=view.target_id), catalogue, lang)
    same_unit = not home_cells.empty and home_cells["unit"].iloc[0] == unit
    average = home_cells["value"].iloc[0] if same_unit else None
    average_label = t("comparison.average", lang, region=home_cells["region"].iloc[0]) if same_unit else ""
    met = int((chosen["status"].map(STATUS_CLASS) == "good").sum())
    view.summary = t("comparison.summary", lang, n=len(chosen), units=scorecard.unit_word(level, lang, len(chosen)),
                     met=met, target=title, average=home_cells["text"].iloc[0] if not home_cells.empty else "—")
    view.ranking = charts.ranking(chosen, t("comparison.ranking_title", lang, target=title, year=year), unit,
                                  average, average_label, lang)
    table = chosen.sort_values("value", ascending=False)[["region_code", "region", "text", "status_label", "note"]]
    view.ranking_table = table.rename(columns={c: t(f"comparison.col.{c}", lang) for c in table.columns})
    regions = cells.drop_duplicates("region_code").sort_values("region_code")["region"].tolist()
    view.matrix = status_matrix(cells, "target", "region", [view.titles[tid] for tid in view.targets], regions,
                                t("comparison.matrix_title", lang, area=area_name, year=year), lang)

    view.names = dict(zip(chosen["region_code"], chosen["region"]))
    view.picked = [code for code in picked if code in view.names][:MOST_PICKED] or \
        chosen.sort_values("value")["region_code"].tolist()[:FIRST_PICKED]
    if view.picked:
        series = scorecard.cell_frame(dashboard.assessment_rows(con, regions=tuple(view.picked), target=view.target_id),
                                      catalogue, lang)
        view.over_time = charts.trend(series, t("comparison.over_time_title", lang, target=title), unit, target_value,
                                      target.deadline, lang=lang)

    every_year = None
    for group in peer_groups(catalogue, area, level):
        if every_year is None:
            every_year = scorecard.cell_frame(dashboard.assessment_rows(con, level=level, area=area,
                                                                        target=view.target_id), catalogue, lang)
        name = group.name(lang)
        means = scorecard.peer_means(every_year, dashboard.group_members(con, group.id), name,
                                     t("comparison.others", lang, units=units))
        view.peers.append(Peers(name, None if means.empty else charts.trend(
            means, t("comparison.peer_title", lang, group=name, target=title), unit, target_value, target.deadline,
            lang=lang)))
    return view


def peer_groups(catalogue: Catalogue, area: str, level: str) -> list:
    """The catalogue's groups of units at `level` that concern the area (inside it, or containing it)."""
    return [g for g in catalogue.groups.values()
            if g.level == level and (g.region.startswith(area) or area.startswith(g.region))]
