"""Queries the dashboard pages read: assessment rows by area, level, target and village.

Every function takes a connection first and plain values after it, so ui/data.py can cache it
keyed by its arguments. Rows are the assessment's primary rows (the catalogue's growth period),
with the region's name joined.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from tracker.core import codes, settings


def assessment_rows(con: duckdb.DuckDBPyConnection, regions: tuple[str, ...] | None = None,
                    years: tuple[int, ...] | None = None, level: str | None = None, area: str | None = None,
                    target: str | None = None) -> pd.DataFrame:
    """The primary assessment rows matching every filter given, with region names, by target, region, year."""
    return con.execute(settings.sql_text("tracker.queries", "assessment_rows.sql"), {
        "regions": list(regions) if regions is not None else None,
        "years": list(years) if years is not None else None,
        "level": level, "area": area, "target": target}).df()


def village_statuses(con: duckdb.DuckDBPyConnection, area: str, target_id: str, year: int) -> pd.DataFrame:
    """The villages of `area` in one target's population that year: code, name, township, place, value,
    target, status (map points; compact on purpose)."""
    return con.execute(
        """
        select a.region_code as code, v.name, t.name as township, v.lon, v.lat, a.value, a.target_value,
               a.benchmark, a.status, a.met
        from assessment a
        join region v on v.code = a.region_code
        left join region t on t.code = v.township_code
        where a.is_primary and a.is_unit and a.level = 'village' and a.target_id = $target and a.year = $year
          and starts_with(a.region_code, $area)
        order by a.region_code
        """,
        {"area": area, "target": target_id, "year": year},
    ).df()


def village_targets(con: duckdb.DuckDBPyConnection, area: str, year: int) -> list[str]:
    """The targets with village units inside `area` that are in their plan's period in `year`."""
    rows = con.execute(
        """
        select distinct target_id from assessment
        where is_primary and is_unit and level = 'village' and year = $year and in_period
          and starts_with(region_code, $area)
        order by target_id
        """,
        {"area": area, "year": year},
    ).fetchall()
    return [r[0] for r in rows]


def places(con: duckdb.DuckDBPyConnection, region_codes: tuple[str, ...]) -> pd.DataFrame:
    """code, name, lon, lat of the given regions."""
    return con.execute("select code, name, lon, lat from region where list_contains(?, code) order by code",
                       [list(region_codes)]).df()


def find_villages(con: duckdb.DuckDBPyConnection, area: str, text: str, limit: int = 50) -> pd.DataFrame:
    """Villages of `area` whose name contains `text` or whose code starts with it (村 first, then by code)."""
    text = text.strip()
    return con.execute(
        """
        select v.code, v.name, t.name as township, c.name as county, v.kind
        from region v
        left join region t on t.code = v.township_code
        left join region c on c.code = v.county_code
        where v.level = 'village' and starts_with(v.code, $area)
          and ($text = '' or contains(v.name, $text) or starts_with(v.code, $text))
        order by v.kind <> 'village_committee', v.code
        limit $limit
        """,
        {"area": area, "text": text, "limit": limit},
    ).df()


def village_values(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The current value of every measure of a village each year, with where it came from."""
    return con.execute(
        """
        with final as (
            select o.measure_id, o.year, o.value, o.batch_id, b.source_name, o.sheet, o.row_number, o.column_name
            from current_observation o
            join batch b on b.batch_id = o.batch_id
            where o.region_code = $code
        )
        select * from final order by measure_id, year
        """,
        {"code": code},
    ).df()


def village_rows(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """A village's own rows for every target and year, with its township's and county's rows beside them."""
    rows = assessment_rows(con, regions=(code, codes.ancestor_of(code, "township"), codes.ancestor_of(code, "county")))
    return rows[rows["target_id"].isin(rows.loc[rows["region_code"] == code, "target_id"])].reset_index(drop=True)


def data_dates(con: duckdb.DuckDBPyConnection) -> dict[str, datetime | None]:
    """When the newest batch was loaded and when the assessment was computed (UTC; None when never)."""
    loaded = con.execute("select max(loaded_at) from batch").fetchall()[0][0]
    assessed = con.execute("select value from store_meta where key = 'assessed_at'").fetchall()
    return {"loaded_at": loaded.replace(tzinfo=timezone.utc) if loaded is not None else None,
            "assessed_at": datetime.fromisoformat(assessed[0][0]) if assessed else None}


def group_members(con: duckdb.DuckDBPyConnection, group_id: str) -> frozenset[str]:
    """The region codes in a group."""
    return frozenset(r[0] for r in con.execute("select region_code from group_member where group_id = ?",
                                                [group_id]).fetchall())


def missed_rows(con: duckdb.DuckDBPyConnection, area: str, year: int) -> pd.DataFrame:
    """Every village row of `area` that misses an in-scope target in `year` (the work list's lines)."""
    return con.execute(
        """
        select region_code, target_id, value, target_value, benchmark, gap, shortfall, status, true as is_unit
        from assessment
        where is_unit and level = 'village' and is_primary and in_period and year = $year and met = false
          and starts_with(region_code, $area)
        order by region_code, shortfall desc, target_id
        """,
        {"area": area, "year": year},
    ).df()


def villages_missing(con: duckdb.DuckDBPyConnection, area: str, target_years: tuple[tuple[str, int], ...],
                     most: int = 5) -> pd.DataFrame:
    """For each (target, year): how many villages of `area` miss it, and the names of the `most` furthest
    behind ('甲二村（甲镇）'). Columns target_id, villages, names (a list)."""
    return con.execute(
        """
        with wanted as (select unnest($targets) as target_id, unnest($years) as year),
        behind as (
            select a.target_id, a.region_code, a.shortfall, v.name || '（' || coalesce(t.name, '') || '）' as label
            from assessment a
            join wanted w on w.target_id = a.target_id and w.year = a.year
            join region v on v.code = a.region_code
            left join region t on t.code = v.township_code
            where a.is_primary and a.is_unit and a.level = 'village' and a.met = false
              and starts_with(a.region_code, $area)
        ),
        final as (
            select target_id, count(*) as villages,
                   (list(label order by shortfall desc, region_code))[1:$most] as names
            from behind group by target_id
        )
        select * from final order by target_id
        """,
        {"area": area, "targets": [t for t, _ in target_years], "years": [y for _, y in target_years], "most": most},
    ).df()


def reporting_counties(con: duckdb.DuckDBPyConnection, area: str, year: int) -> tuple[int, int, list[str]]:
    """(counties of `area` with any value in `year`, counties of `area`, the names of those without): how
    complete a year's returns are, in one look at the year's values."""
    waiting = unreported_counties(con, area, year)["name"].tolist()
    total = con.execute("select count(*) from region where level = 'county' and starts_with(code, ?)",
                        [area]).fetchall()[0][0]
    return int(total) - len(waiting), int(total), waiting


def unreported_counties(con: duckdb.DuckDBPyConnection, area: str, year: int) -> pd.DataFrame:
    """code, name of the counties of `area` with no value at all in `year` (their returns have not come). Any
    version of a value counts, so every observation is read, not only the current ones (no window to compute:
    the whole country's year in 0.3 s instead of 1.8)."""
    return con.execute(
        """
        with reported as (
            select distinct left(region_code, 6) as code
            from observation
            where year = $year and starts_with(region_code, $area) and length(region_code) >= 6
        )
        select c.code, c.name from region c
        where c.level = 'county' and starts_with(c.code, $area) and c.code not in (select code from reported)
        order by c.code
        """,
        {"area": area, "year": year},
    ).df()


def years(con: duckdb.DuckDBPyConnection) -> list[tuple[int, float]]:
    """(year, the share of counties that reported in it) for every year with results, oldest first."""
    return [(int(y), float(share)) for y, share in con.execute(
        """
        with counties as (select count(*) as n from region where level = 'county'),
        reported as (
            select year, count(distinct left(region_code, 6)) as n
            from current_observation where length(region_code) >= 6 group by year
        ),
        final as (
            select distinct a.year, coalesce(r.n, 0) / greatest((select n from counties), 1) as share
            from assessment a left join reported r on r.year = a.year
        )
        select * from final order by year
        """).fetchall()]


def last_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest year with assessment results (None before any)."""
    return con.execute("select max(year) from assessment").fetchall()[0][0]
