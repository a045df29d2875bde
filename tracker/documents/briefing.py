"""The leadership briefing as data: everything the Word and HTML documents say, computed once.

Built from the 领导简报 page's own view model (tracker.views.overview): the same cards, sentences, matrix
cells and lagging villages, so the page and the documents never disagree. Writers: briefing_docx,
briefing_html.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.status import STATUS_CLASS
from tracker.documents import static_charts
from tracker.present import scorecard
from tracker.queries import dashboard
from tracker.views import overview
from tracker.views.comparison import compared_level
from tracker.views.lagging import worklist

MOST_BEHIND = 10
MOST_VILLAGES = 15


@dataclass
class Briefing:
    """The page's view model (cards, sentences, matrix cells, lagging villages) and what only the documents add."""

    view: overview.Overview
    behind: pd.DataFrame  # the sub-areas furthest behind
    behind_level: str  # their level: a county's townships, else counties (as 县区对比 compares)
    villages: pd.DataFrame  # the villages missing most targets (work-list columns)
    sources: pd.DataFrame  # target, document, clause, quote
    charts: list[tuple[str, bytes]] = field(default_factory=list)  # (caption, PNG)

    @property
    def title(self) -> str:
        return t("briefing.title", self.view.lang, area=self.view.area_name, year=self.view.year)


def target_table(b: "Briefing", note_first_part: bool = False) -> pd.DataFrame:
    """Every target of the briefing as a table row (the Word and HTML tables): target (with its region when it
    is not the area's own), value, target, status in words, change on last year, note."""
    lang = b.view.lang
    return pd.DataFrame([{
        t("table.col.target", lang): c.title + ("" if c.region_code == b.view.area else f"（{c.region_name}）"),
        t("table.col.value", lang): c.value, t("table.col.target_value", lang): c.target,
        t("table.col.status", lang): c.status_text, t("table.col.change", lang): c.change or "",
        t("table.col.note", lang): _first_part(c) if note_first_part else c.note,
        t("table.col.outlook", lang): c.outlook or ""}
        for c in b.view.cards])


def _first_part(c: scorecard.Card) -> str:
    """A card's note cut to its first part (how many units meet it), and how many reported when not all did."""
    parts = c.note.replace("; ", "；").split("；")
    return "；".join(parts[:2] if c.partial else parts[:1])


def most_behind(cells: pd.DataFrame, lang: str, most: int = MOST_BEHIND) -> pd.DataFrame:
    """Sub-areas ranked by targets missed, then by the share of their targets met or on track (fewest first)."""
    if cells.empty:
        return pd.DataFrame()
    classes = cells.assign(cls=cells["status"].map(STATUS_CLASS))
    table = classes.groupby(["region_code", "region"]).agg(
        targets=("target_id", "size"), missed=("cls", lambda c: int((c == "bad").sum())),
        watch=("cls", lambda c: int((c == "watch").sum())), good=("cls", lambda c: int((c == "good").sum())),
        missed_targets=("target", lambda s: "；".join(s[classes.loc[s.index, "cls"] == "bad"])),
    ).reset_index()
    table["share_good"] = (100 * table["good"] / table["targets"]).round(1)
    table = table.sort_values(["missed", "share_good", "region_code"], ascending=[False, True, True]).head(most)
    columns = ["region_code", "region", "targets", "missed", "watch", "good", "share_good", "missed_targets"]
    return table[columns].rename(columns={c: t(f"briefing.behind.{c}", lang) for c in columns})


def sources(catalogue: Catalogue, cards: list[scorecard.Card], lang: str) -> pd.DataFrame:
    """The document, clause and quoted sentence behind each target of the briefing."""
    records = []
    for c in cards:
        target = catalogue.targets[c.target_id]
        if target.source is None:
            continue
        document = catalogue.documents[target.source.document]
        records.append({"target": c.title, "document": document.name(lang),
                        "number": document.number_in(lang), "clause": target.source.clause, "quote": target.source.quote})
    frame = pd.DataFrame(records, columns=["target", "document", "number", "clause", "quote"])
    return frame.rename(columns={col: t(f"briefing.sources.{col}", lang) for col in frame.columns})


def _charts(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, cards: list[scorecard.Card], area: str,
            level: str, year: int, lang: str) -> list[tuple[str, bytes]]:
    """A trend with its target line for the first two headline targets that have one (relative rules have
    a benchmark instead), and the ranking of the sub-areas on the first of them that has sub-areas."""
    charts = []
    headline = scorecard.headline_cards(cards)
    with_line = [c for c in headline if catalogue.targets[c.target_id].rule.kind != "relative_growth"] or headline
    for c in with_line[:2]:
        rows = dashboard.assessment_rows(con, regions=(c.region_code,), target=c.target_id)
        view = scorecard.trend(rows, catalogue, c.target_id, c.region_code, lang, as_of=year)
        caption = t("briefing.chart.trend", lang, region=c.region_name, target=c.title)
        charts.append((caption, static_charts.trend_png(
            view.lines, caption, view.unit, view.target, catalogue.targets[c.target_id].deadline, view.required,
            view.benchmark, t("chart.target", lang), t("chart.required", lang), t("chart.benchmark", lang),
            view.projection, t("chart.projection", lang))))
    for c in with_line:
        rows = dashboard.assessment_rows(con, level=level, area=area, years=(year,), target=c.target_id)
        cells = scorecard.cell_frame(rows, catalogue, lang)
        if len(cells) < 2:
            continue
        home = scorecard.cell_frame(dashboard.assessment_rows(con, regions=(c.region_code,), years=(year,),
                                                              target=c.target_id), catalogue, lang)
        same_unit = not home.empty and home["unit"].iloc[0] == cells["unit"].iloc[0]
        caption = t("briefing.chart.ranking", lang, target=c.title, year=year, units=t(f"level.{level}", lang))
        charts.append((caption, static_charts.ranking_png(
            cells, caption, cells["unit"].iloc[0], home["value"].iloc[0] if same_unit else None,
            t("comparison.average", lang, region=c.region_name), t("chart.target", lang), t("chart.own_target", lang))))
        break
    return charts


def _villages(lagging: pd.DataFrame, catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """The first villages of the work list: code, village, township, county, targets missed, missed targets."""
    table = worklist(lagging.head(MOST_VILLAGES), catalogue, lang)
    names = table.columns
    return table[[names[0], names[1], names[2], names[3], names[4], names[-1]]]


def shortened(frame: pd.DataFrame, lang: str, most: int) -> pd.DataFrame:
    """The last column (targets joined by '；') cut to its first `most`, saying how many there are."""
    last = frame.columns[-1]
    return frame.assign(**{last: [scorecard.abbreviate(text.split("；") if text else [], lang, most) for text in frame[last]]})


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str = "zh",
          with_charts: bool = True, view: overview.Overview | None = None) -> Briefing:
    """Everything the briefing says for an area (province, city or county code) and a year, from the page's
    view model (built here when not given)."""
    view = view or overview.build(con, catalogue, area, year, lang)
    level = compared_level(area)  # a province's briefing ranks its counties, as the comparison page does
    cells = view.cells if level == view.sub_level else scorecard.cell_frame(
        dashboard.assessment_rows(con, level=level, area=area, years=(year,)), catalogue, lang)
    cells = cells[cells["target_id"].isin({c.target_id for c in view.cards})]
    return Briefing(view, most_behind(cells, lang), level, _villages(view.lagging, catalogue, lang),
                    sources(catalogue, view.cards, lang),
                    _charts(con, catalogue, view.cards, area, level, year, lang) if with_charts and view.cards else [])
