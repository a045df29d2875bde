"""Times as offices read them: the store keeps UTC; every time shown is 北京时间 (UTC+8, no daylight saving).

A fixed offset, not a time-zone database: China has kept UTC+8 all year since 1991, and an office PC
may have no tz database for Python to read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd

from tracker.core.i18n import t

BEIJING = timezone(timedelta(hours=8), "北京时间")


def beijing(moment: datetime | str) -> datetime:
    """A moment (an aware datetime, a naive one taken as UTC, or ISO text) in Beijing time."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING)


def beijing_text(moment: datetime | str | None, lang: str) -> str | None:
    """'2026-11-23 10:07（北京时间）' / '2026-11-23 10:07 (Beijing time)'; None when there is no moment."""
    if moment is None:
        return None
    return t("time.beijing", lang, time=beijing(moment).strftime("%Y-%m-%d %H:%M"))


def beijing_column(column: pd.Series) -> pd.Series:
    """A column of UTC timestamps (naive, as the store keeps them) as Beijing wall-clock times."""
    return pd.to_datetime(column, utc=True).dt.tz_convert(BEIJING).dt.tz_localize(None)


def today() -> date:
    """Today's date in Beijing (a document's date)."""
    return datetime.now(BEIJING).date()
