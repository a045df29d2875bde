"""目标测算's view model: the proposals (tracker.queries.propose) as the page shows them — side by side, their spread
and course charts, which counties would reach a candidate (a table and a shaded map), the published reference
figures beside them, each candidate's units — built once per choice; and a draft's default names."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from tracker.core import codes
from tracker.core.catalogue import Catalogue, Plan, Reference, Target
from tracker.core.i18n import pick, t
from tracker.core.numbers import compared, number
from tracker.present import charts, maps
from tracker.queries import geography
from tracker.queries.propose import UNIT_COLUMNS, Proposal, candidates, references


@dataclass
class Propose:
    """What 目标测算 shows for a measure, an area and two or three candidate values."""

    proposals: list[Proposal]
    unit: str  # the values' unit ('%' for a rate or a yes/no)
    labels: list[str]  # each candidate as the catalogue says a target: ≥ 95%
    units: str  # the units' name (村委会)
    summary: pd.DataFrame  # a row per candidate, side by side
    spread: dict  # the units' baseline spread with the candidates (a chart)
    course: dict  # the area's course and projection with the candidate and the references (a chart)
    references: pd.DataFrame  # year, value, label, source
    counties: pd.DataFrame | None  # which counties would reach the first candidate (a province's or city's)
    reach: dict | None  # the same on a map (None without outlines)
    unit_tables: list[pd.DataFrame]  # each candidate's units, as shown


def said(op: str, value: float, unit: str, lang: str) -> str:
    """A candidate as the catalogue says a target: ≥ 95%."""
    return compared(op, f"{value:g}%" if unit == "%" else number(value, unit, lang))


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, measure_id: str, area: str, values: tuple[float, ...],
          deadline: int, op: str, reading: str, share: float, level: str | None, group: str | None,
          lang: str) -> Propose:
    """The page for these choices (ValueError, with why, when the units give nothing to propose from)."""
    found = candidates(con, catalogue, measure_id, area, values, deadline, op, reading, share, level, group)
    measure, first = catalogue.measures[measure_id], found[0]
    unit = "%" if measure.type in ("rate", "bool") else measure.value_unit(lang)
    read_unit = unit if reading == "aggregate" else "%"
    labels = [said(op, p.candidate.value, unit, lang) for p in found]
    units = t(f"level.{first.level}", lang)
    area_name = geography.region(con, area, lang)["name"]

    def rise(v: float | None) -> str:
        """A yearly change: in points for a rate."""
        if v is None or pd.isna(v):
            return "—"
        return t("figure.points", lang, n=f"{v:+.1f}") if unit == "%" else number(v, unit, lang)

    summary = pd.DataFrame([{
        t("propose.col.candidate", lang): label,
        t("propose.col.now", lang, year=p.base_year): number(p.area_row["value"], read_unit, lang),
        t("propose.col.projected", lang, deadline=deadline): number(p.area_row["projected"], read_unit, lang),
        t("propose.col.chance", lang): "—" if p.area_row["chance"] is None else f"{100 * p.area_row['chance']:.0f}%",
        t("propose.col.reached", lang): "—" if p.area_row["year_reached"] is None else str(int(p.area_row["year_reached"])),
        t("propose.col.reaching", lang, units=units): f"{p.reaching}/{len(p.units)}",
        t("propose.col.required", lang): rise(p.units["required_per_year"].median()),
    } for p, label in zip(found, labels)])

    provinces = geography.names(con, tuple(sorted({r.region for r in catalogue.references.values() if r.region})))
    refs = references_frame(references(catalogue, measure_id, area), provinces, lang)
    aggregate = reading == "aggregate"
    spread = charts.spread(first.units["baseline"], t("propose.spread_title", lang, units=units, year=first.base_year),
                           unit, list(zip([p.candidate.value for p in found], labels)), lang,
                           list(zip(refs["value"], refs["label"])) if aggregate else [])
    row = first.area_row
    projection = pd.DataFrame([{"year": first.base_year, "value": row["value"], "low": row["value"], "high": row["value"]},
                               {"year": deadline, "value": row["projected"], "low": row["low"], "high": row["high"]}]) \
        if row["projected"] is not None else None
    course = charts.trend(first.history.assign(region=area_name, status=None, hover=""),
                          t("propose.course_title", lang, area=area_name), read_unit, row["target"], deadline,
                          lang=lang, projection=projection, references=refs if aggregate else None)

    counties = reach = None
    if codes.area_level(area) in ("province", "city"):  # which counties would reach the first candidate
        counties = by_county(first, geography.names(con, tuple(sorted(set(first.units["code"].str[:6])))))
        reach = reach_map(geography.map_outlines(con, area), counties, units, lang)
        counties = counties.drop(columns="county").rename(columns={c: t(f"propose.county.{c}", lang)
                                                                   for c in ("name", "units", "reaching", "share")})
    columns = {c: t(f"propose.unit.{c}", lang) for c in UNIT_COLUMNS}
    unit_tables = [p.units.assign(reaches=p.units["reaches"].map({True: t("propose.yes", lang),
                                                                  False: t("propose.no", lang)}),
                                  chance=(100 * p.units["chance"]).round(0)).rename(columns=columns) for p in found]
    return Propose(found, unit, labels, units, summary, spread, course, refs, counties, reach, unit_tables)

OP_WORDS = {">=": "达到", ">": "高于", "<=": "不超过", "<": "低于", "==": "等于"}


def by_county(proposal: Proposal, names: dict[str, str]) -> pd.DataFrame:
    """A row per county of the area: its units, how many would reach the candidate at their pace, the share."""
    units = proposal.units.assign(county=proposal.units["code"].str[:6])
    found = units.groupby("county", as_index=False).agg(units=("code", "size"), reaching=("reaches", "sum"))
    found["share"] = (100 * found["reaching"] / found["units"]).round(1)
    found.insert(1, "name", [names.get(c, c) for c in found["county"]])
    return found.sort_values(["share", "county"], ascending=[False, True], ignore_index=True)


def reach_map(collection: dict, counties: pd.DataFrame, units_word: str, lang: str):
    """The area's county outlines shaded by the share of their units that would reach the candidate (fixed fifths,
    grey where none is read), with a tooltip per county; None when there are no outlines to draw."""
    bounds = geography.bounds(collection)
    if bounds is None:
        return None

    shades = {row["county"]: (maps.SEQUENTIAL[maps.class_of(float(row["share"]), maps.SHARE_BREAKS)],
                              t("propose.map.tip", lang, reaching=int(row["reaching"]), n=int(row["units"]),
                                units=units_word, share=f"{row['share']:g}"))
              for row in counties.to_dict("records")}
    return maps.drawing(collection, bounds, shades, (maps.NO_SHADE, t("propose.map.none", lang)), height=480)


def reference_label(reference: Reference, names: dict[str, str], lang: str) -> str:
    """参考：全国2030年目标98% / Reference: national aim for 2030, 98%."""
    who = t("propose.reference.nation", lang) if reference.region is None else names.get(reference.region,
                                                                                          reference.region)
    return t(f"propose.reference.{reference.kind}", lang, who=who, year=reference.year, value=f"{reference.value:g}")


def references_frame(references: list[Reference], names: dict[str, str], lang: str) -> pd.DataFrame:
    """year, value, label, source: the reference figures as the charts and the table take them."""
    return pd.DataFrame([{"year": r.year, "value": r.value, "label": reference_label(r, names, lang),
                          "source": r.source_in(lang)} for r in references],
                        columns=["year", "value", "label", "source"])


def draft_plan(catalogue: Catalogue, deadline: int) -> Plan | None:
    """The plan a draft with this deadline belongs to: the one whose years hold it (None when none does)."""
    return next((p for p in catalogue.plans.values() if p.start_year <= deadline <= p.end_year), None)


def draft_names(catalogue: Catalogue, proposal: Proposal, area_names: tuple[str, str], group: str | None,
                unit: str) -> tuple[str, str]:
    """Default names of a draft, in Chinese and English: 上饶市重点村自来水普及率达到97%."""
    c, m = proposal.candidate, proposal.measure
    value = f"{c.value:g}{'%' if unit == '%' else unit}"
    g = catalogue.groups[group] if group else None
    who_zh = g.zh if g and g.zh.startswith(area_names[0]) else f"{area_names[0]}{g.zh if g else ''}"
    zh = f"{who_zh}{m.zh}{OP_WORDS[c.op]}{value}"
    en = f"{m.en} {compared(c.op, value)} in {g.en if g else area_names[1]}"
    return zh, en


def draft_rows(catalogue: Catalogue, area: str) -> list[Target]:
    """The drafts an office of `area` sees: those of the area, of the regions inside it, and of the regions
    holding it."""
    return [d for d in catalogue.drafts.values()
            if d.population.region.startswith(area) or area.startswith(d.population.region)]


def changes(records: list[dict], area: str, lang: str) -> pd.DataFrame:
    """The 留痕 of the drafts of `area` (tracker.core.drafts.history): when (Beijing time), what, which target,
    who, why."""
    def region(record: dict) -> str:
        entry = record["after"] or record["before"] or {}
        return str(entry.get("population", {}).get("region", ""))

    def name(record: dict) -> str:
        entry = record["after"] or record["before"] or {}
        return pick(entry.get("zh", record["target"]), entry.get("en", record["target"]), lang)

    kept = [r for r in records if region(r).startswith(area) or area.startswith(region(r))]
    return pd.DataFrame([{t("propose.history.at", lang): r["at"][:19].replace("T", " "),
                          t("propose.history.act", lang): t(f"propose.act.{r['act']}", lang),
                          t("propose.history.target", lang): name(r),
                          t("propose.history.by", lang): r["by"],
                          t("propose.history.why", lang): r["why"]} for r in kept])
