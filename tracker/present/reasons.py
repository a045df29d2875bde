"""Why a row or cell of a return was not loaded, in the reader's language.

A rejection is kept with its sentence in Chinese (filled in by the load, from the reject.* messages), the
key of that sentence and its parts (reason_args: codes, the text as sent, the measure's id ...). Another
language fills the same sentence's template from those parts, so the reason reads in the interface
language and no code such as `unknown_measure` reaches a reader.
"""

from __future__ import annotations

import json

import pandas as pd

from tracker.core.audit import REFUSED_KEY, message
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import DEFAULT_LANG, t

COLUMNS = ["sheet", "row_number", "region_code", "region_name", "column", "raw_value", "reason"]


def _places(rows: list[dict] | None, lang: str, in_all: int | None = None) -> str:
    """'第4行、第5行' / 'row 4, row 5' (with the sheet, where the file has several); the first places only, and how many
    in all, when there are more (`in_all`)."""
    rows = rows or []
    listed = t("list.joiner", lang).join((f"{r['sheet']} " if r.get("sheet") else "") + t("reject.row_ref", lang, row=r["row"])
                                         for r in rows)
    return listed + (t("reject.more_places", lang, n=in_all) if in_all and in_all > len(rows) else "")


def reason_text(key: str | None, args: str | dict | None, stored: str, lang: str, catalogue: Catalogue) -> str:
    """The reason of one rejection in `lang` (the stored Chinese sentence for Chinese, or when the rejection
    predates its parts being kept)."""
    if lang == DEFAULT_LANG or not key:  # the stored sentence is in the default language
        return stored
    parts = json.loads(args) if isinstance(args, str) else dict(args or {})
    if key.startswith(REFUSED_KEY):  # refused by a plausibility rule: the rule's own words in `lang`
        return message(catalogue, {"rule_id": key.removeprefix(REFUSED_KEY), **parts}, lang) or stored
    measure = catalogue.measures.get(parts.get("measure") or "")
    group = catalogue.groups.get(parts.get("group") or "")
    values = {name: "" if parts.get(name) is None else str(parts[name])
              for name in ("raw", "code", "scope", "county", "name", "header", "year", "year_lo", "year_hi", "value",
                           "lo", "hi")}
    values.update(
        measure=measure.name(lang) if measure else "", unit=measure.unit_in(lang) if measure else "",
        levels=t("list.joiner", lang).join(t(f"level_name.{v}", lang) for v in measure.levels) if measure else "",
        level=t(f"level_name.{parts['level']}", lang) if parts.get("level") else "",
        places=_places(parts.get("rows"), lang, parts.get("rows_in_all")), group=group.name(lang) if group else "")
    return t(f"reject.{key}", lang, **values)


def rejects_table(rejects: pd.DataFrame, lang: str, catalogue: Catalogue) -> pd.DataFrame:
    """Rejected rows as a reader sees them: sheet, row, the row's code and name, column, the value as sent
    and the reason in `lang`, with the headers in `lang`."""
    if rejects.empty:
        return pd.DataFrame(columns=[t(f"data.col.{c}", lang) for c in COLUMNS])
    frame = rejects.copy()
    for column in ("region_code", "region_name", "reason_key", "reason_args"):
        if column not in frame:
            frame[column] = None  # a rejection kept before these were
    frame["reason"] = [reason_text(k, a, r, lang, catalogue)
                       for k, a, r in zip(frame["reason_key"], frame["reason_args"], frame["reason"])]
    frame = frame.fillna({"sheet": "", "region_code": "", "region_name": ""})
    return frame[COLUMNS].rename(columns={c: t(f"data.col.{c}", lang) for c in COLUMNS})


HELD_COLUMNS = ["sheet", "row_number", "region_code", "region_name", "measure_id", "year", "value", "rule", "reason"]


def held_table(held: pd.DataFrame, lang: str, catalogue: Catalogue) -> pd.DataFrame:
    """Values a verify rule holds for 核实 (etl.load FileReport.held) as a reader sees them: where in the file, the
    unit, the measure and year, the value, the rule by its name and its sentence in `lang`, headers in `lang`."""
    columns = [t(f"data.col.{c}", lang) for c in HELD_COLUMNS]
    if held.empty:
        return pd.DataFrame(columns=columns)
    rows = held.to_dict("records")
    frame = pd.DataFrame({
        "sheet": [r["sheet"] or "" for r in rows], "row_number": [r["row_number"] for r in rows],
        "region_code": [r["region_code"] for r in rows], "region_name": [r["region_name"] or "" for r in rows],
        "measure_id": [catalogue.measures[r["measure_id"]].name(lang) if r["measure_id"] in catalogue.measures
                       else r["measure_id"] for r in rows],
        "year": [r["year"] for r in rows], "value": [r["value"] for r in rows],
        "rule": [catalogue.audit[r["rule_id"]].title(lang) if r["rule_id"] in catalogue.audit else r["rule_id"]
                 for r in rows],
        "reason": [message(catalogue, r, lang) for r in rows]})
    frame.columns = columns
    return frame
