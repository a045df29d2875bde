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
from tracker.core.audit import MAX_NOTE, assess_counted, recheck
from tracker.core.catalogue import Catalogue
from tracker.core.i18n import t
from tracker.core.status import FINDING_OPEN

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
    township_deadline: date | None = None  # when townships report (gather their villages' returns) first


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
    return Round(year, region, deadline, tuple(measures), reviewer_level, user.name, now, township_deadline)


def rounds(con: duckdb.DuckDBPyConnection, year: int, area: str) -> list[Round]:
    """The rounds of `year` that hold the area or lie inside it, the most local last."""
    rows = con.execute("""select year, region_code, deadline, measures, reviewer_level, opened_by, opened_at,
                                 township_deadline
                          from report_round where year = ? and (starts_with(?, region_code) or starts_with(region_code, ?))
                          order by length(region_code), region_code""", [year, area, area]).fetchall()
    return [Round(y, r, d, tuple(m.split(",")), lv, by, at, td) for y, r, d, m, lv, by, at, td in rows]


def _villages_sql() -> str:
    return settings.sql_text("tracker.core", "round_villages.sql")


def _beijing_day(moments: pd.Series) -> pd.Series:
    """UTC timestamps (naive, as the store keeps them) as the midnight of their Beijing day (UTC+8)."""
    return (pd.to_datetime(moments) + pd.Timedelta(hours=8)).dt.normalize()


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(1)


def states(con: duckdb.DuckDBPyConnection, year: int, area: str, today: date) -> pd.DataFrame:
    """Each county of the area in its round: the counts, the last act, the state, 超期 (late), the days to the
    deadline (negative: past it), whether its first 报送 came by the deadline, and its rates: 完整率 (values sent of
    those asked for), 及时率 (villages that sent by the deadline), 审核通过率 (values sent that pass the plausibility
    rules: neither refused nor held for 核实); none when no round holds it."""
    found = con.execute(settings.sql_text("tracker.core", "round_states.sql").replace("{villages}", _villages_sql()),
                        {"year": year, "area": area, "today": today, "held": list(FINDING_OPEN)}).df()
    found["deadline"] = pd.to_datetime(found["deadline"]).dt.date
    found["late"] = found["state"].isin(LATE_STATES) & (found["days_left"] < 0)
    found["complete_pct"] = _pct(found["values_sent"], found["values_expected"])
    found["on_time_pct"] = _pct(found["villages_on_time"], found["villages_expected"])
    found["passed_pct"] = _pct(found["values_sent"] - found["values_held"], found["values_sent"] + found["values_refused"])
    on_time = _beijing_day(found["first_submitted_at"]) <= pd.to_datetime(found["deadline"])
    found["on_time"] = on_time.where(found["first_submitted_at"].notna())
    return found


def villages(con: duckdb.DuckDBPyConnection, year: int, area: str) -> pd.DataFrame:
    """Each village (村委会) of the area in its round: township and county, deadlines, measures asked and sent, when its
    first value arrived (round_villages.sql)."""
    return con.execute(_villages_sql(), {"year": year, "area": area}).df()


def township_states(con: duckdb.DuckDBPyConnection, year: int, area: str, today: date) -> pd.DataFrame:
    """Each township of the area in its round, from its villages' returns (townships gather them; they make no act):
    未报送 (no village has sent), 部分报送 (some measures of some villages missing), 已报齐 (every village every
    measure), 超期 past the township deadline (the county's when the round sets none) while not complete; the
    villages sent and complete, the values, the days to the deadline."""
    found = villages(con, year, area)
    if found.empty:
        return pd.DataFrame(columns=["region_code", "region_name", "county_name", "villages_expected",
                                     "villages_reported", "villages_complete", "values_sent", "values_expected",
                                     "complete_pct", "state", "deadline", "days_left", "late"])
    found = found.assign(reported=found["measures_sent"] > 0,
                         complete=found["measures_sent"] >= found["measures_asked"])
    towns = found.groupby("township_code", as_index=False).agg(
        county_name=("county_name", "first"), villages_expected=("code", "size"), villages_reported=("reported", "sum"),
        villages_complete=("complete", "sum"), values_sent=("measures_sent", "sum"),
        values_expected=("measures_asked", "sum"), deadline=("township_deadline", "first"))
    names = dict(con.execute("select code, name from region where list_contains(?, code)",
                             [towns["township_code"].tolist()]).fetchall())
    towns.insert(1, "region_name", towns["township_code"].map(names))
    towns = towns.rename(columns={"township_code": "region_code"})
    towns["complete_pct"] = _pct(towns["values_sent"], towns["values_expected"])
    towns["state"] = ["not_sent" if r == 0 else "complete" if c == n else "partial" for r, c, n in
                      zip(towns["villages_reported"], towns["villages_complete"], towns["villages_expected"])]
    towns["deadline"] = pd.to_datetime(towns["deadline"]).dt.date
    towns["days_left"] = [(d - today).days for d in towns["deadline"]]
    towns["late"] = (towns["state"] != "complete") & (towns["days_left"] < 0)
    return towns


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
        _due_now(con, catalogue, [county])


def _due_now(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, counties: list[str]) -> None:
    """The counties' returns are now due (submitted, or the deadline passed): the value rules run again over them (the
    'stopped reporting' rule now finds their villages without a value), and the assessment is redone when such a rule
    holds values back (a rule of severity note does not)."""
    recheck(con, catalogue, counties)
    if any(r.kind == "missing" and r.severity != "note" for r in catalogue.audit.values()):
        assess_counted(con, catalogue)


SWEPT = "round_due:"  # store_meta key prefix: a round whose deadline the rules have seen pass (value: that deadline)


def overdue(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """The rounds whose deadline has passed (as the value rules read the date) since the rules last ran over their
    counties: their villages without a return became due with no load or act to run the rules."""
    return con.execute("""select r.year, r.region_code from report_round r
                          left join store_meta m on m.key = ? || r.year || ':' || r.region_code
                          where current_date > r.deadline and m.value is distinct from r.deadline::varchar
                          order by r.year, r.region_code""", [SWEPT]).fetchall()


def sweep(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[tuple[int, str]]:
    """Inside a store write: run the value rules over the counties of every overdue round and mark it seen (the app
    does this before a page reads, as it reassesses after a catalogue edit). Returns the rounds swept."""
    due = overdue(con)
    if due:  # the rules over every county of those rounds, and the assessment, once
        _due_now(con, catalogue, [c for (c,) in con.execute(
            "select code from region where level = 'county' and list_has_any(?, [left(code, 2), left(code, 4)])",
            [sorted({region for _, region in due})]).fetchall()])
    for year, region in due:
        key = f"{SWEPT}{year}:{region}"
        con.execute("delete from store_meta where key = ?", [key])
        con.execute("insert into store_meta select ?, deadline::varchar from report_round "
                    "where year = ? and region_code = ?", [key, year, region])
    return due


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
    return con.execute("with v as (" + _villages_sql() + """)
        select v.code, r.name, t.name as township, v.county_name as county
        from v
        join region r on r.code = v.code
        left join region t on t.code = v.township_code
        where v.measures_sent = 0
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
