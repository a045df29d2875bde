"""The leadership briefing as data: everything the Word and HTML documents say, computed once.

Built from the same assessment rows, cards and sentences as the 领导简报 page (tracker.scorecard),
so the page and the documents never disagree. Writers: tracker.briefing_docx, tracker.briefing_html.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tracker.core import assess, codes
from tracker.core.assess import status_label
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.store import is_demo
from tracker.documents import static_charts
from tracker.present import scorecard
from tracker.queries import dashboard, geography
from tracker.views.lagging import worklist

LAGGING_K = 3  # the briefing counts villages missing three or more targets, as the page does
MOST_BEHIND = 10
MOST_VILLAGES = 15


@dataclass
class Briefing:
    area: str
    area_name: str
    year: int
    lang: str
    loaded_at: str | None
    assessed_at: str | None
    demo: bool
    summary: list[str]
    cards: list[scorecard.Card]
    behind: pd.DataFrame  # the sub-areas furthest behind
    behind_level: str
    villages: pd.DataFrame  # the villages missing most targets (work-list columns)
    villages_total: int
    sources: pd.DataFrame  # target, document, clause, quote
    charts: list[tuple[str, bytes]] = field(default_factory=list)  # (caption, PNG)

    @property
    def title(self) -> str:
        return t("briefing.title", self.lang, area=self.area_name, year=self.year)


def target_table(b: "Briefing", note_first_part: bool = False) -> pd.DataFrame:
    """Every target of the briefing as a table row (the Word and HTML tables): target (with its region when it
    is not the area's own), value, target, status in words, change on last year, note."""
    lang = b.lang
    return pd.DataFrame([{
        t("table.col.target", lang): c.title + ("" if c.region_code == b.area else f"（{c.region_name}）"),
        t("table.col.value", lang): c.value, t("table.col.target_value", lang): c.target,
        t("table.col.status", lang): status_label(c.status, lang), t("table.col.change", lang): c.change or "",
        t("table.col.note", lang): c.note.split("；")[0].split("; ")[0] if note_first_part else c.note}
        for c in b.cards])


def abbreviate(names: list[str], lang: str, most: int = 3) -> str:
    """'甲；乙；丙 等 7 项' — the first few of a long list, and how many there are."""
    shown = "；".join(names[:most])
    return shown + (t("briefing.and_more", lang, n=len(names)) if len(names) > most else "")


def most_behind(cells: pd.DataFrame, lang: str, most: int = MOST_BEHIND) -> pd.DataFrame:
    """Sub-areas ranked by targets missed, then by the share of their targets met or on track (fewest first)."""
    if cells.empty:
        return pd.DataFrame()
    classes = cells.assign(cls=cells["status"].map(scorecard.STATUS_CLASS))
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
                        "number": document.number, "clause": target.source.clause, "quote": target.source.quote})
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
        view = scorecard.trend(rows, catalogue, c.target_id, c.region_code, lang)
        caption = t("briefing.chart.trend", lang, region=c.region_name, target=c.title)
        charts.append((caption, static_charts.trend_png(
            view.lines, caption, view.unit, view.target, catalogue.targets[c.target_id].deadline, view.required,
            view.benchmark, t("chart.target", lang), t("chart.required", lang), t("chart.benchmark", lang))))
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
            cells, caption, cells["unit"].iloc[0], cells["target_value"].iloc[0],
            home["value"].iloc[0] if same_unit else None,
            t("comparison.average", lang, region=c.region_name), t("chart.target", lang))))
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
    return frame.assign(**{last: [abbreviate(text.split("；") if text else [], lang, most) for text in frame[last]]})


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str = "zh",
          with_charts: bool = True) -> Briefing:
    """Everything the briefing says for an area (province, city or county code) and a year."""
    place = geography.region(con, area)
    if place is None or codes.level_of(area) not in ("province", "city", "county"):
        raise ValueError(f"{area}: not a province, city or county in the store")
    regions = tuple(sorted(set(scorecard.card_regions(catalogue, area).values())))
    rows = dashboard.assessment_rows(con, regions=regions, years=(year - 1, year))
    cards = scorecard.cards(rows, catalogue, area, year, lang)
    lagging = assess.lagging_villages(con, area, year, LAGGING_K)
    summary = scorecard.summary_sentences(cards, scorecard.previous_statuses(rows, cards, year), place["name"],
                                          year, len(lagging), LAGGING_K, lang)
    level = "township" if codes.level_of(area) == "county" else "county"
    cells = scorecard.cell_frame(dashboard.assessment_rows(con, level=level, area=area, years=(year,)), catalogue, lang)
    cells = cells[cells["target_id"].isin({c.target_id for c in cards})]
    dates = dashboard.data_dates(con)
    return Briefing(
        area, place["name"], year, lang, dates["loaded_at"], dates["assessed_at"], is_demo(con), summary, cards,
        most_behind(cells, lang), level, _villages(lagging, catalogue, lang), len(lagging),
        sources(catalogue, cards, lang),
        _charts(con, catalogue, cards, area, level, year, lang) if with_charts and cards else [])
