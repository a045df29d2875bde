"""Queries of the 数据审核 findings (the table `finding`, tracker/core/audit.py): lists, counts, history."""

from __future__ import annotations

import duckdb
import pandas as pd

from tracker.core.audit import OPEN, findings  # the listing lives with the audit (the command line reads it)

__all__ = ["counts", "findings", "held", "held_values", "history", "summary"]


def counts(con: duckdb.DuckDBPyConnection, area: str, year: int | None = None) -> pd.DataFrame:
    """county_code, county, rule_id, severity, state, n: the findings inside `area` by county, rule and state."""
    return con.execute(
        """
        select coalesce(r.county_code, f.region_code) as county_code, coalesce(c.name, r.name) as county,
               f.rule_id, f.severity, f.state, count(*) as n
        from finding f
        join region r on r.code = f.region_code
        left join region c on c.code = r.county_code
        where starts_with(f.region_code, $area) and ($year is null or f.year = $year)
        group by all order by 1, 3, 5
        """,
        {"area": area, "year": year},
    ).df()


def history(con: duckdb.DuckDBPyConnection, finding_id: int) -> pd.DataFrame:
    """Every action on a finding, oldest first: when, who, what, the state after, the 说明 (留痕)."""
    return con.execute("select acted_at, user_name, action, state, note from finding_action where finding_id = ? "
                       "order by acted_at, action", [finding_id]).df()


def held_values(con: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """The values of a unit that findings flag: measure, year, rule, severity, state, the latest 说明."""
    frame = findings(con, region, states=(*OPEN, "accepted"))
    return frame[frame["region_code"] == region].reset_index(drop=True)


def summary(con: duckdb.DuckDBPyConnection, area: str, year: int) -> dict[str, int]:
    """How the year's findings inside `area` stand: all (refused ones apart), explained or accepted, to correct,
    awaiting an answer, refused at load."""
    row = con.execute(
        """
        select count(*) filter (where state <> 'rejected' and state <> 'closed'),
               count(*) filter (where state in ('explained', 'accepted')),
               count(*) filter (where state in ('to_correct', 'returned')),
               count(*) filter (where state = 'open' and severity <> 'note'),
               count(*) filter (where state = 'rejected')
        from finding where starts_with(region_code, $area) and year = $year
        """, {"area": area, "year": year}).fetchall()[0]
    return dict(zip(("findings", "explained", "to_correct", "waiting", "refused"), map(int, row)))


def held(con: duckdb.DuckDBPyConnection, area: str, year: int) -> pd.DataFrame:
    """region_code, measure_id, state of the year's values inside `area` that findings hold out of the
    assessment (error and verify findings not yet accepted)."""
    return con.execute(
        "select region_code, measure_id, state from finding where starts_with(region_code, $area) and year = $year "
        "and severity in ('error', 'verify') and list_contains($states, state)",
        {"area": area, "year": year, "states": list(OPEN)}).df()


def township_median(con: duckdb.DuckDBPyConnection, region_code: str, measure_id: str, year: int) -> float | None:
    """The median of a measure that year over the villages of a village's township (what a reviewer compares
    a finding's value with)."""
    return con.execute(
        """
        select median(o.value) from current_observation o
        join region v on v.code = o.region_code
        where v.township_code = (select township_code from region where code = $code)
          and o.measure_id = $measure and o.year = $year and v.level = 'village'
        """, {"code": region_code, "measure": measure_id, "year": year}).fetchall()[0][0]
