"""The lagging-village work list as an Excel workbook cadres work from: one row per village and missed
target, ready to filter, with empty columns for the responsible unit and the follow-up."""

from __future__ import annotations

from typing import BinaryIO

import duckdb
import pandas as pd

from tracker.core import assess
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.numbers import number
from tracker.core.status import label as status_label
from tracker.core.store import is_demo
from tracker.core.xlsx import TEXT_ONLY
from tracker.present.scorecard import clean, figure, gap_text, target_text
from tracker.queries import dashboard, geography
from tracker.views.lagging import worklist

FOLLOW_UP = ("responsible_unit", "responsible_person", "measures", "due", "progress")


def lines(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, k: int,
          lang: str = "zh") -> pd.DataFrame:
    """A row per (lagging village, missed target), villages worst first, each village's targets furthest
    behind first: code, village, township, county, targets missed, target, value, target value, gap,
    status, deadline, then the empty follow-up columns."""
    lagging = assess.lagging_villages(con, area, year, k)
    missed = dashboard.missed_rows(con, area, year)
    missed = missed[missed["region_code"].isin(set(lagging["village_code"]))]
    order = {code: i for i, code in enumerate(lagging["village_code"])}
    about = lagging.set_index("village_code")
    records = []
    for r in missed.to_dict("records"):
        r = clean(r)
        target = catalogue.targets.get(r["target_id"])
        if target is None:
            continue
        fig = figure(r, target, catalogue.measures[target.measure], lang)
        village = about.loc[r["region_code"]]
        records.append({
            "_order": (order[r["region_code"]], -(r["shortfall"] or 0)), "village_code": r["region_code"],
            "village": village["village"], "township": village["township"], "county": village["county"],
            "targets_missed": int(village["targets_missed"]), "target": target.name(lang),
            "value": number(fig.value, fig.unit, lang), "target_value": target_text(fig, lang),
            "gap": gap_text(fig, lang) or "", "status": status_label(r["status"], lang), "deadline": target.deadline,
            **{column: "" for column in FOLLOW_UP}})
    columns = ["village_code", "village", "township", "county", "targets_missed", "target", "value", "target_value",
               "gap", "status", "deadline", *FOLLOW_UP]
    frame = pd.DataFrame(records, columns=["_order", *columns])
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    return frame.rename(columns={c: t(f"worklist.col.{c}", lang) for c in columns})


def write_worklist(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, k: int,
                   out: BinaryIO | str, lang: str = "zh") -> int:
    """Write the work list workbook; the number of villages in it."""
    frame = lines(con, catalogue, area, year, k, lang)
    villages = worklist(assess.lagging_villages(con, area, year, k), catalogue, lang)
    place = geography.region(con, area, lang)
    about = pd.DataFrame({t("worklist.about.item", lang): [t(f"worklist.about.{key}", lang) for key in
                                                           ("area", "year", "rule", "villages", "lines", "data")],
                          t("worklist.about.value", lang): [
                              f"{place['name']}（{area}）" if area else place["name"], year,
                              t("worklist.about.rule_text", lang, k=k),
                              len(villages), len(frame),
                              t("briefing.demo_notice", lang) if is_demo(con) else t("worklist.about.real", lang)]})
    with pd.ExcelWriter(out, engine="xlsxwriter", engine_kwargs=TEXT_ONLY) as writer:
        sheets = [(t("worklist.sheet.lines", lang), frame), (t("worklist.sheet.villages", lang), villages),
                  (t("worklist.sheet.about", lang), about)]
        for sheet_name, table in sheets:
            table.to_excel(writer, sheet_name=sheet_name, index=False)
            sheet = writer.sheets[sheet_name]
            sheet.freeze_panes(1, 0)
            if len(table):
                sheet.autofilter(0, 0, len(table), len(table.columns) - 1)
            for i, column in enumerate(table.columns):
                width = max([len(str(column))] + [len(str(v)) for v in table[column].head(300)]) + 2
                sheet.set_column(i, i, min(width * 1.7, 60))
        lines_sheet = writer.sheets[t("worklist.sheet.lines", lang)]
        fill = writer.book.add_format({"bg_color": "#FFF7D6", "border": 1, "border_color": "#D9D9D9"})
        first = len(frame.columns) - len(FOLLOW_UP)
        lines_sheet.conditional_format(1, first, max(len(frame), 1), len(frame.columns) - 1,
                                       {"type": "no_blanks", "format": fill})
        lines_sheet.conditional_format(1, first, max(len(frame), 1), len(frame.columns) - 1,
                                       {"type": "blanks", "format": fill})
        for i in range(first, len(frame.columns)):
            lines_sheet.set_column(i, i, 18)
    return len(villages)
