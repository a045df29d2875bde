"""村庄档案 as one view model: targets by year with the township's and county's figures beside the village's,
the measures over time, and where each value came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tracker.core import audit, codes
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.numbers import plain
from tracker.core.status import STATUS_CLASS
from tracker.present import charts, scorecard
from tracker.present.matrix import StatusMatrix, status_matrix
from tracker.present.scorecard import cell_frame
from tracker.queries import dashboard, findings, geography


@dataclass
class Profile:
    table: pd.DataFrame  # the year's targets: status, value, target, township and county figures
    cells: pd.DataFrame  # the village's cells, every year (cell_frame + year_text)
    targets: list[str]  # target titles in catalogue order
    years: list[str]
    counts: dict[str, int]  # in_scope, missed, behind (not yet met before the deadline), no_data in the year


def option_labels(found: pd.DataFrame) -> dict[str, str]:
    """'余家村委会 · 丽阳镇 · 昌江区 · 360202102200' for each search result."""
    return {r.code: f"{r.name} · {r.township} · {r.county} · {r.code}" for r in found.itertuples()}


def profile(rows: pd.DataFrame, catalogue: Catalogue, code: str, year: int, lang: str = "zh") -> Profile:
    """The village's targets (rows from tracker.queries.dashboard.village_rows) shaped for the page."""
    cells = cell_frame(rows, catalogue, lang, in_period=False)
    assessed = set(rows.loc[(rows["region_code"] == code) & rows["in_period"], "target_id"])  # not later plans' examples
    mine = cells[(cells["region_code"] == code) & cells["target_id"].isin(assessed)].copy()
    mine["year_text"] = mine["year"].astype(str)
    order = [tid for tid in catalogue.targets if tid in set(mine["target_id"])]
    titles = [catalogue.targets[tid].name(lang) for tid in order]
    # the year's table has the targets in their plan's period that year, as the counts do (a 2018-2020
    # target is in the village's history, not in its 2025 table)
    in_year = set(rows.loc[(rows["region_code"] == code) & (rows["year"] == year) & rows["in_period"], "target_id"])
    now = mine[(mine["year"] == year) & mine["target_id"].isin(in_year)]
    now = now.set_index("target_id").reindex([tid for tid in order if tid in set(now["target_id"])])
    beside = cells[(cells["year"] == year) & (cells["region_code"] != code)]
    beside = beside.assign(text=[f"{text}{t('village.share_met', lang)}" if kind == "share_met" else text
                                 for text, kind in zip(beside["text"], beside["kind"])])
    township = beside[beside["region_code"].str.len() == codes.CODE_LENGTH["township"]].set_index("target_id")["text"]
    county = beside[beside["region_code"].str.len() == codes.CODE_LENGTH["county"]].set_index("target_id")["text"]
    scoped = rows[(rows["region_code"] == code) & (rows["year"] == year) & rows["in_period"]]
    table = pd.DataFrame({
        "target": now["target"], "status": now["status_label"], "value": now["text"], "target_value": now["target_text"],
        "township": township.reindex(now.index).fillna("—"), "county": county.reindex(now.index).fillna("—"),
    }).reset_index(drop=True)
    table = table.rename(columns={c: t(f"village.col.{c}", lang) for c in table.columns})
    scoped = scoped[~scoped["status"].isin(["contribution", "monitored"])]
    # counted as the table says them: 未达标 is the status missed; before the deadline a target not yet met
    # (needs acceleration, limited, deteriorating, not yet done) is behind, not missed
    classes = scoped["status"].map(STATUS_CLASS)
    counts = {"in_scope": len(scoped), "missed": int((scoped["status"] == "missed").sum()),
              "behind": int((classes.isin(("bad", "watch")) & (scoped["status"] != "missed")).sum()),
              "no_data": int((scoped["status"] == "no_data").sum())}
    years = sorted(mine["year_text"].unique())
    return Profile(table, mine, titles, years, counts)


def comparable(rows: pd.DataFrame, catalogue: Catalogue, target_id: str, code: str, lang: str = "zh") -> pd.DataFrame:
    """The village's rows of one target, plus its township's and county's where their figure is in the
    same unit as the village's (a mean rate beside a rate; not a share of villages beside a yes/no)."""
    mine = rows[rows["target_id"] == target_id]
    cells = cell_frame(mine, catalogue, lang, in_period=False)
    units = cells.groupby("region_code")["unit"].first()
    same = [c for c in units.index if units[c] == units.get(code)]
    return mine[mine["region_code"].isin(same)]


def measure_table(values: pd.DataFrame, catalogue: Catalogue, lang: str = "zh",
                  held: frozenset[tuple[str, int]] = frozenset()) -> pd.DataFrame:
    """Every measure recorded for the village, a column per year; a value a 数据审核 finding holds back (not
    counted until explained and accepted) is marked ⚠."""
    def name(mid: str) -> str:
        m = catalogue.measures.get(mid)
        if m is None:
            return mid
        return t("measure.with_unit", lang, name=m.name(lang), unit=m.unit_in(lang))

    def text(mid: str, value: float) -> str:  # yes/no in words, numbers rounded as everywhere else
        m = catalogue.measures.get(mid)
        if m is not None and m.type == "bool":
            return t("figure.yes" if value >= 0.5 else "figure.no", lang)
        return plain(value)

    shown = values.assign(measure=values["measure_id"].map(name),
                          text=[text(mid, v) + (" ⚠" if (mid, int(y)) in held else "")
                                for mid, v, y in zip(values["measure_id"], values["value"], values["year"])])
    table = shown.pivot_table(index="measure", columns="year", values="text", aggfunc="first", sort=False).fillna("—")
    table.columns = [str(c) for c in table.columns]
    return table.reset_index().rename(columns={"measure": t("village.col.measure", lang)})


def source_table(values: pd.DataFrame, catalogue: Catalogue, lang: str = "zh") -> pd.DataFrame:
    """Each current value with its batch, file, sheet, row and column."""
    table = values.assign(measure_id=values["measure_id"].map(
        lambda mid: (catalogue.measures[mid].name(lang))
        if mid in catalogue.measures else mid))
    table = table.assign(sheet=table["sheet"].fillna("—"))  # a CSV has no sheet
    columns = ["measure_id", "year", "value", "batch_id", "source_name", "sheet", "row_number", "column_name"]
    return table[columns].rename(columns={c: t(f"data.col.{c}", lang) for c in columns})


@dataclass
class Village:
    """Everything the page shows of one village in a year."""

    code: str
    name: str  # as stored: escape it where markdown reads it
    township: str
    county: str
    kind: str
    year: int
    lang: str
    profile: Profile
    matrix: StatusMatrix | None  # the village's statuses, targets × years
    titles: dict[str, str]  # {target id: title} of the targets it is assessed on
    target_id: str | None  # the target whose course is drawn
    course: dict | None  # that target's chart: the village, its township and county where comparable
    measures: pd.DataFrame
    sources: pd.DataFrame
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)  # the village's 数据审核 findings, with their 说明

    @property
    def sheets(self) -> dict[str, pd.DataFrame]:
        return {t("village.sheet.targets", self.lang): self.profile.table,
                t("village.sheet.measures", self.lang): self.measures,
                t("village.sheet.sources", self.lang): self.sources}

    @property
    def flag_words(self) -> list[str]:
        """The findings table's text columns (the rest: its measure, which names the row, and the year)."""
        return [t(f"audit.col.{c}", self.lang) for c in ("message", "state", "note")]


def build(con, catalogue: Catalogue, code: str, year: int, lang: str = "zh", target_id: str | None = None) -> Village | None:
    """The profile of village `code` (None when the store, or the reader's scope, has no such village)."""
    place = geography.region(con, code)
    if place is None or place["level"] != "village":
        return None
    parents = geography.names(con, (place["township_code"], place["county_code"]))
    rows = dashboard.village_rows(con, code)
    found = profile(rows, catalogue, code, year, lang)
    matrix = status_matrix(found.cells, "target", "year_text", found.targets, found.years,
                           t("village.matrix_title", lang, name=place["name"]), lang) \
        if not found.table.empty else None
    titles = dict(zip(found.cells["target_id"], found.cells["target"]))
    course = None
    if titles:
        target_id = target_id if target_id in titles else next(iter(titles))
        lines = scorecard.trend(comparable(rows, catalogue, target_id, code, lang), catalogue, target_id, code, lang)
        course = charts.trend(lines.lines, t("village.chart_title", lang, name=place["name"], target=titles[target_id]),
                              lines.unit, lines.target, catalogue.targets[target_id].deadline, lines.benchmark,
                              lines.required, lang)
    else:
        target_id = None
    values = dashboard.village_values(con, code)
    flagged = findings.held_values(con, code) if audit.has_findings(con) else pd.DataFrame()
    held = frozenset((m, int(y)) for m, y, s in zip(flagged.get("measure_id", []), flagged.get("year", []),
                                                    flagged.get("state", [])) if s in audit.OPEN)
    return Village(code, place["name"], parents.get(place["township_code"], "—"), parents.get(place["county_code"], "—"),
                   place["kind"], year, lang, found, matrix, titles, target_id, course,
                   measure_table(values, catalogue, lang, held) if not values.empty else pd.DataFrame(),
                   source_table(values, catalogue, lang) if not values.empty else pd.DataFrame(),
                   flag_table(flagged, catalogue, lang))


def flag_table(flagged: pd.DataFrame, catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """The village's findings: measure, year, the message, its state and the 说明 given."""
    if flagged.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        t("village.col.measure", lang): [catalogue.measures[m].name(lang) if m in catalogue.measures else m
                                         for m in flagged["measure_id"]],
        t("audit.col.year", lang): flagged["year"],
        t("audit.col.message", lang): [audit.message(catalogue, r, lang) for r in flagged.to_dict("records")],
        t("audit.col.state", lang): [t(f"audit.state.{s}", lang) for s in flagged["state"]],
        t("audit.col.note", lang): flagged["note"].fillna("")})
