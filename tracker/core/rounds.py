"""报送: the yearly reporting round — opened by a province or city office, each county's state derived from what
arrived and from its acts, the county's submission reviewed one level up.

A round (table report_round) names the year, the counties' deadline, the measures asked for and who reviews. A
county's state: 未报送 (no village has sent a value of a measure asked for), 部分报送 (some have), 已报送待审核 (its
clerk said the return is complete: 报送), 已退回 (the reviewer returned it, with why), 审核通过; 超期 beside it while
it is not sent, partial or returned after the deadline. Every act is kept with who, when and the note (round_act).

Who may act: an admin or loader of a province or city office opens its round; a loader whose scope holds the
county submits (a note is required when villages have sent nothing: why); a reviewer at the round's reviewing
level or above — never a county, never outside their scope, never the one who submitted — approves (only once
the county's 核实 findings are answered) or returns with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import duckdb
import pandas as pd

from tracker.core import settings
from tracker.core.access import User
from tracker.core.audit import MAX_NOTE, recheck
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t

STATES = ("not_sent", "partial", "submitted", "returned", "approved")
LATE_STATES = ("not_sent", "partial", "returned")  # past the deadline these are 超期
SUBMITTABLE = ("not_sent", "partial", "returned")
REVIEW_SCOPE = {"city": 4, "province": 2}  # the longest scope that reviews at each level


class RoundRefused(ValueError):
    """An act the round does not allow, said by a message (`key`, round.refused.*, with `values`)."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(f"{key}: {values}")


@dataclass(frozen=True)
class Round:
    year: int
    region_code: str
    deadline: date
    measures: tuple[str, ...]
    reviewer_level: str
    opened_by: str | None
    opened_at: datetime


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def default_measures(catalogue: Catalogue, year: int) -> list[str]:
    """The measures the year's targets read (those of the plans covering it, their benchmarks' and the households
    weighting a rate), reported by villages."""
    found: set[str] = set()
    for target in catalogue.targets.values():
        plan = catalogue.plans[target.plan]
        if plan.start_year <= year <= plan.end_year:
            found.add(target.measure)
            if target.rule.kind == "relative_growth" and target.rule.benchmark.measure:
                found.add(target.rule.benchmark.measure)
    if any(catalogue.measures[m].type == "rate" for m in found if m in catalogue.measures):
        found.add("households")
    return sorted(m for m in found if m in catalogue.measures and "village" in catalogue.measures[m].levels)


def open_round(con: duckdb.DuckDBPyConnection, user: User, year: int, region: str, deadline: date,
               measures: list[str], reviewer_level: str = "city", township_deadline: date | None = None) -> Round:
    """Open (or change) the round of `region` for `year`, inside a store write."""
    if not user.may_lead(region):
        raise RoundRefused("round.refused.open", region=region)
    if not measures:
        raise RoundRefused("round.refused.no_measures")
    if reviewer_level not in REVIEW_SCOPE:
        raise RoundRefused("round.refused.reviewer", level=reviewer_level)
    now = _now()
    con.execute("delete from report_round where year = ? and region_code = ?", [year, region])
    con.execute("insert into report_round values (?, ?, ?, ?, ?, ?, ?, ?)",
                [year, region, deadline, township_deadline, ",".join(measures), reviewer_level, user.name, now])
    con.execute("insert into round_act values (?, ?, 'open', ?, ?, ?)",
                [year, region, user.name, now, f"截止 {deadline.isoformat()}；{len(measures)} 项指标"])
    return Round(year, region, deadline, tuple(measures), reviewer_level, user.name, now)


def rounds(con: duckdb.DuckDBPyConnection, year: int, area: str) -> list[Round]:
    """The rounds of `year` that hold the area or lie inside it, the most local last."""
    rows = con.execute("""select year, region_code, deadline, measures, reviewer_level, opened_by, opened_at
                          from report_round where year = ? and (starts_with(?, region_code) or starts_with(region_code, ?))
                          order by length(region_code), region_code""", [year, area, area]).fetchall()
    return [Round(y, r, d, tuple(m.split(",")), lv, by, at) for y, r, d, m, lv, by, at in rows]


def states(con: duckdb.DuckDBPyConnection, year: int, area: str, today: date) -> pd.DataFrame:
    """Each county of the area in its round: the counts, the last act, the state, 超期 (late) and the days to the
    deadline (negative: past it); none when no round holds it."""
    found = con.execute(settings.sql_text("tracker.core", "round_states.sql"),
                        {"year": year, "area": area, "today": today}).df()
    found["deadline"] = pd.to_datetime(found["deadline"]).dt.date
    found["late"] = found["state"].isin(LATE_STATES) & (found["days_left"] < 0)
    found["complete_pct"] = (100 * found["values_sent"] / found["values_expected"].where(found["values_expected"] > 0)
                             ).round(1)
    on_time = found["first_submitted_at"].dt.date <= found["deadline"]
    found["on_time"] = on_time.where(found["first_submitted_at"].notna())
    return found


def state_of(con: duckdb.DuckDBPyConnection, year: int, county: str, today: date) -> dict:
    """One county's row of states(); RoundRefused when no round of the year holds it."""
    found = states(con, year, county, today)
    if found.empty:
        raise RoundRefused("round.refused.no_round", year=year, region=county)
    return found.iloc[0].to_dict()


def _act(con: duckdb.DuckDBPyConnection, year: int, county: str, act: str, user: User, note: str) -> None:
    if len(note) > MAX_NOTE:
        raise RoundRefused("round.refused.note_too_long", most=MAX_NOTE)
    con.execute("insert into round_act values (?, ?, ?, ?, ?, ?)", [year, county, act, user.name, _now(), note])


def submit(con: duckdb.DuckDBPyConnection, user: User, year: int, county: str, note: str, today: date,
           catalogue: Catalogue | None = None) -> None:
    """报送: the county's clerk says its return is complete (why, when villages have sent nothing); with the
    catalogue, the value rules run again over the county (its villages without a return are now due)."""
    if not user.may_explain(county):
        raise RoundRefused("round.refused.submit", region=county)
    row = state_of(con, year, county, today)
    if row["state"] not in SUBMITTABLE:
        raise RoundRefused("round.refused.not_submittable", state=row["state"])
    missing = int(row["villages_expected"] - row["villages_reported"])
    if missing and not note.strip():
        raise RoundRefused("round.refused.why_missing", n=missing)
    _act(con, year, county, "submit", user, note.strip())
    if catalogue is not None:
        recheck(con, catalogue, [county])


def _reviewable(con: duckdb.DuckDBPyConnection, user: User, year: int, county: str, today: date) -> dict:
    row = state_of(con, year, county, today)
    if not user.may_review(county) or len(user.scope) > REVIEW_SCOPE[row["reviewer_level"]]:
        raise RoundRefused("round.refused.review", region=county, level=row["reviewer_level"])
    if row["state"] != "submitted":
        raise RoundRefused("round.refused.not_submitted", state=row["state"])
    if row["last_by"] == user.name:
        raise RoundRefused("round.refused.own_submission")
    return row


def approve(con: duckdb.DuckDBPyConnection, user: User, year: int, county: str, note: str, today: date) -> None:
    """审核通过: one level up, once every 核实 finding of the county's year is answered."""
    _reviewable(con, user, year, county, today)
    open_findings = con.execute("""select count(*) from finding where starts_with(region_code, ?) and year = ?
                                   and severity = 'verify' and state in ('open', 'to_correct')""",
                                [county, year]).fetchall()[0][0]
    if open_findings:
        raise RoundRefused("round.refused.open_findings", n=open_findings)
    _act(con, year, county, "approve", user, note.strip())


def return_submission(con: duckdb.DuckDBPyConnection, user: User, year: int, county: str, note: str,
                      today: date) -> None:
    """退回: one level up, with why."""
    _reviewable(con, user, year, county, today)
    if not note.strip():
        raise RoundRefused("round.refused.return_needs_note")
    _act(con, year, county, "return", user, note.strip())


def missing_villages(con: duckdb.DuckDBPyConnection, year: int, area: str) -> pd.DataFrame:
    """The villages (村委会) of the area's round counties that have sent no value of a measure asked for, with their
    township and county, in code order (the 催报 list)."""
    return con.execute("""
        with counties as (
            select c.code, r.measures
            from region c join report_round r on r.year = $year and starts_with(c.code, r.region_code)
            where c.level = 'county' and starts_with(c.code, $area)
            qualify row_number() over (partition by c.code order by length(r.region_code) desc) = 1
        )
        select v.code, v.name, t.name as township, c2.name as county
        from region v
        join counties c on c.code = v.county_code
        left join region t on t.code = v.township_code
        join region c2 on c2.code = v.county_code
        where v.level = 'village' and v.kind = 'village_committee' and starts_with(v.code, $area)
          and not exists (select 1 from current_observation o
                          where o.region_code = v.code and o.year = $year and o.value is not null
                            and list_contains(string_split(c.measures, ','), o.measure_id))
        order by v.code""", {"year": year, "area": area}).df()


def history(con: duckdb.DuckDBPyConnection, year: int, area: str) -> pd.DataFrame:
    """Every act of the year's rounds in or above the area, newest first."""
    return con.execute("""select a.acted_at, a.region_code, r.name as region_name, a.act, a.user_name, a.note
                          from round_act a left join region r on r.code = a.region_code
                          where a.year = ? and (starts_with(a.region_code, ?) or starts_with(?, a.region_code))
                          order by a.acted_at desc""", [year, area, area]).df()


def signed_off(found: pd.DataFrame) -> tuple[int, int]:
    """(counties approved, counties in the round) of a states() frame."""
    return int((found["state"] == "approved").sum()), len(found)


def preliminary(found: pd.DataFrame, lang: str) -> str | None:
    """初步数据（x/y 个县已审核通过） for a states() frame while its round is not signed off; None when it is, or when
    no round holds the area."""
    if found.empty:
        return None
    approved, counties = signed_off(found)
    return None if approved == counties else t("rounds.preliminary", lang, approved=approved, n=counties)
