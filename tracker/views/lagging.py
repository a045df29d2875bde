"""落后村地图 as one view model: the map and the work list, computed without Streamlit.

Two views: one target (county outlines shaded by the county's verdict, village points coloured by
status), or villages missing k or more targets (points by how many). For a whole province the
villages are summed into township points, for the whole country into county points (and the
outlines are the provinces'), so the browser receives one point per township or county instead of
one per village.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import json

import duckdb
import pandas as pd

from tracker.core import assess, codes
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.numbers import number
from tracker.core.status import STATUSES
from tracker.core.status import label as status_label
from tracker.present import maps
from tracker.present.scorecard import cell_frame, figure, target_text
from tracker.queries import dashboard, geography

VILLAGES, SUMMARIES = "villages", "summaries"  # the points: one per village, or per township or county
SUMMED_BY = {"nation": "county", "province": "township"}  # an area whose villages are summed, and into what
LAGGING_SUMMED_BY = {"nation": "county"}  # likewise for the lagging villages, fewer: a province still shows each


@dataclass
class LaggingMap:
    drawing: dict | None  # maps.status_map's data for ui/svg_drawing; None: the area has no outline to draw
    legend: str  # an i18n key
    points: int
    bytes: int  # the drawing's JSON, what the browser receives
    layer: str  # VILLAGES (a click opens the village) or SUMMARIES
    statuses: dict[str, int] = field(default_factory=dict)  # villages by status (one-target view)


def _village_text(row: dict, catalogue: Catalogue, target_id: str, lang: str) -> str:
    target = catalogue.targets[target_id]
    fig = figure({**row, "is_unit": True}, target, catalogue.measures[target.measure], lang)
    return f"{number(fig.value, fig.unit, lang)}（{t('figure.target', lang)} {target_text(fig, lang)}）"


def target_points(villages: pd.DataFrame, catalogue: Catalogue, target_id: str, lang: str) -> list[dict]:
    """One compact point per village: place, colour by status, name, code, value against target, status."""
    return [{"lon": round(r["lon"], 4), "lat": round(r["lat"], 4), "c": maps.hex_rgb(STATUSES[r["status"]].colour),
             "code": r["code"], "n": r["name"], "v": _village_text(r, catalogue, target_id, lang),
             "s": status_label(r["status"], lang)}
            for r in villages.to_dict("records") if pd.notna(r["lon"])]


def summary_points(villages: pd.DataFrame, units: pd.DataFrame, level: str, lang: str) -> list[dict]:
    """Villages summed per township or county (`level`, placed by `units`): the share meeting the target sets
    the colour, the count the size."""
    counted = villages.assign(unit_code=villages["code"].str[:codes.CODE_LENGTH[level]],
                              ok=villages["met"].fillna(False).astype(bool), reported=villages["status"] != "no_data")
    sums = counted.groupby("unit_code").agg(n=("code", "size"), met=("ok", "sum"), reported=("reported", "sum"))
    places = units.set_index("code")
    points = []
    for code, r in sums.iterrows():
        if code not in places.index:
            continue
        share = 100 * r["met"] / r["n"]
        points.append({"lon": round(places.at[code, "lon"], 4), "lat": round(places.at[code, "lat"], 4),
                       "c": list(maps.SEQUENTIAL[maps.class_of(share, maps.SHARE_BREAKS)]), "r": 400 + 120 * int(r["n"]),
                       "code": code, "n": places.at[code, "name"],
                       "v": t("lagging.town_tip", lang, met=int(r["met"]), n=int(r["n"]), share=f"{share:.0f}"),
                       "s": t("lagging.town_missing", lang, n=int(r["n"] - r["reported"]))})
    return points


def missed_summary_points(lagging: pd.DataFrame, units: pd.DataFrame, level: str, lang: str) -> list[dict]:
    """The lagging villages counted per county (or township): the colour by the most targets one of them
    misses (as the village points), the size by how many they are."""
    counted = lagging.assign(unit_code=lagging["village_code"].str[:codes.CODE_LENGTH[level]])
    sums = counted.groupby("unit_code").agg(n=("village_code", "size"), most=("targets_missed", "max"))
    places = units.set_index("code")
    return [{"lon": round(places.at[code, "lon"], 4), "lat": round(places.at[code, "lat"], 4),
             "c": list(maps.MISSED[min(int(r["most"]), 5) - 1]), "r": 400 + 120 * int(r["n"]),
             "code": code, "n": places.at[code, "name"], "v": t("lagging.summed_tip", lang, n=int(r["n"])),
             "s": t("lagging.summed_most", lang, missed=int(r["most"]))}
            for code, r in sums.iterrows() if code in places.index and pd.notna(places.at[code, "lon"])]


def missed_points(lagging: pd.DataFrame, places: pd.DataFrame, lang: str) -> list[dict]:
    """One point per lagging village, coloured by how many targets it misses (1, 2, 3, 4, 5 or more)."""
    where = places.set_index("code")
    return [{"lon": round(where.at[r["village_code"], "lon"], 4), "lat": round(where.at[r["village_code"], "lat"], 4),
             "c": list(maps.MISSED[min(int(r["targets_missed"]), 5) - 1]), "code": r["village_code"], "n": r["village"],
             "v": t("lagging.missed_tip", lang, missed=int(r["targets_missed"]), n=int(r["targets_in_scope"])),
             "s": r["township"] or ""}
            for r in lagging.to_dict("records") if r["village_code"] in where.index]


MODES = ("target", "missed")
FIRST = 10  # the villages furthest behind, read on the page as a short table; the whole work list is a grid on demand
# the short table's columns: the village names its row, the targets missed in words last
FIRST_COLUMNS = ("village", "township", "county", "targets_missed", "missed_targets")


@dataclass
class Lagging:
    """Everything the page shows: the targets to pick from, the map, the villages missing k or more targets."""

    area_name: str  # as stored: escape it where markdown reads it
    year: int
    lang: str
    mode: str
    k: int
    targets: list[str]  # targets with village results in the year
    titles: dict[str, str]
    target_id: str | None  # the target mapped (mode 'target'): the one asked for, else the first headline one
    map: LaggingMap | None
    lagging: pd.DataFrame  # assess.lagging_villages
    worklist: pd.DataFrame  # the same villages as the page's table

    @property
    def first(self) -> pd.DataFrame:
        """The FIRST villages furthest behind (the work list's order: most targets missed, then the largest
        shortfall), the columns a reader needs to name them and what they miss."""
        return self.worklist.head(FIRST)[[t(f"lagging.col.{c}", self.lang) for c in FIRST_COLUMNS]]

    @property
    def first_words(self) -> list[str]:
        """The short table's text columns (the rest: the count of targets missed)."""
        return [t(f"lagging.col.{c}", self.lang) for c in FIRST_COLUMNS if c != "targets_missed"]

    @property
    def file_name(self) -> str:
        return t("file.worklist", self.lang, name=self.area_name, year=self.year, k=self.k)


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str, mode: str,
          target_id: str | None, k: int) -> Lagging:
    """The page for an area and year: mode 'target' maps `target_id` (else a headline target), 'missed' the
    villages missing k or more targets; the work list below either way."""
    targets = dashboard.village_targets(con, area, year)
    titles = {tid: catalogue.targets[tid].name(lang) for tid in targets}
    if target_id not in targets:
        target_id = next((tid for tid in targets if catalogue.targets[tid].headline), targets[0] if targets else None)
    lagging = assess.lagging_villages(con, area, year, k)
    view = Lagging(geography.region(con, area, lang)["name"], year, lang, mode, k, targets, titles, target_id, None,
                   lagging, worklist(lagging, catalogue, lang))
    if targets:
        view.map = map_of(con, catalogue, area, year, mode, target_id if mode == "target" else None, k, lang, lagging)
    return view


def map_of(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, mode: str,
           target_id: str | None, k: int, lang: str, lagging: pd.DataFrame | None = None) -> LaggingMap:
    """The whole map for a view: mode 'target' (outlines by their verdict on `target_id`, villages by status,
    summed into townships for a whole province and into counties for the whole country) or 'missed'
    (villages missing k or more targets, summed into counties for the whole country; `lagging`: those villages
    when the caller has them already)."""
    outlines = geography.map_outlines(con, area)
    level = codes.area_level(area)
    summed = SUMMED_BY.get(level)
    if mode == "missed":
        lagging = assess.lagging_villages(con, area, year, k) if lagging is None else lagging
        if level in LAGGING_SUMMED_BY:
            unit = LAGGING_SUMMED_BY[level]
            points = missed_summary_points(lagging, geography.points(con, area, unit), unit, lang)
            return lagging_map(outlines, {}, {}, points, SUMMARIES, f"lagging.legend.missed_{unit}")
        points = missed_points(lagging, dashboard.places(con, tuple(lagging["village_code"])), lang)
        return lagging_map(outlines, {}, {}, points, VILLAGES, "lagging.legend.missed")
    villages = dashboard.village_statuses(con, area, target_id, year)
    shaded = cell_frame(dashboard.assessment_rows(con, level=geography.OUTLINE_LEVEL[level], area=area, years=(year,),
                                                  target=target_id), catalogue, lang)
    statuses = dict(zip(shaded["region_code"], shaded["status"]))  # the verdict by the target's reading
    labels = dict(zip(shaded["region_code"], shaded["text"] + "（" + shaded["status_label"] + "）"))
    if summed:
        points = summary_points(villages, geography.points(con, area, summed), summed, lang)
        view = lagging_map(outlines, statuses, labels, points, SUMMARIES, f"lagging.legend.{summed}")
    else:
        points = target_points(villages, catalogue, target_id, lang)
        view = lagging_map(outlines, statuses, labels, points, VILLAGES, "lagging.legend.target")
    view.statuses = {status_label(s, lang): int(n) for s, n in villages["status"].value_counts().items()}
    return view


def lagging_map(outlines: dict, statuses: dict[str, str], labels: dict[str, str], points: list[dict],
                layer: str, legend: str = "") -> LaggingMap:
    """The map: outlines shaded by their status, the points on top; its size in bytes as sent to the browser."""
    bounds = geography.bounds(outlines)
    if bounds is None:
        return LaggingMap(None, legend, len(points), 0, layer)
    drawing = maps.status_map(outlines, bounds, statuses, labels, points)
    return LaggingMap(drawing, legend, len(points), len(json.dumps(drawing)), layer)


def worklist(lagging: pd.DataFrame, catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """The work list: each lagging village with its township, county, counts and missed targets in words."""
    def titles(ids) -> str:
        return "；".join((catalogue.targets[i].name(lang))
                        for i in (list(ids) if ids is not None else []) if i in catalogue.targets)

    table = lagging.assign(missed_targets=[titles(ids) for ids in lagging["missed_targets"]])
    columns = ["village_code", "village", "township", "county", "targets_missed", "targets_in_scope",
               "targets_without_data", "shortfall", "missed_targets"]
    return table[columns].rename(columns={c: t(f"lagging.col.{c}", lang) for c in columns})
