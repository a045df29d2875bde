"""Questions about the administrative map: regions, their children, counts and outlines."""

from __future__ import annotations

import json
import math

import duckdb
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from tracker.core import codes, settings
from tracker.core.i18n import t

# the units an area's map and table list: the whole country its provinces, a province or city its counties,
# a county its townships
UNIT_LEVEL_BELOW = {"nation": "province", "province": "county", "city": "county", "county": "township"}
# the outlines an area's map draws: the whole country its provinces' (2,845 county outlines would weigh
# megabytes), a province or city its counties', a county its own
OUTLINE_LEVEL = {"nation": "province", "province": "county", "city": "county", "county": "county"}


def region(con: duckdb.DuckDBPyConnection, code: str, lang: str = "zh") -> dict | None:
    """One region's row as a dict, or None when the code is not in the store. The whole country (codes.NATION)
    is a row of its own: named in `lang`, placed at the middle of the store's provinces."""
    if code == codes.NATION:
        lon, lat = con.execute("select avg(lon), avg(lat) from region where level = 'province'").fetchall()[0]
        return {"code": code, "name": t("area.nation", lang), "level": "nation", "parent_code": None,
                "province_code": None, "city_code": None, "county_code": None, "township_code": None,
                "kind": None, "lon": lon, "lat": lat, "coord_source": None}
    cur = con.execute("select * from region where code = ?", [code])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))


def names(con: duckdb.DuckDBPyConnection, region_codes: tuple[str, ...]) -> dict[str, str]:
    """{code: name} for the given codes (unknown codes are left out)."""
    rows = con.execute("select code, name from region where list_contains(?, code)", [list(region_codes)]).fetchall()
    return dict(rows)


def children(con: duckdb.DuckDBPyConnection, parent_code: str | None) -> list[tuple[str, str]]:
    """(code, name) of the units directly below a region, or the provinces for None."""
    if parent_code is None:
        sql, params = "select code, name from region where level = 'province' order by code", []
    else:
        sql, params = "select code, name from region where parent_code = ? order by code", [parent_code]
    return [tuple(r) for r in con.execute(sql, params).fetchall()]


def area_units(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """The counties of a province or city, or the townships of a county, with their counts."""
    unit_level = UNIT_LEVEL_BELOW[codes.area_level(area_code)]
    return con.execute(
        settings.sql_text("tracker.queries", "area_units.sql"),
        {"area_code": area_code, "unit_level": unit_level,
         "unit_length": codes.CODE_LENGTH[unit_level]},
    ).df()


def area_totals(con: duckdb.DuckDBPyConnection, area_code: str) -> dict[str, int]:
    """How many units of each level (and village-level units of each kind) an area holds."""
    rows = con.execute(
        """
        select level, kind, count(*) from region
        where starts_with(code, ?) and code <> ?
        group by level, kind
        """,
        [area_code, area_code],
    ).fetchall()
    totals: dict[str, int] = {}
    for level, kind, n in rows:
        totals[level] = totals.get(level, 0) + n
        if level == "village":
            totals[kind] = n
    return totals


def outlines(con: duckdb.DuckDBPyConnection, area_code: str) -> dict:
    """A GeoJSON FeatureCollection: the county outlines inside an area (a county: its own; the whole country:
    its provinces').

    A development zone has no outline of its own: for one of those the city's is given, with
    `fallback` set in its properties.
    """
    rows = con.execute(
        """
        select b.code, r.name, b.geometry, false as fallback
        from boundary as b join region as r using (code)
        where b.level = ? and starts_with(b.code, ?)
        order by b.code
        """,
        [OUTLINE_LEVEL[codes.area_level(area_code)], area_code],
    ).fetchall()
    if not rows and codes.area_level(area_code) == "county":
        rows = con.execute(
            """
            select ? as code, (select name from region where code = ?), b.geometry, true
            from boundary as b where b.code = ?
            """,
            [area_code, area_code, area_code[:4]],
        ).fetchall()
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(geometry),
             "properties": {"code": code, "name": name, "fallback": fallback}}
            for code, name, geometry, fallback in rows
        ],
    }


# degrees; ≈ 3 km, 400 m and 200 m, below a pixel at their zoom
OUTLINE_TOLERANCE = {"nation": 0.03, "province": 0.004, "city": 0.002}


def map_outlines(con: duckdb.DuckDBPyConnection, area_code: str) -> dict:
    """outlines() simplified for drawing the whole area at once: a province's county outlines need far
    fewer points than a county's own (what the browser receives shrinks by two thirds)."""
    collection = outlines(con, area_code)
    tolerance = OUTLINE_TOLERANCE.get(codes.area_level(area_code))
    return simplified(collection, tolerance) if tolerance else collection


def points(con: duckdb.DuckDBPyConnection, area_code: str, level: str) -> pd.DataFrame:
    """code, name, kind, lon, lat of the units of `level` inside an area."""
    return con.execute(
        "select code, name, kind, lon, lat from region where level = ? and starts_with(code, ?) order by code",
        [level, area_code],
    ).df()


def bounds(collection: dict) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of a FeatureCollection, None when it is empty."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in collection["features"]:
        walk(feature["geometry"]["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def simplified(collection: dict, tolerance: float) -> dict:
    """The outlines simplified to `tolerance` degrees (0.002 ≈ 200 m, invisible at a province's zoom),
    coordinates kept to a tenth of the tolerance's order (4 decimals for a province, 3 for the country);
    properties unchanged. Every island stays (a map of China shows 南海诸岛)."""
    grid = 10 ** math.floor(math.log10(tolerance / 10))
    features = []
    for feature in collection["features"]:
        geometry = shapely.set_precision(shape(feature["geometry"]).simplify(tolerance, preserve_topology=True), grid)
        features.append({**feature, "geometry": mapping(geometry)})
    return {**collection, "features": features}
