"""How a number is written, in one place: with its unit and sensible rounding (88.6%, 12,345 元, 2.15 千伏安, 是/否),
as a plain figure, as a short decimal in sentences, and the comparison signs (≥ 90%). "—" for a missing value.

Every page, sentence, hover, document and message (the why() sentences, the 数据审核 messages, the catalogue's
rule words) writes numbers through these functions. It lives in core, the layer every other reads, because the
audit stores a refused value's reason with its numbers written out.
"""

from __future__ import annotations

import math

from tracker.core.i18n import t as tr

OP_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
MISSING = "—"


def missing(value: float | None) -> bool:
    """Whether a value is absent (None, NaN or pandas' NA)."""
    try:
        return value is None or math.isnan(value)
    except TypeError:  # pandas.NA refuses a truth value
        return True


def number(value: float | None, unit: str, lang: str = "zh") -> str:
    """A value with its unit and sensible rounding: 88.6%, 12,345 元, 2.15 千伏安, 是/否; — when missing."""
    if missing(value):
        return MISSING
    if unit in ("是/否", "yes/no", ""):
        return tr("figure.yes" if value >= 0.5 else "figure.no", lang)
    if "|" in unit:  # 'industry|industries': one, else many
        one, many = unit.split("|", 1)
        unit = one if abs(value) == 1 else many
    text = plain(value, 1 if unit == "%" else None)
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def plain(value: float, digits: int | None = None) -> str:
    """A number with sensible rounding and no unit: 12,345 · 45.6 · 2.15 (`digits` fixed when given)."""
    if digits is None:
        magnitude = abs(value)
        digits = 0 if magnitude >= 1000 or float(value).is_integer() else 1 if magnitude >= 10 else 2
    return f"{value:,.{digits}f}"


def decimal(value: float | None, digits: int = 2) -> str:
    """A number in a sentence, to at most `digits` decimals and no trailing zeros: 8.63 · 90 · 1,234.5; — when
    missing."""
    if missing(value):
        return MISSING
    if not digits:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def compared(op: str | None, text: str) -> str:
    """A target as its sign and figure: '≥ 90%' (no sign for an unknown comparison)."""
    return f"{OP_SYMBOL.get(op or '', '')} {text}".strip()
