"""报送进度's view model: the counties' states as a table ranked by completeness, a map of them, a county's state in
a sentence, and the 催报 text to paste into a message (tracker.core.rounds)."""

from __future__ import annotations

import pandas as pd

from tracker.core.clock import beijing_text
from tracker.core.i18n import t
from tracker.present import maps
from tracker.queries import geography

STATE_COLOURS = {"not_sent": (189, 189, 189), "partial": (253, 174, 97), "submitted": (116, 173, 209),
                 "returned": (215, 48, 39), "approved": (26, 152, 80)}
RATES = ("complete_pct", "on_time_pct", "passed_pct")  # 完整率, 及时率, 审核通过率: what the counties are ranked by
MOST_NAMED = 30  # villages named per county in the reminder text


def state_words(row, lang: str) -> str:
    """部分报送（超期 3 天）."""
    words = t(f"rounds.state.{row['state']}", lang)
    if row["late"]:
        words += t("rounds.late_by", lang, n=-int(row["days_left"]))
    return words


def county_table(found: pd.DataFrame, lang: str, rank_by: str = "complete_pct") -> pd.DataFrame:
    """A row per county, ranked by one of its RATES (then code): state, villages sent of expected, the rates, whether
    the county's 报送 came on time and was approved, when sent and reviewed (Beijing time), days to the deadline, the
    last note."""
    ranked = found.sort_values([rank_by, "region_code"], ascending=[False, True], na_position="last")
    rows = [{
        t("rounds.col.rank", lang): i + 1,
        t("rounds.col.county", lang): r["region_name"],
        t("rounds.col.state", lang): state_words(r, lang),
        t("rounds.col.villages", lang): f"{int(r['villages_reported'])}/{int(r['villages_expected'])}",
        t("rounds.col.complete", lang): r["complete_pct"],
        t("rounds.col.on_time_pct", lang): r["on_time_pct"],
        t("rounds.col.passed_pct", lang): r["passed_pct"],
        t("rounds.col.on_time", lang): "—" if pd.isna(r["on_time"]) else t(f"rounds.yes_no.{bool(r['on_time'])}", lang),
        t("rounds.col.approved", lang): t(f"rounds.yes_no.{r['state'] == 'approved'}", lang),
        t("rounds.col.submitted_at", lang): beijing_text(None if pd.isna(r["submitted_at"]) else r["submitted_at"], lang)
        or "—",
        t("rounds.col.reviewed_at", lang): beijing_text(None if pd.isna(r["reviewed_at"]) else r["reviewed_at"], lang)
        or "—",
        t("rounds.col.days_left", lang): int(r["days_left"]),
        t("rounds.col.note", lang): _said(r["last_note"]),
    } for i, (_, r) in enumerate(ranked.iterrows())]
    return pd.DataFrame(rows)


def township_table(towns: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A row per township in code order: its state (超期 past its deadline), villages sent, villages complete, values
    complete, deadline and days to it."""
    return pd.DataFrame([{
        t("rounds.col.township", lang): r["region_name"],
        t("rounds.col.state", lang): state_words(r, lang),
        t("rounds.col.villages", lang): f"{int(r['villages_reported'])}/{int(r['villages_expected'])}",
        t("rounds.col.complete_villages", lang): int(r["villages_complete"]),
        t("rounds.col.complete", lang): r["complete_pct"],
        t("rounds.col.deadline", lang): r["deadline"].isoformat(),
        t("rounds.col.days_left", lang): int(r["days_left"]),
    } for _, r in towns.iterrows()])


def state_map(collection: dict, found: pd.DataFrame, lang: str):
    """The area's county outlines coloured by state, a tooltip each; None without outlines."""
    bounds = geography.bounds(collection)
    if bounds is None:
        return None

    shades = {row["region_code"]: (STATE_COLOURS[row["state"]],
                                   t("rounds.map.tip", lang, state=state_words(row, lang),
                                     sent=int(row["villages_reported"]), n=int(row["villages_expected"])))
              for row in found.to_dict("records")}
    return maps.drawing(collection, bounds, shades, (maps.NO_SHADE, t("rounds.map.none", lang)), height=440)


def legend(lang: str) -> str:
    """The map's colours in words."""
    return t("rounds.map.legend", lang)


def state_sentence(row, lang: str) -> str:
    """A county's state in a sentence: 玉山县：部分报送，1/6 个村已报，距截止还有 61 天。最近：退回（上饶市局）：…"""
    days = int(row["days_left"])
    when = t("rounds.days.left", lang, n=days) if days >= 0 else t("rounds.days.past", lang, n=-days)
    said = t("rounds.sentence", lang, county=row["region_name"], state=state_words(row, lang),
             sent=int(row["villages_reported"]), n=int(row["villages_expected"]), when=when)
    if _said(row["last_act"]):  # a county with no act yet has a null there (NaN once its frame went through pandas)
        said += " " + t("rounds.sentence.last", lang, act=t(f"rounds.act_word.{row['last_act']}", lang),
                        who=_said(row["last_by"]) or "—", note=_said(row["last_note"]) or "—")
    return said


def _said(value) -> str:
    """A text cell as said: '' for a null, whether pandas holds it as None or NaN."""
    return "" if value is None or pd.isna(value) else str(value)


def reminder_text(found: pd.DataFrame, missing: pd.DataFrame, lang: str) -> str:
    """催报 as text to paste into a message: per county not yet approved, the deadline, the days left or past, how
    many villages have sent nothing and their names (the first MOST_NAMED)."""
    by_name = found.set_index("region_name")
    lines = []
    for county, part in missing.groupby("county", sort=False):
        row = by_name.loc[county]
        if row["state"] in ("approved", "submitted"):
            continue
        days = int(row["days_left"])
        when = t("rounds.days.left", lang, n=days) if days >= 0 else t("rounds.days.past", lang, n=-days)
        villages = t("rounds.remind.sep", lang).join(f"{r.township}{r.name}" for r in part.head(MOST_NAMED).itertuples())
        more = t("rounds.remind.more", lang, n=len(part) - MOST_NAMED) if len(part) > MOST_NAMED else ""
        lines.append(t("rounds.remind.line", lang, county=county, deadline=row["deadline"].isoformat(), when=when,
                       n=len(part), villages=villages + more))
    return "\n".join(lines) if lines else t("rounds.remind.all_submitted", lang)

