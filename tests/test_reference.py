"""The committed reference geography (data/reference/) and the step that derives it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from etl import placement
from etl.build import BOUNDARIES_FILE, REGIONS_FILE
from etl.reference import build_reference
from tracker.core import codes, settings

VILLAGE_COMMITTEES = 487_144
# county-level units with neither an outline of their own nor one under their name: 大兴安岭's 松岭/新林/呼中区,
# 三沙's island groups, 大柴旦行政委员会 and the two newest 兵团 cities
COUNTIES_WITHOUT_OUTLINE = {"232762", "232763", "232764", "460321", "460322", "460323", "632857", "659011", "659012"}
JIANGSU_DEV_ZONES = {"320371", "320576", "320671", "320771", "320871", "320971", "321071", "321171", "321371"}


def _read(path: Path) -> pd.DataFrame:
    con = settings.connect()
    frame = con.execute("select * replace (lon::varchar as lon, lat::varchar as lat) from read_parquet(?)",
                        [str(path)]).df()
    return frame.fillna("")


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return _read(settings.REFERENCE_DIR / REGIONS_FILE)


@pytest.fixture(scope="module")
def outlines() -> dict[str, dict[str, shapely.Geometry]]:
    con = settings.connect()
    rows = con.execute("select level, code, geometry from read_parquet(?)",
                       [str(settings.REFERENCE_DIR / BOUNDARIES_FILE)]).fetchall()
    out: dict[str, dict[str, shapely.Geometry]] = {"province": {}, "city": {}, "county": {}}
    for level, code, geometry in rows:
        out[level][code] = shape(json.loads(geometry))
    return out


def test_counts_per_level_and_kind(regions):
    by_level = regions["level"].value_counts().to_dict()
    assert by_level == {"province": 31, "city": 342, "county": 2_978, "township": 41_352, "village": 620_573}
    committees = regions[(regions["level"] == "village") & (regions["kind"] == "village_committee")]
    assert len(committees) == VILLAGE_COMMITTEES  # about 490,000 村委会 in the country
    assert (committees["code"].str[:2] == "32").sum() == 13_263
    assert (committees["code"].str[:2] == "36").sum() == 16_884
    jiangsu_jiangxi = regions[regions["code"].str[:2].isin(["32", "36"])]["level"].value_counts().to_dict()
    assert jiangsu_jiangxi == {"province": 2, "city": 24, "county": 204, "township": 3_254, "village": 44_038}


@pytest.mark.slow
def test_codes_parents_and_kinds_follow_the_nbs_rules(regions):
    known = set(regions["code"])
    for row in regions.itertuples():
        assert codes.level_of(row.code) == row.level
        assert (row.parent_code or None) == codes.parent_of(row.code)
        assert row.parent_code == "" or row.parent_code in known, row.code
        assert (row.kind or None) == codes.kind_of(row.code, row.name), row.code


def test_counties_without_an_outline_are_placed_in_their_city_and_say_so(regions, outlines):
    counties = regions[regions["level"] == "county"]
    without = set(counties["code"]) - set(outlines["county"])
    assert JIANGSU_DEV_ZONES <= without
    zones = set(counties[counties["kind"] == "development_zone"]["code"])
    assert without - zones == COUNTIES_WITHOUT_OUTLINE  # new units the outlines do not know yet
    assert without <= zones | COUNTIES_WITHOUT_OUTLINE
    zone_units = regions[regions["code"].str[:6].isin(without)]
    assert set(zone_units["coord_source"]) == {"synthetic_city_polygon"}
    others = regions[regions["level"].isin(["township", "village"]) & ~regions["code"].str[:6].isin(without)]
    assert set(others["coord_source"]) == {"synthetic"}


def test_renamed_counties_take_their_outline_by_name(outlines):
    """会理县 513425 became 会理市 513402, 沙湾县 654223 沙湾市 654203: the outlines still carry the old codes."""
    for new in ("513402", "654203", "532302", "610305", "232761"):
        assert new in outlines["county"], new


def test_cities_without_an_outline_are_the_union_of_their_counties(outlines):
    for city in ("4190", "4290", "4690", "5001", "5002", "6590"):
        counties = [g for code, g in outlines["county"].items() if code[:4] == city]
        assert counties and outlines["city"][city].covers(shapely.union_all(counties).representative_point())


def test_every_point_lies_inside_its_polygon(regions, outlines):
    placed = regions[regions["level"].isin(["county", "township", "village"])]
    for county, units in placed.groupby(placed["code"].str[:6]):
        polygon = outlines["county"].get(county) or outlines["city"][county[:4]]
        inside = shapely.contains_xy(polygon, units["lon"].astype(float), units["lat"].astype(float))
        assert inside.all(), f"{county}: {units.loc[~inside, 'code'].tolist()[:5]} outside"


def test_the_reference_files_are_small(outlines):
    """Every province in about 12 MB: the outlines under 5 MB, the regions under 10 MB."""
    assert (settings.REFERENCE_DIR / BOUNDARIES_FILE).stat().st_size < 5_000_000
    assert (settings.REFERENCE_DIR / REGIONS_FILE).stat().st_size < 10_000_000
    assert all(g.is_valid and not g.is_empty for level in outlines.values() for g in level.values())


@pytest.mark.parametrize("county", ["320721", "361127", "320771", "654203", "469001"])
def test_committed_points_are_the_deterministic_placement(regions, outlines, county):
    """Placing a county's units again from the committed outline gives the committed points."""
    polygon = outlines["county"].get(county) or outlines["city"][county[:4]]
    units = regions[regions["code"].str.startswith(county)]
    towns = units[units["level"] == "township"]
    town_xy = placement.township_points(polygon, towns["code"].tolist())
    radius = placement.township_radius(polygon, len(towns))
    for town in towns.itertuples():
        assert town_xy[town.code] == (float(town.lon), float(town.lat))
        villages = units[(units["level"] == "village") & units["code"].str.startswith(town.code)]
        xy = placement.village_points(polygon, town_xy[town.code], radius, villages["code"].tolist())
        assert [xy[c] for c in villages["code"]] == list(zip(villages["lon"].astype(float),
                                                             villages["lat"].astype(float)))


def test_uniforms_depend_on_the_key_only():
    a = placement.uniforms("361127100201", 10)
    assert a == placement.uniforms("361127100201", 10)
    assert a != placement.uniforms("361127100202", 10)
    assert all(0 <= u < 1 for u in a)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _square(x: float, y: float, size: float) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


@pytest.fixture
def tiny_sources(tmp_path: Path) -> tuple[Path, Path]:
    """A province 99 with one city, one county with an outline and one development zone."""
    dist, land = tmp_path / "dist", tmp_path / "land"
    dist.mkdir()
    land.mkdir()
    _write_csv(dist / "provinces.csv", ["code", "name"], [["99", "测试省"], ["98", "别省"]])
    _write_csv(dist / "cities.csv", ["code", "name", "provinceCode"], [["9901", "测试市", "99"]])
    _write_csv(dist / "areas.csv", ["code", "name", "cityCode", "provinceCode"],
               [["990121", "测试县", "9901", "99"], ["990171", "测试经济技术开发区", "9901", "99"]])
    _write_csv(dist / "streets.csv", ["code", "name", "areaCode", "provinceCode", "cityCode"],
               [["990121100", "甲镇", "990121", "99", "9901"], ["990121200", "乙乡", "990121", "99", "9901"],
                ["990171001", "丙街道", "990171", "99", "9901"]])
    villages = [[f"990121100{n}", f"甲{n}村", "990121100", "99", "9901", "990121"] for n in ("201", "202", "203")]
    villages += [["990121200201", "乙一村", "990121200", "99", "9901", "990121"],
                 ["990171001001", "丙社区居委会", "990171001", "99", "9901", "990171"]]
    _write_csv(dist / "villages.csv", ["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"], villages)
    (land / "990000.geojson").write_text(json.dumps(_square(100, 30, 2)))
    (land / "990100.geojson").write_text(json.dumps(_square(100, 30, 2)))
    (land / "990121.geojson").write_text(json.dumps(_square(100, 30, 1)))
    return dist, land


def test_derivation_end_to_end_is_deterministic(tiny_sources, tmp_path):
    dist, land = tiny_sources
    counts = build_reference(dist, land, {"99"}, tmp_path / "a")
    build_reference(dist, land, {"99"}, tmp_path / "b")
    assert counts == {"province": 1, "city": 1, "county": 2, "township": 3, "village": 5}
    for name in (REGIONS_FILE, BOUNDARIES_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    rows = {r["code"]: r for r in _read(tmp_path / "a" / REGIONS_FILE).to_dict("records")}
    assert rows["990121100201"]["kind"] == "village_committee"
    assert rows["990171001001"]["kind"] == "residents_committee"
    assert rows["990171"]["kind"] == "development_zone"
    assert rows["990171001001"]["coord_source"] == "synthetic_city_polygon"
    assert rows["990121100201"]["coord_source"] == "synthetic"
    for code in ("990121100201", "990121100202", "990121200201"):
        assert 100 < float(rows[code]["lon"]) < 101 and 30 < float(rows[code]["lat"]) < 31
    assert not any(code.startswith("98") for code in rows)


def test_derivation_names_a_missing_input(tmp_path):
    with pytest.raises(AssertionError, match="provinces.csv not found"):
        build_reference(tmp_path, tmp_path, {"99"}, tmp_path / "out")
