"""A backtest of the progress statuses: judge an ended plan as of an earlier year by each method and compare with
the outcome at each target's deadline (`python -m tracker backtest`, docs/method.md).

A region is *flagged* when its status as of that year asks for action — needs acceleration, limited progress,
deteriorating, or a milestone not yet done (pending). Of the regions that then missed, the share flagged is how
many warnings came in time; of those that met, the share flagged is how many were needless.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from tracker.core import codes, settings
from tracker.core.catalogue import Catalogue
from tracker.core.status import STATUS_CLASS

METHODS = ("recent", "cagr")


def flagged(status: pd.Series) -> pd.Series:
    """Whether each status asks for action (its class is watch or bad)."""
    return status.map(STATUS_CLASS).isin(("watch", "bad"))


def rows(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, plan: str, as_of: int, area: str | None = None,
         level: str | None = None) -> pd.DataFrame:
    """Every target of `plan` not yet due in `as_of` (and judged once, at its deadline) for every region of
    `level` (default: every level above the villages) inside `area`: value and status as of then by each method,
    and the outcome at the deadline (met, missed, or unknown without a verdict)."""
    if plan not in catalogue.plans:
        raise ValueError(f"{plan}: no such plan in the catalogue ({', '.join(catalogue.plans)})")
    targets = [t for t in catalogue.targets.values()
               if t.plan == plan and not t.every_year and not t.monitored and t.deadline > as_of]
    con.execute(settings.sql_text("tracker.core", "assess/0_macros.sql"))
    return con.execute(settings.sql_text("tracker.queries", "backtest.sql"), {
        "targets": [t.id for t in targets], "deadlines": [t.deadline for t in targets], "as_of": as_of,
        "area": area, "level": level}).df()


def summary(found: pd.DataFrame) -> pd.DataFrame:
    """Per method, years ahead and level (every level together first): the regions that missed and how many were
    flagged, those that met and how many were flagged (regions without a verdict at the deadline are left out)."""
    records = []
    judged = found[found["outcome"].isin(("met", "missed"))]
    levels = ["all", *[lv for lv in codes.LEVELS if lv in set(judged["level"])]]
    for ahead in sorted(judged["years_ahead"].unique()):
        for level in levels if judged["level"].nunique() > 1 else ["all"]:
            part = judged[(judged["years_ahead"] == ahead) & ((judged["level"] == level) | (level == "all"))]
            missed, met = part[part["outcome"] == "missed"], part[part["outcome"] == "met"]
            for method in METHODS:
                caught = int(flagged(missed[f"status_{method}"]).sum())
                needless = int(flagged(met[f"status_{method}"]).sum())
                records.append({
                    "method": method, "years_ahead": int(ahead), "level": level, "missed": len(missed),
                    "missed_flagged": caught,
                    "share_missed_flagged": round(100 * caught / len(missed), 1) if len(missed) else None,
                    "met": len(met), "met_flagged": needless,
                    "share_met_flagged": round(100 * needless / len(met), 1) if len(met) else None})
    return pd.DataFrame(records, columns=["method", "years_ahead", "level", "missed", "missed_flagged",
                                          "share_missed_flagged", "met", "met_flagged", "share_met_flagged"])
