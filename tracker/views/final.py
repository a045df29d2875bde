"""终期评估 as one view model: a plan period whole, for an area (province, city or county).

Every target of the plan that concerns the area, with its base-year value, each year's value, the final
value against the target, 完成情况 (达到 / 未达到 / 无数据), the progress from the base toward the target,
the year first met and the clause it comes from; the counts; by theme; the targets not achieved, where and
how far; for a city or province its counties ranked by targets achieved and a counties × targets table.
Every figure is read from the assessment (each region's verdict under its target's declared reading), once.

A target is judged in its final year: the deadline, or the plan's last year for a target assessed every year
(then the years it was met are counted too). A plan still running (the 15th, from 2026) shows each target's
latest status and the yearly path required from its base to the target by the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from tracker.core import audit, codes, numbers, rounds, store
from tracker.core.catalogue import Catalogue, Plan, Target
from tracker.core.clock import beijing_text, today
from tracker.core.i18n import t
from tracker.core.progress import required_path
from tracker.core.status import label as status_label
from tracker.present import scorecard, why
from tracker.queries import dashboard, findings, geography

OUTCOMES = ("achieved", "achieved_late", "missed", "no_data", "in_progress", "monitored")  # in the order counts are said
# 完成情况 from the assessment's status in the year read: the same verdict the briefing and every page show
STATUS_OUTCOME = {"met": "achieved", "met_on_time": "achieved", "met_late": "achieved_late", "missed": "missed"}
MOST_VILLAGES = 5  # villages named behind each missed target
PROJECTED = ("projected_value", "projected_low", "projected_high", "projected_year", "chance_met")
CSV_COLUMNS = ("target_id", "target", "region_code", "base_year", "base_value", "final_year", "final_value", "target_value",
               "achieved", "year_met_late", "first_year_met", "years_met", "progress_pct", "status", *PROJECTED,
               "document", "clause")


@dataclass
class Result:
    """One target's line in the final assessment."""

    target: Target
    title: str
    region_code: str  # the region the target is judged for (the area, or its jurisdiction inside the area)
    region_name: str
    final_year: int  # the year it is judged in
    outcome: str  # one of OUTCOMES
    status: str | None  # the assessment's status in the final year
    met_late_year: int | None  # the year a target met late was met
    outlook: str | None  # a running target: where its course leads at the recent pace
    projection: dict  # projected_value, projected_low, projected_high, projected_year, chance_met (running targets)
    base: float | None
    base_text: str
    values: dict[int, str]  # year → the figure as text, from the base year
    final: float | None
    final_text: str
    target_value: float | None
    target_text: str
    note: str  # the other figure beside the verdict ("14/16 个村达标")
    gap: str | None
    progress: float | None  # percent of the way from the base to the target
    first_met: int | None  # the first year of the plan it was met
    years_met: tuple[int, int] | None  # targets assessed every year: (years met, years assessed)
    clause: str

    def outcome_text(self, lang: str) -> str:
        """完成情况 in words: the status's own words once judged (逾期达标（2022年）), as every page says it."""
        if self.outcome in ("achieved", "achieved_late", "missed"):
            return status_label(self.status, lang, self.met_late_year)
        return t(f"final.outcome.{self.outcome}", lang)


@dataclass
class Final:
    area: str
    area_name: str
    plan: Plan
    lang: str
    demo: bool
    loaded_at: str | None
    assessed_at: str | None
    last_year: int | None  # the latest year with results for the plan's targets
    reporting: tuple[int, int] | None  # (counties that reported, counties) in the last year
    results: list[Result]
    sub_level: str | None  # the level ranked below the area (counties), None for a county
    ranking: pd.DataFrame  # sub-areas ranked by targets achieved
    appendix: pd.DataFrame  # sub-areas × targets: 完成情况 in words
    missed: pd.DataFrame  # the targets not achieved: where and how far, the villages behind them
    paths: pd.DataFrame  # a running plan: each target's required value year by year
    preliminary: str | None = None  # 初步数据（x/y 个县已审核通过） while the last year's round is not signed off
    held: tuple[int, int] = (0, 0)  # the last year's values held for 核实 and refused at load, neither counted

    @property
    def ended(self) -> bool:
        """Whether the plan's last year has data (its final assessment can be written)."""
        return self.last_year is not None and self.last_year >= self.plan.end_year

    @property
    def counts(self) -> dict[str, int]:
        return {o: sum(r.outcome == o for r in self.results) for o in OUTCOMES}

    @property
    def final_column(self) -> str:
        """The heading of the figure judged: 终期值 once the plan has ended, else the latest value."""
        return t("final.col.final", self.lang) if self.ended else t("final.col.latest", self.lang)

    @property
    def kind(self) -> str:
        """final (终期评估) once the plan's last year has data; midterm (中期评估) when the data reach its middle year;
        else progress (进展情况): a plan still running is never called a final assessment."""
        if self.ended:
            return "final"
        middle = (self.plan.start_year + self.plan.end_year) // 2
        return "midterm" if self.last_year == middle else "progress"

    @property
    def title(self) -> str:
        return t(f"final.title.{self.kind}", self.lang, area=self.area_name, plan=self.plan.name(self.lang),
                 year=self.last_year or "—")

    @property
    def file_name(self) -> str:
        return t(f"file.final.{self.kind}", self.lang, name=self.area_name,
                 plan=f"{self.plan.start_year}-{self.plan.end_year}")  # the plan's years, in either language

    def appendices(self) -> list[tuple[str, str]]:
        """The 附表 the report has, numbered in order: (which, its title) of yearly, units and paths."""
        found = [("yearly", "final.appendix.yearly", {})]
        if self.sub_level and not self.appendix.empty:
            found.append(("units", "final.appendix.units", {"units": t(f"level.{self.sub_level}", self.lang)}))
        if not self.paths.empty:
            found.append(("paths", "final.appendix.paths", {}))
        return [(which, t(key, self.lang, n=i, **values)) for i, (which, key, values) in enumerate(found, start=1)]

    def summary(self) -> list[str]:
        """一、总体情况: sentences from the numbers."""
        lang, counts = self.lang, self.counts
        judged = [r for r in self.results if r.outcome != "monitored"]
        if not judged:
            return [t("final.summary.none", lang, area=self.area_name, plan=self.plan.name(lang))]
        parts = [t(f"final.count.{o}", lang, n=counts[o]) for o in OUTCOMES[1:] if counts[o]]
        sentences = [t("final.summary.counts", lang, area=self.area_name, plan=self.plan.name(lang), n=len(judged),
                       achieved=counts["achieved"], rest=(t("summary.joiner", lang).join(parts)))]
        if self.preliminary:
            sentences.insert(0, t("round.year_preliminary", lang, year=self.last_year, note=self.preliminary))
        if self.reporting and self.reporting[0] < self.reporting[1]:
            sentences.append(t("final.summary.reporting", lang, year=self.last_year, reported=self.reporting[0],
                               n=self.reporting[1]))
        if any(self.held):
            sentences.append(t("final.summary.held", lang, year=self.last_year, held=self.held[0],
                               refused=self.held[1]))
        headline = [r for r in judged if r.target.headline]
        if headline:
            done = [r.title for r in headline if r.outcome in ("achieved", "achieved_late")]
            sentences.append(t("final.summary.headline", lang, n=len(headline), achieved=len(done)))
        ranked = self.ranking[self.ranking["assessed"] > 0] if not self.ranking.empty else self.ranking
        if len(ranked) > 1:
            best, worst = ranked.iloc[0], ranked.iloc[-1]
            sentences.append(t("final.summary.ranking", lang, units=t(f"level.{self.sub_level}", lang),
                               best=best["name"], best_n=int(best["achieved"]), best_of=int(best["assessed"]),
                               worst=worst["name"], worst_n=int(worst["achieved"]), worst_of=int(worst["assessed"])))
        if counts["monitored"]:
            sentences.append(t("final.summary.monitored", lang, n=counts["monitored"]))
        return sentences

    def by_theme(self, catalogue: Catalogue) -> list[tuple[str, str]]:
        """三、分领域情况: (theme, a sentence) per theme with targets."""
        lang, found = self.lang, []
        for theme_id, theme in catalogue.themes.items():
            mine = [r for r in self.results if r.target.theme == theme_id and r.outcome != "monitored"]
            if not mine:
                continue
            missed = [r.title for r in mine if r.outcome == "missed"]
            sentence = t("final.theme", lang, n=len(mine),
                         achieved=sum(r.outcome in ("achieved", "achieved_late") for r in mine))
            if missed:
                sentence += t("final.theme_missed", lang, targets=t("list.joiner", lang).join(missed))
            found.append((theme.name(lang), sentence))
        return found

    @property
    def no_problems(self) -> str:
        """What 四、存在的问题 says when no target was missed (a running plan: none missed so far)."""
        return t("final.no_problems" if self.ended else "final.no_problems_yet", self.lang)

    def problems(self) -> list[str]:
        """四、存在的问题: each target not achieved, where and how far, and the villages behind it."""
        lang, found = self.lang, []
        for row in self.missed.to_dict("records"):
            sentence = t("final.problem", lang, title=row["title"], value=row["final"], target=row["target"],
                         gap=row["gap"] or "—", year=row["year"])
            if row["units_missed"]:
                sentence += t("final.problem_units", lang, n=row["units_missed"], of=row["units"],
                              units=t(f"level.{self.sub_level}", lang), names=row["where"])
            if row["villages"]:
                sentence += t("final.problem_villages", lang, n=row["villages"], names=row["village_names"])
            found.append(sentence)
        return found

    def table(self) -> pd.DataFrame:
        """二、主要目标完成情况: a row per target (the page's table and the documents')."""
        lang = self.lang
        years = sorted({y for r in self.results for y in r.values if y > self.plan.base_year})
        rows = []
        for r in self.results:
            row = {t("final.col.target", lang): r.title + ("" if r.region_code == self.area else f"（{r.region_name}）"),
                   t("final.col.base", lang, year=self.plan.base_year): r.base_text}
            row.update({str(y): r.values.get(y, "") for y in years})
            row.update({self.final_column: r.final_text, t("final.col.target_value", lang): r.target_text,
                        t("final.col.outcome", lang): r.outcome_text(lang),
                        t("final.col.progress", lang): "" if r.progress is None else f"{r.progress:.0f}%",
                        t("final.col.first_met", lang): str(r.first_met or ""),
                        t("final.col.note", lang): t("list.separator", lang).join(
                            part for part in (r.note, t("final.years_met", lang, met=r.years_met[0], n=r.years_met[1])
                                              if r.years_met else "") if part),
                        t("final.col.clause", lang): r.clause})
            if not self.ended:
                row[t("table.col.outlook", lang)] = r.outlook or ""
            rows.append(row)
        return pd.DataFrame(rows)

    def csv_frame(self) -> pd.DataFrame:
        """The machine-readable table: a row per target (python -m tracker final --out FILE.csv)."""
        frame = pd.DataFrame(columns=CSV_COLUMNS, data=[{
            "target_id": r.target.id, "target": r.title, "region_code": r.region_code, "base_year": r.target.base_year,
            "base_value": r.base, "final_year": r.final_year, "final_value": r.final, "target_value": r.target_value,
            "achieved": {"achieved": "yes", "achieved_late": "late", "missed": "no"}.get(r.outcome, r.outcome),
            "year_met_late": r.met_late_year,
            "first_year_met": r.first_met, "years_met": f"{r.years_met[0]}/{r.years_met[1]}" if r.years_met else None,
            "progress_pct": None if r.progress is None else round(r.progress, 1), "status": r.status,
            **{k: r.projection.get(k) for k in PROJECTED},
            "document": r.target.source.document if r.target.source else None,
            "clause": r.target.source.clause if r.target.source else None} for r in self.results])
        for column in ("first_year_met", "year_met_late", "projected_year"):  # years, not 2022.0
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        return frame

    def csv_columns(self) -> pd.DataFrame:
        """What each column of the CSV means and the values it takes, in the reader's language (the CSV keeps the
        names scripts read)."""
        return pd.DataFrame({t("final.csv.column", self.lang): CSV_COLUMNS,
                             t("final.csv.meaning", self.lang): [t(f"final.csv.{c}", self.lang) for c in CSV_COLUMNS]})

    @property
    def sheets(self) -> dict[str, pd.DataFrame]:
        """The tables as Excel sheets, and what the CSV's columns mean."""
        found = {t("final.sheet.targets", self.lang): self.table()}
        if not self.ranking.empty:
            found[t("final.sheet.ranking", self.lang)] = self.ranking_table()
            found[t("final.sheet.appendix", self.lang)] = self.appendix
        if not self.paths.empty:
            found[t("final.sheet.paths", self.lang)] = self.paths
        found[t("final.sheet.csv_columns", self.lang)] = self.csv_columns()
        return found

    def ranking_words(self) -> list[str]:
        """The columns of ranking_table() that hold words, not figures (the page sets them as text: left, wrapped)."""
        if self.sub_level is None:
            return []
        return [t(f"level.{self.sub_level}", self.lang), t("final.col.missed_targets", self.lang)]

    def ranking_table(self) -> pd.DataFrame:
        lang = self.lang
        return pd.DataFrame({
            t("final.col.rank", lang): range(1, len(self.ranking) + 1),
            t(f"level.{self.sub_level}", lang): self.ranking["name"],
            t("final.col.achieved", lang): [f"{a}/{n}" for a, n in zip(self.ranking["achieved"], self.ranking["assessed"])],
            t("final.col.missed_targets", lang): self.ranking["missed_targets"],
            t("final.col.no_data", lang): self.ranking["no_data"]})


def default_plan(catalogue: Catalogue, last_year: int | None) -> str:
    """The plan a final assessment opens on: the latest that has ended by the data's last year, else the
    first that has begun (by the catalogue's years only)."""
    plans = sorted(catalogue.plans.values(), key=lambda p: p.end_year)
    ended = [p for p in plans if last_year is not None and p.end_year <= last_year]
    return (ended[-1] if ended else plans[0]).id


def plan_choice(catalogue: Catalogue, requested: str | None, last_year: int | None) -> str:
    """The plan asked for when the catalogue has it, else the default."""
    return requested if requested in catalogue.plans else default_plan(catalogue, last_year)


def final_year(target: Target, plan: Plan) -> int:
    """The year a target is judged in for the plan's final assessment."""
    return plan.end_year if target.every_year else target.deadline


def read_years(target: Target, plan: Plan, last: int) -> range:
    """The years whose latest row a target's line reads once it is due: from its final year to the plan's last
    year with data (a dated target keeps the verdict of its deadline after it, or is met late, with the year)."""
    return range(final_year(target, plan), min(plan.end_year, last) + 1)


def _outcome(target: Target, row: dict | None, year: int, judged_in: int) -> str:
    if target.monitored:
        return "monitored"
    if year < judged_in:
        return "in_progress"
    if row is None:
        return "no_data"
    return STATUS_OUTCOME.get(row["status"], "no_data")


def _progress(fig_base: scorecard.Figure | None, fig: scorecard.Figure) -> float | None:
    """Percent of the way from the base-year figure to the target (None for growth comparisons, yes/no
    figures, or a base already at the target)."""
    if fig_base is None or fig_base.value is None or fig.value is None or fig.target is None:
        return None
    if fig.kind in ("growth", "done", "monitor") or fig.op not in (">=", ">", "<=", "<"):
        return None
    span = fig.target - fig_base.value
    if span == 0 or (span < 0) == (fig.op in (">=", ">")):
        return None  # the base already meets it
    return min(100.0, 100.0 * (fig.value - fig_base.value) / span)  # at the target is the whole way


def _clause(catalogue: Catalogue, target: Target, lang: str) -> str:
    if target.source is None:
        return t("final.example", lang)
    return f"{catalogue.documents[target.source.document].name(lang)} {target.source.clause}"


def _result(catalogue: Catalogue, target: Target, plan: Plan, rows: pd.DataFrame, region_name: str, last: int,
            lang: str) -> Result | None:
    """A target's line; `last` is the latest year with results at all (a target due later is in progress; one
    whose data stop before its year has no data for it)."""
    measure = catalogue.measures[target.measure]
    by_year = {int(r["year"]): scorecard.clean(r) for r in rows.to_dict("records")}
    if not by_year:
        return None
    judged_in = final_year(target, plan)
    year = min(judged_in, last)
    if year < judged_in:  # still running: the latest figure so far
        year = max((y for y in by_year if y <= year), default=year)
    else:  # due: the latest verdict up to the plan's last year
        year = max((y for y in by_year if y in read_years(target, plan, last)), default=year)
    row = by_year.get(year)
    figures = {y: scorecard.figure(r, target, measure, lang) for y, r in by_year.items()}
    fig = figures.get(year) or scorecard.Figure(None, None, "", "value", None)
    base_fig = figures.get(target.base_year)
    in_plan = [y for y in sorted(by_year) if target.base_year < y <= min(plan.end_year, year)
               and plan.start_year <= y]
    met_years = [y for y in in_plan if by_year[y]["met"] is True]
    judged_years = [y for y in in_plan if by_year[y]["met"] is not None]
    region = rows["region_code"].iloc[0]
    return Result(
        target=target, title=target.name(lang), region_code=region, region_name=region_name, final_year=year,
        outcome=_outcome(target, row, min(judged_in, last), judged_in), status=row["status"] if row else None,
        met_late_year=row.get("met_late_year") if row else None,
        outlook=why.projection_sentence(row, target, measure, lang) if row and year < judged_in else None,
        projection={k: row.get(k) for k in PROJECTED} if row and year < judged_in else {},
        base=base_fig.value if base_fig else None,
        base_text=numbers.number(base_fig.value, base_fig.unit, lang) if base_fig else "—",
        values={y: numbers.number(f.value, f.unit, lang) for y, f in figures.items() if y <= plan.end_year},
        final=fig.value, final_text=numbers.number(fig.value, fig.unit, lang),
        target_value=fig.target, target_text=scorecard.target_text(fig, lang) if not target.monitored else "—",
        note=fig.note, gap=scorecard.gap_text(fig, lang), progress=_progress(base_fig, fig),
        first_met=met_years[0] if met_years else None,
        years_met=(len(met_years), len(judged_years)) if target.every_year and judged_years else None,
        clause=_clause(catalogue, target, lang))


def _sub_outcomes(con: duckdb.DuckDBPyConnection, plan: Plan, area: str, level: str, targets: list[Target],
                  last: int) -> pd.DataFrame:
    """code, name, target_id, outcome of every sub-area of `level` for the plan's targets, in their final year
    (a sub-area with no row that year has no data for it)."""
    ids = {tg.id: tg for tg in targets}
    rows = dashboard.assessment_rows(con, level=level, area=area)
    rows = rows[rows["target_id"].isin(ids) & (rows["status"] != "contribution")]
    if rows.empty:
        return pd.DataFrame(columns=["code", "name", "target_id", "outcome", "status", "met_late_year"])
    # a target still running is read in the latest year; one due, in the latest of its years read (read_years)
    due = {tid: read_years(tg, plan, last) for tid, tg in ids.items()}
    rows = rows[[y in due[tid] if len(due[tid]) else y == last for tid, y in zip(rows["target_id"], rows["year"])]]
    rows = rows.sort_values("year").drop_duplicates(["target_id", "region_code"], keep="last")
    records = [scorecard.clean(x) for x in rows.to_dict("records")]
    return pd.DataFrame({
        "code": rows["region_code"], "name": rows["region_name"], "target_id": rows["target_id"],
        "outcome": [_outcome(ids[r["target_id"]], r, r["year"], final_year(ids[r["target_id"]], plan)) for r in records],
        "status": [r["status"] for r in records], "met_late_year": [r["met_late_year"] for r in records]},
        columns=["code", "name", "target_id", "outcome", "status", "met_late_year"])


def _province_outcomes(con: duckdb.DuckDBPyConnection, results: list[Result]) -> pd.DataFrame:
    """The whole country's sub-areas: each province on the targets set inside it (its own and its cities'), as
    judged for the country's report (a target is set for one province or city, so it has one province)."""
    names = geography.names(con, tuple(sorted({r.region_code[:2] for r in results})))
    return pd.DataFrame({"code": [r.region_code[:2] for r in results],
                         "name": [names.get(r.region_code[:2], "") for r in results],
                         "target_id": [r.target.id for r in results], "outcome": [r.outcome for r in results],
                         "status": [r.status for r in results], "met_late_year": [r.met_late_year for r in results]},
                        columns=["code", "name", "target_id", "outcome", "status", "met_late_year"])


def _ranking(sub: pd.DataFrame, titles: dict[str, str], lang: str) -> pd.DataFrame:
    if sub.empty:
        return pd.DataFrame(columns=["code", "name", "achieved", "assessed", "no_data", "missed_targets"])
    found = []
    for (code, name), mine in sub.groupby(["code", "name"]):
        missed = [titles[x] for x in mine.loc[mine["outcome"] == "missed", "target_id"]]
        achieved = int(mine["outcome"].isin(("achieved", "achieved_late")).sum())
        found.append({"code": code, "name": name, "achieved": achieved, "assessed": achieved + len(missed),
                      "no_data": int((mine["outcome"] == "no_data").sum()),
                      "missed_targets": t("list.joiner", lang).join(missed)})
    frame = pd.DataFrame(found)
    frame["share"] = frame["achieved"] / frame["assessed"].where(frame["assessed"] > 0)
    return frame.sort_values(["share", "achieved", "code"], ascending=[False, False, True],
                             na_position="last").drop(columns="share").reset_index(drop=True)


def _appendix(sub: pd.DataFrame, titles: dict[str, str], order: list[str], sub_level: str, lang: str) -> pd.DataFrame:
    if sub.empty:
        return pd.DataFrame()
    words = sub.assign(word=[status_label(r["status"], lang, r["met_late_year"])
                             if r["outcome"] in ("achieved", "achieved_late", "missed") else t(f"final.outcome.{r['outcome']}", lang)
                             for r in sub.to_dict("records")])
    table = words.pivot_table(index=["code", "name"], columns="target_id", values="word", aggfunc="first")
    table = table[[tid for tid in order if tid in table.columns]].rename(columns=titles)
    table = table.reset_index().drop(columns="code").rename(columns={"name": t(f"level.{sub_level}", lang)})
    return table.fillna("—")


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, area: str, plan_id: str, lang: str = "zh") -> Final:
    """The final assessment of a plan for an area; ValueError for an unknown plan or area."""
    place = geography.region(con, area, lang)
    if place is None or codes.area_level(area) not in codes.AREA_LEVELS:
        raise ValueError(f"{area}: not the whole country, a province, a city or a county in the store")
    if plan_id not in catalogue.plans:
        raise ValueError(f"{plan_id}: no such plan in the catalogue ({', '.join(catalogue.plans)})")
    plan = catalogue.plans[plan_id]
    regions = {tid: code for tid, code in scorecard.card_regions(catalogue, area).items()
               if catalogue.targets[tid].plan == plan_id}
    targets = [catalogue.targets[tid] for tid in catalogue.targets if tid in regions]
    rows = dashboard.assessment_rows(con, regions=tuple(sorted(set(regions.values()))))
    rows = rows[rows["target_id"].isin(regions)]
    names = geography.names(con, tuple(sorted(set(regions.values()))))
    results = []
    last = dashboard.last_year(con)
    for target in targets:
        mine = rows[(rows["target_id"] == target.id) & (rows["region_code"] == regions[target.id])]
        found = _result(catalogue, target, plan, mine, names.get(regions[target.id], ""), last, lang)
        if found is not None:
            results.append(found)
    # the whole country ranks its provinces, a province or city its counties; a county is the bottom of the ranking
    sub_level = geography.UNIT_LEVEL_BELOW[codes.area_level(area)] if codes.area_level(area) != "county" else None
    titles = {tg.id: tg.name(lang) for tg in targets}
    if sub_level == "province":
        sub = _province_outcomes(con, results)
    else:
        sub = _sub_outcomes(con, plan, area, sub_level, targets, last) if sub_level and last else pd.DataFrame()
    ranking = _ranking(sub, titles, lang) if sub_level else pd.DataFrame()
    if not ranking.empty and not (ranking["assessed"] > 0).any():
        ranking = ranking.iloc[0:0]  # nothing due yet: no ranking to give
    appendix = _appendix(sub, titles, [tg.id for tg in targets], sub_level, lang) if sub_level else pd.DataFrame()
    missed = _missed(con, results, sub, area, lang)
    dates = dashboard.data_dates(con)
    reporting = dashboard.reporting_counties(con, area, last)[:2] if last else None
    return Final(area, place["name"], plan, lang, store.is_demo(con), beijing_text(dates["loaded_at"], lang),
                 beijing_text(dates["assessed_at"], lang), last, reporting, results, sub_level, ranking, appendix,
                 missed, _paths(results, plan, last, lang),
                 rounds.preliminary(rounds.states(con, last, area, today()), lang) if last else None,
                 _held(con, area, last))


def _held(con: duckdb.DuckDBPyConnection, area: str, year: int | None) -> tuple[int, int]:
    """(values held for 核实, values refused at load) of the area's year: neither counts in the assessment."""
    if year is None or not audit.has_findings(con):
        return 0, 0
    return len(findings.held(con, area, year)), findings.summary(con, area, year)["refused"]


def _missed(con: duckdb.DuckDBPyConnection, results: list[Result], sub: pd.DataFrame, area: str,
            lang: str) -> pd.DataFrame:
    """The targets not achieved, most often missed first: the figure against the target, the sub-areas missing
    it, the villages behind."""
    missed = [r for r in results if r.outcome == "missed"]
    villages = dashboard.villages_missing(con, area, tuple((r.target.id, r.final_year) for r in missed),
                                          MOST_VILLAGES) if missed else pd.DataFrame()
    found = []
    for r in missed:
        where = sub[(sub["target_id"] == r.target.id)] if not sub.empty else sub
        short = where[where["outcome"] == "missed"] if not where.empty else where
        behind = villages[villages["target_id"] == r.target.id] if not villages.empty else villages
        found.append({"target_id": r.target.id, "title": r.title, "year": r.final_year, "final": r.final_text,
                      "target": r.target_text, "gap": r.gap, "units": len(where), "units_missed": len(short),
                      "where": t("list.joiner", lang).join(short["name"]) if len(short) else "",
                      "villages": int(behind["villages"].iloc[0]) if len(behind) else 0,
                      "village_names": t("list.joiner", lang).join(behind["names"].iloc[0]) if len(behind) else ""})
    frame = pd.DataFrame(found, columns=["target_id", "title", "year", "final", "target", "gap", "units",
                                         "units_missed", "where", "villages", "village_names"])
    # the targets most often missed first: by the sub-areas missing them, then the villages behind them
    return frame.sort_values(["units_missed", "villages"], ascending=False, kind="stable").reset_index(drop=True)


def _paths(results: list[Result], plan: Plan, last: int | None, lang: str) -> pd.DataFrame:
    """A running plan: the value each target must reach year by year, from its base to the target by its deadline."""
    if last is not None and last >= plan.end_year:
        return pd.DataFrame()
    rows = []
    for r in results:
        op = getattr(r.target.rule, "op", None) or (">=" if r.target.rule.kind != "relative_growth" else None)
        path = required_path(r.target.base_year, r.base, r.target_value, r.target.deadline, op)
        if path.empty:
            continue
        unit = "%" if r.final_text.endswith("%") or r.base_text.endswith("%") else ""
        row = {t("final.col.target", lang): r.title}
        row.update({str(int(y)): (f"{v:.1f}%" if unit else numbers.plain(v)) for y, v in zip(path["year"], path["value"])})
        rows.append(row)
    return pd.DataFrame(rows)


def outcome_statuses(results: list[Result]) -> list[str]:
    """The status colour of each result's 完成情况 cell."""
    return [r.status if r.outcome in ("achieved", "achieved_late", "missed") else
            {"in_progress": r.status or "pending", "monitored": "monitored"}.get(r.outcome, "no_data") for r in results]

