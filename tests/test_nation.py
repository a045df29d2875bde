"""The whole country as an area (codes.NATION, ?province=all, --region all), on the small world worked out by
hand (tests/assess/, tests/test_assess.py): one province, 江西省, whose city 上饶市 sets the targets. Every
target is shown at the region it is set for, the provinces are ranked on the targets set inside them, and the
maps summarise villages into counties over the provinces' outlines."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from tests.conftest import WORLD, read_store
from tracker.core import codes
from tracker.core.catalogue import load_catalogue
from tracker.queries import geography
from tracker.views import comparison, lagging, overview, region

CATALOGUE = WORLD / "catalogue.yaml"
SQUARE = {"type": "Polygon", "coordinates": [[[117.0, 28.0], [119.0, 28.0], [119.0, 29.0], [117.0, 29.0],
                                              [117.0, 28.0]]]}


@pytest.fixture(scope="module")
def outlined(world, tmp_path_factory):
    """The world with an outline for its province (the world has none), so the whole country's map draws."""
    db = tmp_path_factory.mktemp("nation") / "world.duckdb"
    shutil.copy(world, db)
    con = duckdb.connect(str(db))
    con.execute("insert into boundary values ('36', 'province', ?)", [json.dumps(SQUARE)])
    con.close()
    return db


def test_the_whole_country_is_an_area_of_its_own():
    assert codes.area_level(codes.NATION) == "nation" and codes.area_level("3611") == "city"
    assert [codes.below(a) for a in (codes.NATION, "36", "3611", "361123")] == ["province", "city", "county",
                                                                                  "township"]
    with pytest.raises(ValueError):
        codes.level_of(codes.NATION)  # not an NBS code: only an area


def test_the_whole_country_shows_every_target_where_it_is_set(world):
    con, cat = read_store(world), load_catalogue(CATALOGUE)
    whole = overview.build(con, cat, codes.NATION, 2022, "zh")
    # one province in the world: the same cards as 江西省's, each at the region its target is set for
    province = overview.build(con, cat, "36", 2022, "zh")
    assert [(c.target_id, c.region_code, c.value) for c in whole.cards] == \
        [(c.target_id, c.region_code, c.value) for c in province.cards]
    assert {c.target_id: c.region_code for c in whole.cards}["t_gig"] == "361123"  # 玉山县's own target
    plan = next(c for c in whole.cards if c.target_id == "t_plan")  # golden/plan_city_2022.csv: 3 of 4 key villages
    assert (plan.region_code, plan.status, plan.value) == ("3611", "missed", "75.0%")
    assert whole.area_name == "全国" and whole.summary()[0].startswith("全国 2022 年纳入评估的")
    assert overview.build(con, cat, codes.NATION, 2022, "en").area_name == "China"
    # the matrix's rows are the cities (a province would have a row for its province-wide targets alone)
    assert whole.sub_level == "city" and set(whole.cells["region_code"]) == {"3611"}
    assert whole.reporting == (2, 2)  # both counties reported in 2022


def test_the_whole_country_lists_its_provinces_with_their_counts(world):
    con = read_store(world)
    units = geography.area_units(con, codes.NATION)
    # regions.csv by hand: 2 counties, 3 townships, 8 村委会 (2xx), 1 居委会 (甲镇社区, 001)
    assert units[["code", "name", "counties", "townships", "village_committees", "residents_committees"]
                 ].values.tolist() == [["36", "江西省", 2, 3, 8, 1]]
    view = region.region_view(geography.map_outlines(con, codes.NATION), units, None, codes.NATION, "en")
    assert view.map is None  # the world has no outlines
    assert view.words == ["Name", "Code"]  # the text columns (a province has no kind or parent to name)
    assert view.table.columns.tolist() == ["Name", "Code", "County-level units", "Townships", "Village committees",
                                           "Residents' committees", "Other village-level units"]


def test_the_whole_countrys_map_sums_villages_into_counties(outlined):
    con, cat = read_store(outlined), load_catalogue(CATALOGUE)
    view = lagging.build(con, cat, codes.NATION, 2022, "zh", "target", "t_water", 3)
    drawing = view.map.drawing
    # t_water's key villages in 2022: 甲一村 95 (met), 甲二村 45, 乙一村 no return (玉山县); 丙一村 80 (铅山县)
    assert [(p[5], p[4]) for p in drawing["points"]] == [
        ("361123", "玉山县 361123\n1/3 个村达标（33%）\n1 个村无数据"),
        ("361124", "铅山县 361124\n0/1 个村达标（0%）\n0 个村无数据")]
    assert [o[2].split("\n")[0] for o in drawing["outlines"]] == ["江西省"]  # the provinces' outlines, not the counties'
    assert view.map.legend == "lagging.legend.county" and view.area_name == "全国"
    assert view.map.layer == lagging.SUMMARIES  # a click on a county's point opens nothing
    missed = lagging.build(con, cat, codes.NATION, 2022, "zh", "missed", None, 1)
    by_county = missed.lagging.groupby(missed.lagging["village_code"].str[:6]).size().to_dict()
    assert {p[5]: p[4].split("\n")[1] for p in missed.map.drawing["points"]} == {
        code: f"{n} 个村未达标" for code, n in by_county.items()}
    # no village point is sent for the whole country
    assert sum(by_county.values()) == len(missed.lagging) > 0 and missed.map.layer == lagging.SUMMARIES


def test_the_whole_country_compares_the_counties_in_each_targets_scope(world):
    con, cat = read_store(world), load_catalogue(CATALOGUE)
    whole = comparison.build(con, cat, codes.NATION, 2022, "zh", "t_water", ())
    province = comparison.build(con, cat, "36", 2022, "zh", "t_water", ())
    assert whole.level == "county" and whole.ranking_table.equals(province.ranking_table)
    assert whole.area_name == "全国"
