"""目标测算's view model beyond the proposals themselves (tracker.queries.propose): which counties would reach a
candidate (a table and a shaded map), the published reference figures beside it, and a draft's default names."""

from __future__ import annotations

import pandas as pd

from tracker.core.catalogue import Catalogue, Plan, Reference, Target
from tracker.core.i18n import pick, t
from tracker.core.numbers import compared
from tracker.present import maps
from tracker.queries import geography
from tracker.queries.propose import Proposal

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
