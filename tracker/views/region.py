"""What the 地区概况 page shows, computed without Streamlit: the map, its legend and the table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tracker.core import codes
from tracker.core.i18n import t
from tracker.present import maps
from tracker.queries import geography

TABLE_COLUMNS = ["name", "code", "kind", "parent_name", "counties", "townships", "village_committees",
                 "residents_committees", "other_units"]
WORDS = ("name", "code", "kind", "parent_name")  # the table's text columns; the rest are counts
LEFT_OUT = {"province": {"kind", "parent_name"}, "county": {"counties"}, "township": {"counties", "townships"}}


@dataclass
class RegionView:
    map: dict | None  # the outlines shaded by their village committees (and a county's townships), for ui/svg_drawing
    legend: str
    fallback_note: str | None
    table: pd.DataFrame  # the units below the area, each named first
    words: list[str]  # the table's text columns, as headed


def unit_table(units: pd.DataFrame, unit_level: str, lang: str) -> pd.DataFrame:
    """The units table with kinds in words and column headers in `lang`."""
    columns = [c for c in TABLE_COLUMNS if c not in LEFT_OUT[unit_level]]
    table = units[columns].copy()
    if "kind" in columns:
        table["kind"] = [t(f"kind.{k}", lang) if k else "" for k in table["kind"]]
    return table.rename(columns={c: t(f"col.{c}", lang) for c in columns})


def region_view(collection: dict, units: pd.DataFrame, town_points: pd.DataFrame | None,
                area_code: str, lang: str) -> RegionView:
    """Shade each outline (the provinces of the whole country, the counties of a province or city, a county's
    own) by its village committees and list the units below the area."""
    unit_level = geography.UNIT_LEVEL_BELOW[codes.area_level(area_code)]
    by_code = units.set_index("code")
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        if unit_level in ("province", "county") and code in by_code.index:
            feature["properties"]["village_committees"] = int(by_code.at[code, "village_committees"])
        elif unit_level == "township":  # a county's own outline: its total
            feature["properties"]["village_committees"] = int(units["village_committees"].sum())
    bounds = geography.bounds(collection)
    drawn, legend = None, ""
    if bounds is not None:
        point_rows = town_points.to_dict("records") if town_points is not None else None
        drawn, breaks = maps.choropleth(collection, "village_committees", bounds,
                                        lambda code, n: t("region.map.tip", lang, code=code, n=int(n)),
                                        point_rows)
        parts = []
        if len(collection["features"]) > 1:  # one outline has nothing to compare
            parts.append(t("region.map.legend", lang, breaks=" / ".join(f"≤{b:,}" for b in sorted(set(breaks)))))
        if point_rows:
            parts.append(t("region.map.points", lang))
        legend = " ".join(parts)
    fallback = [f["properties"]["name"] for f in collection["features"] if f["properties"]["fallback"]]
    if unit_level == "county":
        fallback = units.loc[units["kind"] == "development_zone", "name"].tolist()
    note = t("region.map.fallback", lang, names="、".join(fallback)) if fallback else None
    table = unit_table(units, unit_level, lang)
    return RegionView(drawn, legend, note, table, [h for h in (t(f"col.{c}", lang) for c in WORDS) if h in table])
