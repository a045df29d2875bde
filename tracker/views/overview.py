"""领导简报 as one view model: everything the briefing page shows for an area and a year, computed once.

The page renders it; the Word and HTML briefings (tracker.documents.briefing) are built from the same
object, so a number on the page and in the documents is the same number.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from tracker.core import assess, audit, codes, rounds, store
from tracker.core.catalogue import Catalogue
from tracker.core.clock import beijing_text, today
from tracker.core.i18n import t
from tracker.present import scorecard
from tracker.present.matrix import StatusMatrix, status_matrix
from tracker.queries import dashboard, findings, geography

LAGGING_K = 3  # "villages missing three or more targets": the count the briefing quotes, on the page and in documents
# the matrix's rows are one level below the area, but the cities for the whole country (a target is set for one
# province or city, so each province would have a row for its own province-wide targets alone)
MATRIX_LEVEL = {"nation": "city"}


@dataclass
class Overview:
    area: str
    area_name: str  # as stored: escape it where markdown or HTML reads it
    year: int
    lang: str
    loaded_at: str | None  # in Beijing time, as offices read times
    assessed_at: str | None
    demo: bool
    cards: list[scorecard.Card]  # every target with a result, worst first
    previous: dict[str, str]  # {target id: last year's status} of the cards
    lagging: pd.DataFrame  # villages missing LAGGING_K or more targets (assess.lagging_villages)
    sub_level: str  # the level of the matrix's sub-areas
    cells: pd.DataFrame  # the sub-areas × targets cells of the cards' targets (scorecard.cell_frame)
    matrix: StatusMatrix | None  # the matrix of those cells, None when there are none
    table: pd.DataFrame  # every card as a table row
    changes: pd.DataFrame  # every card beside the previous year (the Excel sheet)
    moved: pd.DataFrame  # those of `changes` whose verdict moved (the page lists these)
    reporting: tuple[int, int] = (0, 0)  # (counties that reported in the year, counties of the area)
    unreported: tuple[str, ...] = ()  # the names of those that have not
    review: dict[str, int] | None = None  # the year's 数据审核 findings in the area (queries.findings.summary)
    as_of: tuple[int, str] | None = None  # (the year read, the plan) when the year asked has no returns yet
    preliminary: str | None = None  # 初步数据（x/y 个县已审核通过） while the year's round is not signed off

    @property
    def as_of_note(self) -> str | None:
        """'2026年的报表尚未送达：以下为“十五五”时期目标截至2025年的数值。' when the cards are an earlier year's."""
        if self.as_of is None:
            return None
        return t("overview.as_of", self.lang, year=self.year, as_of=self.as_of[0], plan=self.as_of[1])

    @property
    def partial(self) -> str | None:
        """'2026 年已报 12/36 个县（市、区），未报：…' while a year's returns are still coming in, else None."""
        reported, counties = self.reporting
        if reported >= counties:
            return None
        return t("overview.partial", self.lang, year=self.year, reported=reported, n=counties,
                 names=scorecard.abbreviate(list(self.unreported), self.lang, 12, t("list.joiner", self.lang)))

    def summary(self, area_name: str | None = None) -> list[str]:
        """The sentences from the numbers (and, in a year still reporting, who has not); `area_name` to name the
        area otherwise (escaped for markdown)."""
        read = self.as_of[0] if self.as_of else self.year
        sentences = scorecard.summary_sentences(self.cards, self.previous, area_name or self.area_name, read,
                                                len(self.lagging), LAGGING_K, self.lang)
        if self.review and (self.review["findings"] or self.review["refused"]):
            sentences.append(t("overview.review", self.lang, year=read, **self.review))
        first = [t("round.year_preliminary", self.lang, year=read, note=self.preliminary)] if self.preliminary else []
        if self.as_of_note:
            first.insert(0, self.as_of_note)
        return first + sentences + ([self.partial] if self.partial else [])

    @property
    def headline(self) -> list[scorecard.Card]:
        """The cards the page leads with."""
        return scorecard.headline_cards(self.cards)

    def words(self) -> list[str]:
        """The columns of `table` and `changes` that hold words, not figures (the page sets them as text)."""
        return [t(f"table.col.{c}", self.lang) for c in ("region", "status", "note", "target_id")] + [
            t(f"changes.col.{c}", self.lang) for c in ("region", "status_before", "status_now")]

    @property
    def sheets(self) -> dict[str, pd.DataFrame]:
        """The tables as Excel sheets (the page's table download)."""
        found = {t("overview.sheet.targets", self.lang): self.table, t("overview.sheet.changes", self.lang): self.changes}
        if not self.cells.empty:
            found[t("overview.sheet.matrix", self.lang)] = scorecard.matrix_table(self.cells, self.lang)
        return found

    @property
    def file_name(self) -> str:
        """The name of the briefing's files, without the suffix."""
        return t("file.briefing", self.lang, name=self.area_name, year=self.year)


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str = "zh") -> Overview:
    """The briefing of an area (province, city or county code) in a year; ValueError for anything else."""
    place = geography.region(con, area, lang)
    if place is None or codes.area_level(area) not in codes.AREA_LEVELS:
        raise ValueError(f"{area}: not the whole country, a province, a city or a county in the store")
    regions = tuple(sorted(set(scorecard.card_regions(catalogue, area).values())))
    rows = dashboard.assessment_rows(con, regions=regions, years=(year - 1, year))
    cards = scorecard.cards(rows, catalogue, area, year, lang)
    as_of, asked = None, year
    running = next((p for p in catalogue.plans.values() if p.start_year <= year <= p.end_year), None)
    latest = dashboard.last_year(con)
    if not cards and running is not None and latest is not None and running.base_year <= latest < year:
        # a plan's year whose returns have not come: its targets as the latest year read them (the base year's
        # figures at first), said so on the page
        as_of = year = latest
        rows = dashboard.assessment_rows(con, regions=regions, years=(year - 1, year))
        cards = scorecard.cards(rows, catalogue, area, year, lang, plan=running.id)
    review = None
    if audit.has_findings(con):
        review = findings.summary(con, area, year)
        held = findings.held(con, area, year)
        for card in cards:  # a status resting on values still held back (not yet explained and accepted) says so
            measure = catalogue.targets[card.target_id].measure
            n = int(((held["measure_id"] == measure) & held["region_code"].str.startswith(card.region_code)).sum())
            if n:
                card.note = (card.note + t("list.separator", lang) if card.note else "") + t("card.held", lang, n=n)
    lagging = assess.lagging_villages(con, area, year, LAGGING_K)
    if as_of is not None:  # the villages lagging on the ended plan's targets are not this plan's
        lagging = lagging.iloc[0:0]
    level = MATRIX_LEVEL.get(codes.area_level(area)) or codes.below(area)
    cells = scorecard.cell_frame(dashboard.assessment_rows(con, level=level, area=area, years=(year,)), catalogue, lang,
                                 in_period=as_of is None)
    cells = cells[cells["target_id"].isin({c.target_id for c in cards})].reset_index(drop=True)
    matrix = None
    if not cells.empty:
        titles = set(cells["target"])
        sub_areas = cells.drop_duplicates("region_code").sort_values("region_code")["region"].tolist()
        matrix = status_matrix(cells, "target", "region", [c.title for c in cards if c.title in titles],
                               sub_areas, t("overview.matrix_title", lang, area=place["name"], year=year), lang)
    dates = dashboard.data_dates(con)
    reported, counties, unreported = dashboard.reporting_counties(con, area, year)
    return Overview(area, place["name"], asked, lang, beijing_text(dates["loaded_at"], lang),
                    beijing_text(dates["assessed_at"], lang), store.is_demo(con),
                    cards, scorecard.previous_statuses(rows, cards, year), lagging, level, cells, matrix,
                    scorecard.card_table(cards, lang), scorecard.changes(rows, catalogue, cards, year, lang),
                    scorecard.changes(rows, catalogue, cards, year, lang, moved_only=True),
                    (reported, counties), tuple(unreported), review,
                    (as_of, running.name(lang)) if as_of is not None else None,
                    rounds.preliminary(rounds.states(con, year, area, today()), lang))
