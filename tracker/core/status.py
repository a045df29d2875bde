"""Statuses: the one table of every status a result can have — its id, its words in both languages, its colour,
the class a reader groups it in, and its order.

The assessment's SQL writes these ids and checks them against this table (tracker/core/sql/assess/, the table
`status_spec`); the pages, charts, maps and documents read the words, colours and classes from here.
Colours are ColorBrewer RdBu for verdicts (blue met, red missed, orange in between) and greys where there is
no verdict, so they stay apart for colour-blind readers and on a projector; every legend also names them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.core.i18n import pick, t

# how a reader groups statuses: good (met or on track), watch (needs action), bad (missed or going back),
# unknown (no verdict possible), other (not a verdict at all)
CLASS_ORDER = ("bad", "watch", "good", "unknown", "other")


@dataclass(frozen=True)
class Status:
    id: str
    zh: str
    en: str
    colour: str  # ColorBrewer RdBu and greys
    cls: str  # one of CLASS_ORDER
    rank: int  # worst first when sorting

    def name(self, lang: str) -> str:
        """The status in words in `lang`."""
        return pick(self.zh, self.en, lang)

    @property
    def ink(self) -> str:
        """The text colour readable on this status's colour: white on the dark ones, else black."""
        r, g, b = (int(self.colour[i:i + 2], 16) for i in (1, 3, 5))
        return "#FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#000000"


STATUSES: dict[str, Status] = {s.id: s for s in (
    Status("missed", "未达标", "missed", "#B2182B", "bad", 0),
    Status("deteriorating", "倒退", "deteriorating", "#D6604D", "bad", 1),
    Status("limited", "进展有限", "limited progress", "#F4A582", "watch", 2),
    Status("needs_acceleration", "需加快", "needs acceleration", "#FDDBC7", "watch", 3),
    Status("pending", "尚未完成", "not done yet", "#FDDBC7", "watch", 4),
    Status("on_track", "进度正常", "on track", "#92C5DE", "good", 5),
    Status("achieved", "已达标", "achieved", "#2166AC", "good", 6),
    Status("met_late", "逾期达标", "met late", "#4393C3", "good", 7),
    Status("met_on_time", "按期达标", "met on time", "#2166AC", "good", 8),
    Status("met", "达标", "met", "#2166AC", "good", 9),
    Status("incomplete", "数据不全", "incomplete returns", "#BDBDBD", "unknown", 10),
    Status("insufficient_data", "数据不足", "insufficient data", "#BDBDBD", "unknown", 11),
    Status("not_assessable", "无法评估", "not assessable", "#BDBDBD", "unknown", 12),
    Status("no_data", "无数据", "no data", "#E0E0E0", "unknown", 13),
    Status("baseline", "基期", "base year", "#F0F0F0", "other", 14),
    Status("contribution", "计入合计", "counts toward the total", "#F0F0F0", "other", 15),
    Status("monitored", "仅监测", "monitored", "#F0F0F0", "other", 16),
)}

STATUS_CLASS = {s.id: s.cls for s in STATUSES.values()}  # status id → class, for mapping a column


# The states of a 数据审核 finding (tracker/core/audit.py acts on them): those that hold a value back, all of them,
# and what `etl audit --state` lists
FINDING_OPEN = ("open", "explained", "to_correct", "returned")
FINDING_STATES = (*FINDING_OPEN, "accepted", "closed", "rejected")
FINDINGS_LISTED = {"open": FINDING_OPEN, "refused": ("rejected",), "all": FINDING_STATES}


def label(status: str, lang: str = "zh", year: int | None = None) -> str:
    """The status in words; met late says the year it was met when given (逾期达标（2022年）)."""
    if status == "met_late" and year is not None and not math.isnan(year):
        return t("status.met_late_in", lang, year=int(year))
    return STATUSES[status].name(lang)


def spec_rows() -> list[dict]:
    """The table as rows, for the assessment's SQL (`status_spec`)."""
    return [{"status": s.id, "zh": s.zh, "en": s.en, "colour": s.colour, "class": s.cls, "rank": s.rank}
            for s in STATUSES.values()]
