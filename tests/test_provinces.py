"""Every province: a store holds the provinces it is initialised with, and a province adds its own targets in a
file beside indicators.yaml — end to end, as docs/provinces.md tells a new province to do it."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.build import init_store, known_regions
from tests.conftest import ROOT, cards_shown, read_store
from tracker.core import settings
from tracker.core.catalogue import CatalogueError, load_catalogue

PROVINCE = Path(__file__).parent / "province"  # a province file and its (made-up) policy text
COUNTY = "330127"  # 淳安县, Zhejiang


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    """indicators.yaml with Zhejiang's file beside it, and the policy texts of both, in a folder of their own."""
    shutil.copy(ROOT / "indicators.yaml", tmp_path / "indicators.yaml")
    shutil.copy(PROVINCE / "indicators-33.yaml", tmp_path / "indicators-33.yaml")
    policies = tmp_path / "policies"
    shutil.copytree(settings.POLICY_DIR, policies)
    shutil.copy(PROVINCE / "zhejiang-test-water-2021.txt", policies)
    return {"catalogue": tmp_path / "indicators.yaml", "policies": policies, "db": tmp_path / "zj.duckdb"}


def test_a_province_file_is_read_with_the_main_one_and_says_where_each_target_came_from(setup):
    cat = load_catalogue(setup["catalogue"], policy_dir=setup["policies"], regions=known_regions())
    main = load_catalogue(regions=known_regions())
    assert set(cat.targets) - set(main.targets) == {"zj_tap_water_95", "zj_sanitary_toilet_98"}
    assert cat.origin("targets", "zj_tap_water_95") == "indicators-33.yaml"
    assert cat.origin("targets", "sr_tap_water_90") == "indicators.yaml"
    assert cat.origin("documents", "zj-test-2021") == "indicators-33.yaml"
    assert cat.provinces() == ["32", "33", "36"]
    assert [f.name for f in cat.files] == ["indicators.yaml", "indicators-33.yaml"]
    assert cat.sha256 != main.sha256  # an assessment knows it was made with the province file


def test_a_province_file_is_checked_like_the_main_one_and_its_problems_name_it(setup):
    text = (PROVINCE / "indicators-33.yaml").read_text(encoding="utf-8")
    text = text.replace('population: {region: "33", level: village, kind: village_committee}\n    region_reading: '
                        '{kind: aggregate', 'population: {region: "3611", level: village}\n    region_reading: '
                        '{kind: aggregate', 1)
    text = text.replace("measure: sanitary_toilet_rate", "measure: toilets")
    text = text.replace("quote: 行政村卫生厕所普及率达到98%以上", "quote: 卫生厕所普及率达到100%")
    (setup["catalogue"].parent / "indicators-33.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(setup["catalogue"], policy_dir=setup["policies"], regions=known_regions())
    problems = caught.value.problems
    assert "indicators-33.yaml: targets[0] (zj_tap_water_95).population.region: 3611 is outside this file's " \
           "province 33" in problems
    assert "indicators-33.yaml: targets[1] (zj_sanitary_toilet_98).measure: unknown measure 'toilets'" in problems
    assert any(p.startswith("indicators-33.yaml: targets[1] (zj_sanitary_toilet_98).source.quote: not found in "
                            "zhejiang-test-water-2021.txt") for p in problems), problems
    # an id the main file already uses
    (setup["catalogue"].parent / "indicators-33.yaml").write_text(
        (PROVINCE / "indicators-33.yaml").read_text(encoding="utf-8").replace("id: zj_tap_water_95",
                                                                           "id: sr_tap_water_90"), encoding="utf-8")
    with pytest.raises(CatalogueError, match="targets: duplicate id 'sr_tap_water_90'"):
        load_catalogue(setup["catalogue"], policy_dir=setup["policies"], regions=known_regions())


@pytest.mark.slow
def test_a_store_holds_the_provinces_it_is_initialised_with(tmp_path):
    counts = init_store(tmp_path / "s.duckdb", provinces=["33", "34"])
    assert counts["province"] == 2
    con = read_store(tmp_path / "s.duckdb")
    assert con.execute("select distinct province_code from region order by 1").fetchall() == [("33",), ("34",)]
    committees = con.execute("select count(*) from region where level = 'village' and kind = 'village_committee'")
    assert 30_000 < committees.fetchone()[0] < 40_000  # Zhejiang and Anhui, about 34,000
    assert con.execute("select count(distinct code) from boundary where level = 'county'").fetchone()[0] > 150
    assert con.execute("select count(*) from group_member").fetchone()[0] == 0  # the catalogue's lists are 32's
    assert con.execute("select value from store_meta where key = 'provinces'").fetchone()[0] == "33,34"
    default = init_store(tmp_path / "d.duckdb")  # by default: the provinces the catalogue's targets name
    assert default["province"] == 2
    assert read_store(tmp_path / "d.duckdb").execute(
        "select string_agg(code, ',' order by code) from region where level = 'province'").fetchone()[0] == "32,36"


def test_an_unknown_province_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="province 99 is not in the reference geography"):
        init_store(tmp_path / "s.duckdb", provinces=["33", "99"])
    assert not (tmp_path / "s.duckdb").exists()


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


@pytest.mark.slow
def test_a_new_province_from_init_to_its_first_briefing(setup, tmp_path, open_app, use_settings, users_file):
    """The steps of docs/provinces.md for a new province: init with its code, its file beside indicators.yaml, check, template,
    load a county's return, then its briefing — with the verdicts worked out by hand."""
    env = {**os.environ, "TRACKER_DB": str(setup["db"]), "TRACKER_CATALOGUE": str(setup["catalogue"]),
           "TRACKER_POLICIES": str(setup["policies"])}
    init = _run(env, "etl", "init", "--provinces", "33")
    counts = dict(line.split() for line in init.stdout.splitlines()[1:])
    assert counts == {"province": "1", "city": "11", "county": "90", "township": "1,387", "village": "25,547"}
    check = _run(env, "etl", "check")
    ours = len(load_catalogue().targets)  # the main catalogue's, and the province file's two
    assert "indicators.yaml + " in check.stdout and f"indicators-33.yaml: ok — {ours + 2} targets" in check.stdout
    _run(env, "etl", "template", "--region", COUNTY, "--year", "2025", "--out", str(tmp_path / "form.xlsx"))
    assert (tmp_path / "form.xlsx").stat().st_size > 5_000

    con = read_store(setup["db"])
    villages = [c for (c,) in con.execute(
        "select code from region where county_code = ? and kind = 'village_committee' order by code",
        [COUNTY]).fetchall()]
    con.close()
    assert len(villages) > 100
    # every village 100 households; tap water: half at 100%, half at 92% (the county 96% ≥ 95%: met);
    # toilets: every village at 99% but the first, at 97% (every village must reach 98%: missed)
    rows = []
    for i, code in enumerate(villages):
        for year in (2020, 2025):
            tap = 100 if i % 2 == 0 else 92
            toilet = 97 if i == 0 else 99
            rows.append([code, year, 100, tap if year == 2025 else 85, toilet if year == 2025 else 90])
    return_file = tmp_path / "淳安县2025年报表.csv"
    with return_file.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["区划代码", "年份", "households", "tap_water_rate", "sanitary_toilet_rate"])
        w.writerows(rows)
    load = _run(env, "etl", "load", str(return_file), "--region", COUNTY)
    assert "published" in load.stdout

    tap = _run(env, "tracker", "assess", "--target", "zj_tap_water_95", "--year", "2025", "--level", "county")
    line = next(row for row in csv.DictReader(tap.stdout.splitlines()) if row["region_code"] == COUNTY)
    expected = (len(villages[::2]) * 100 + len(villages[1::2]) * 92) / len(villages)
    assert float(line["value"]) == pytest.approx(expected)
    assert line["status"] == "met_on_time"  # met in its deadline year
    toilet = _run(env, "tracker", "assess", "--target", "zj_sanitary_toilet_98", "--year", "2025", "--level", "county")
    line = next(row for row in csv.DictReader(toilet.stdout.splitlines()) if row["region_code"] == COUNTY)
    assert line["status"] == "missed"
    assert int(line["units_met"]) == len(villages) - 1

    _run(env, "tracker", "briefing", "--region", COUNTY, "--year", "2025", "--out", str(tmp_path / "b.html"))
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "淳安县" in html and "行政村自来水普及率达到95%" in html

    use_settings(policies=setup["policies"])  # the app reads the policy texts there too
    at = open_app(setup["db"], catalogue=setup["catalogue"], users=users_file, user="admin",
                  params={"province": "33", "city": "3301", "county": COUNTY, "year": "2025"})
    assert not at.exception
    assert at.sidebar.selectbox[0].options == ["浙江省"]  # the store's one province
    values = [c["value"] for c in cards_shown(at).values()]
    assert f"{expected:.1f}%" in values, values
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.exception
    for i in range(len(at.expander) - 1):  # every document's panel opened (each table is built when opened)
        at.session_state[f"catalogue.section.document...{i}"] = True
    at.run()
    files = {f for d in at.dataframe if "文件" in d.value.columns for f in d.value["文件"]}
    assert files == {"indicators.yaml", "indicators-33.yaml"}


@pytest.mark.slow
def test_init_keeps_a_store_with_data_and_adds_a_province_to_it(tmp_path, capsys):
    """`etl init` on a store holding loaded returns refuses (everything would be lost); `--add` adds a province's
    geography, keeping every value, and `--replace` is how to start again."""
    from etl.__main__ import main
    from etl.load import load_files

    db = tmp_path / "s.duckdb"
    init_store(db, provinces=["33"])
    village = read_store(db).execute("select min(code) from region where county_code = ? and kind = "
                                     "'village_committee'", [COUNTY]).fetchone()[0]
    (tmp_path / "r.csv").write_text(f"区划代码,年份,tap_water_rate\n{village},2025,96\n", encoding="utf-8")
    assert [r.status for r in load_files(db, [tmp_path / "r.csv"])] == ["loaded"]

    assert main(["init", "--db", str(db), "--provinces", "34"]) == 1
    assert "already holds 1 loaded batches" in capsys.readouterr().err
    assert main(["init", "--db", str(db), "--add", "--provinces", "34"]) == 0
    assert "provinces added to" in capsys.readouterr().out
    con = read_store(db)
    assert con.execute("select string_agg(code, ',' order by code) from region where level = 'province'"
                       ).fetchone()[0] == "33,34"
    assert con.execute("select value from observation where region_code = ?", [village]).fetchall() == [(96.0,)]
    assert con.execute("select value from store_meta where key = 'provinces'").fetchone()[0] == "33,34"
    con.close()
    assert main(["init", "--db", str(db), "--replace", "--provinces", "34"]) == 0
    assert read_store(db).execute("select count(*) from observation").fetchone()[0] == 0


def test_a_city_without_counties_takes_returns_for_its_county_level_unit(tmp_path):
    """东莞市 (4419) has no counties: its one county-level unit is coded 441900, the city's code padded. A return
    naming 441900 reports that unit; 4419 (or 441900000000) the city."""
    from etl.load import load_files

    db = tmp_path / "gd.duckdb"
    init_store(db, provinces=["44"])
    assert read_store(db).execute("select name, level from region where code = '441900'").fetchone() == \
        ("东莞市", "county")
    (tmp_path / "dg.csv").write_text("区划代码,年份,rural_income_per_capita\n441900,2025,41000\n4419,2025,41200\n"
                                     "441900000000,2024,39000\n", encoding="utf-8")
    [report] = load_files(db, [tmp_path / "dg.csv"])
    assert (report.status, report.values_loaded, report.values_rejected) == ("loaded", 3, 0)
    rows = read_store(db).execute("select region_code, year, value from observation order by year, region_code")
    assert rows.fetchall() == [("4419", 2024, 39000.0), ("4419", 2025, 41200.0), ("441900", 2025, 41000.0)]


def test_the_sidebar_lists_the_stores_provinces_and_opens_on_one_with_targets(tmp_path, open_app, users_file):
    db = tmp_path / "two.duckdb"
    init_store(db, provinces=["11", "36"])  # 北京 comes first by its code, but has no targets of the catalogue
    at = open_app(db, users=users_file, user="admin")
    assert not at.exception
    assert at.sidebar.selectbox[0].options == ["全国", "北京市", "江西省"]  # the whole country first, of two or more
    assert at.sidebar.selectbox[0].value == "36"
    whole = open_app(db, users=users_file, user="admin", params={"province": "all"})
    assert not whole.exception
    assert whole.sidebar.selectbox[0].value == ""
    # no city to pick for the whole country: the province, then the year
    assert [box.label for box in whole.sidebar.selectbox] == ["省", "年份"]
    assert whole.title[0].value.startswith("全国")
    assert whole.query_params["province"] in ("all", ["all"])
