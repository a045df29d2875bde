"""数据审核 as one view model: the findings of an area and year, by county and rule, and each one's detail."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from tracker.core import audit
from tracker.core.catalogue import Catalogue
from tracker.core.clock import beijing_column
from tracker.core.i18n import t
from tracker.core.numbers import number
from tracker.present.scorecard import clean
from tracker.queries import findings, geography

# what the page filters by, and counts in its header (one definition, so the header is the table): the states a
# finding can be in and its severities, grouped as a reviewer reads them — an open note (提示) asks for nothing
SHOWN = {"waiting": (("open", "returned"), ("error", "verify")), "notes": (("open", "returned"), ("note",)),
         "explained": (("explained",), None), "to_correct": (("to_correct",), None), "accepted": (("accepted",), None),
         "closed": (("closed", "rejected"), None), "all": (audit.STATES, None)}
COUNTED = ("waiting", "notes", "explained", "to_correct", "accepted", "closed")  # the header's numbers


def shown_counts(counts: pd.DataFrame) -> dict[str, int]:
    """How many findings each of SHOWN's groups holds (findings.counts rows)."""
    def n(states: tuple[str, ...], severities: tuple[str, ...] | None) -> int:
        kept = counts["state"].isin(states) & (counts["severity"].isin(severities) if severities else True)
        return int(counts.loc[kept, "n"].sum())
    return {key: n(*SHOWN[key]) for key in SHOWN}


@dataclass
class Audit:
    area_name: str
    year: int
    lang: str
    summary: dict[str, int]  # findings.summary: all, explained or accepted, to correct, waiting, refused
    by_county: pd.DataFrame  # counties × rules: the findings still open
    rows: pd.DataFrame  # the findings shown (findings.findings, with the message in `lang`)
    rule_names: dict[str, str]  # rule id → its message's first words
    shown_counts: dict[str, int]  # each of SHOWN's groups: what the header counts and the table lists

    @property
    def table(self) -> pd.DataFrame:
        """The findings as the page's table and the Excel a county answers (编号 first, 说明 last)."""
        lang = self.lang
        frame = pd.DataFrame({
            t("audit.col.id", lang): self.rows["finding_id"],
            t("audit.col.county", lang): self.rows["county"], t("audit.col.unit", lang): self.rows["region_name"],
            t("audit.col.code", lang): self.rows["region_code"], t("audit.col.year", lang): self.rows["year"],
            t("audit.col.rule", lang): self.rows["rule_id"].map(self.rule_names),
            t("audit.col.severity", lang): [t(f"audit.severity.{s}", lang) for s in self.rows["severity"]],
            t("audit.col.state", lang): [t(f"audit.state.{s}", lang) for s in self.rows["state"]],
            t("audit.col.message", lang): self.rows["message"],
            t("audit.col.note", lang): self.rows["note"].fillna("")})
        return frame

    @property
    def file_name(self) -> str:
        return t("file.audit", self.lang, name=self.area_name, year=self.year)


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, year: int, lang: str, shown: str = "waiting",
          rule: str | None = None) -> Audit:
    """The findings of an area's returns for a year: counts by county and rule, and those in `shown` states
    (none for a store from before the audit, until its next write adds the tables)."""
    if not audit.has_findings(con):
        empty = dict.fromkeys(("findings", "explained", "to_correct", "waiting", "refused"), 0)
        return Audit(geography.region(con, area, lang)["name"], year, lang, empty, pd.DataFrame(),
                     pd.DataFrame(columns=["finding_id", "county", "region_name", "region_code", "year", "rule_id",
                                           "severity", "state", "message", "note"]), {}, dict.fromkeys(SHOWN, 0))
    states, severities = SHOWN.get(shown, SHOWN["waiting"])
    rows = findings.findings(con, area, year, states, rule, severities)
    rows["message"] = [audit.message(catalogue, r, lang) for r in rows.to_dict("records")]
    counts = findings.counts(con, area, year)
    waiting = counts[counts["state"].isin(audit.OPEN)]
    names = {r.id: r.title(lang) for r in catalogue.audit.values()}
    # in the order of their codes, as the offices list counties
    by_county = waiting.pivot_table(index=["county_code", "county"], columns="rule_id", values="n", aggfunc="sum",
                                    fill_value=0).droplevel(0) if not waiting.empty else pd.DataFrame()
    by_county = by_county.rename(columns=names)
    by_county.columns.name = None
    if not by_county.empty:
        by_county.index.name = t("audit.col.county", lang)
    return Audit(geography.region(con, area, lang)["name"], year, lang, findings.summary(con, area, year), by_county, rows,
                 names, shown_counts(counts))


def detail(catalogue: Catalogue, row: dict, lang: str, median: float | None = None) -> dict[str, str]:
    """A finding's parts in words: the value, last year's, what it was compared with, the township's median
    (queries.findings.township_median), the file cell."""
    row = clean(row)
    measure = catalogue.measures.get(row["measure_id"])
    unit = measure.value_unit(lang) if measure else ""
    where = " · ".join(str(x) for x in (row.get("source_name"), row.get("sheet"),
                                         t("reject.row_ref", lang, row=int(row["row_number"]))
                                         if row.get("row_number") is not None else None, row.get("column_name")) if x)
    return {t("audit.detail.measure", lang): measure.name(lang) if measure else row["measure_id"],
            t("audit.detail.value", lang): number(row.get("value"), unit, lang),
            t("audit.detail.before", lang): number(row.get("before"), unit, lang),
            t("audit.detail.compare", lang): number(row.get("compare"), unit, lang),
            t("audit.detail.median", lang): number(median, unit, lang),
            t("audit.detail.where", lang): where or "—"}


def rules_table(catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """The catalogue's rules as the page lists them: each by the name the findings give it, its severity, what it says
    to the clerk, why it has its severity, and its id in the catalogue (for whoever edits it)."""
    rules = list(catalogue.audit.values())
    return pd.DataFrame({
        t("audit.col.rule", lang): [r.title(lang) for r in rules],
        t("audit.col.severity", lang): [t(f"audit.severity.{r.severity}", lang) for r in rules],
        t("audit.col.message", lang): [r.message(lang) for r in rules],
        t("audit.rules.why", lang): [r.why(lang) for r in rules],
        t("audit.col.rule_id", lang): [r.id for r in rules]})


def answers(frame: pd.DataFrame, open_ids: set[int], may_answer, lang: str) -> list[tuple[int, str]]:
    """(finding id, 说明) of an answered findings workbook: the lines with an explanation whose finding is among
    `open_ids` and that `may_answer(finding id)` allows; ValueError naming the columns it needs."""
    id_col, note_col = t("audit.col.id", lang), t("audit.col.note", lang)
    if id_col not in frame or note_col not in frame:
        raise ValueError(t("audit.answer_columns", lang, id=id_col, note=note_col))
    found = []
    for raw_id, raw_note in zip(frame[id_col], frame[note_col]):
        text_id, note = str(raw_id).strip().removesuffix(".0"), "" if pd.isna(raw_note) else str(raw_note).strip()
        if text_id.isdigit() and note and int(text_id) in open_ids and may_answer(int(text_id)):
            found.append((int(text_id), note))
    too_long = [str(i) for i, note in found if len(note) > audit.MAX_NOTE]
    if too_long:
        raise ValueError(t("audit.answer_note_too_long", lang, ids=t("list.joiner", lang).join(too_long[:10]),
                           most=f"{audit.MAX_NOTE:,}"))
    return found


def history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A finding's actions as the page shows them: when, who (the system for a later return), what, state after."""
    if history.empty:
        return history
    return pd.DataFrame({
        t("audit.history.acted_at", lang): beijing_column(history["acted_at"]),
        t("audit.history.user_name", lang): history["user_name"].fillna(t("audit.system", lang)),
        t("audit.history.action", lang): [t(f"audit.action.{a}", lang) for a in history["action"]],
        t("audit.history.state", lang): [t(f"audit.state.{s}", lang) for s in history["state"]],
        t("audit.history.note", lang): history["note"].fillna("")})
