"""Assessment: hand-computed cases for every rule kind and edge, through the CLI, as golden CSVs.

The world is tests/assess/: two counties of Shangrao with three townships, eight village
committees and one residents' committee (regions.csv), a catalogue with one target per rule
kind (catalogue.yaml) and a long return (values.csv) loaded through the real load path. Every
number in tests/assess/golden/ was worked out by hand from values.csv (the compound rates with
a calculator); the comments below say how.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load_files
from tracker.__main__ import main as tracker_cli
from tracker.core import assess, codes, settings, store
from tracker.core.catalogue import load_catalogue
from tracker.present import why

HERE = Path(__file__).parent / "assess"
GOLDEN = HERE / "golden"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small world judged by Open SDG's compound growth since the base year (progress_method 'cagr'), which
    the hand calculations below follow; the default method, the recent pace, is tested in tests/test_progress.py."""
    from tests.conftest import small_world
    from tracker.core import settings

    with settings.use(min_reporting=0, progress_method="cagr"):
        return small_world(tmp_path_factory.mktemp("world_cagr"), HERE / "catalogue.yaml", HERE / "values.csv")


@pytest.fixture
def cli(world: Path, use_settings):
    """Run `python -m tracker ...` on the world; returns (exit code, stdout)."""
    use_settings(catalogue=HERE / "catalogue.yaml")

    def run(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            code = tracker_cli([*args, "--db", str(world)])
        return code, out.getvalue()

    return run


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"region_code": str, "village_code": str})


CASES = [
    # threshold ≥ 90 over the key villages A1, A2, B1, C1. A2 2022: 50 → 45, observed (45/50)^(1/2) − 1,
    # required (90/50)^(1/5) − 1, R < 0: deteriorating. C1 has no 2020 value: its base is 2021 (70).
    # B1 reported only in the base year: no_data after it, never met, never dropped.
    ("water_village_2021", "t_water", "village", 2021, []),
    ("water_village_2022", "t_water", "village", 2022, []),
    # roll-up, aggregate reading (a rate's default): the household-weighted mean of the reporting units
    # against 90 (A1 100, A2 300 households: (95·100 + 45·300) / 400 = 57.5); 2020 is unweighted, B1 has no
    # household count: (80 + 50 + 90) / 3 = 73.33. Township 甲镇's trajectory: 57.5 (2020) → 57.5, observed 0,
    # required (90/57.5)^(1/5) − 1 = 9.37%: limited. 玉山 2022: (57.5/73.33)^(1/2) − 1 = −11.45% against
    # (90/73.33)^(1/5) − 1 = 4.18%: deteriorating. 丙镇 / 铅山: C1 70 (2021) → 80, (80/70) − 1 = 14.29% against
    # (90/70)^(1/4) − 1 = 6.48%: on track. 2023 the city's two reporting villages (96, 92; 100 households each)
    # give 94 ≥ 90: achieved; the two without data are not counted as missing it.
    ("water_township_2022", "t_water", "township", 2022, []),
    ("water_county_2020", "t_water", "county", 2020, []),
    ("water_county_2022", "t_water", "county", 2022, []),
    ("water_city_2023", "t_water", "city", 2023, []),
    # every_unit: share of units met against 100; the region meets only when all do; 2023: the two that
    # report meet, two have no data: cannot say → insufficient_data, met empty
    ("water_all_township_2022", "t_water_all", "township", 2022, []),
    ("water_all_county_2020", "t_water_all", "county", 2020, []),
    ("water_all_county_2022", "t_water_all", "county", 2022, []),
    ("water_all_city_2023", "t_water_all", "city", 2023, []),
    # share_of_units 50: 甲镇 1 of 2 meets (50% ≥ 50: achieved); 丙镇 0 of 1 (observed 0: limited). The city
    # in 2022: 1 met, 2 missed, 1 without data: 25% now, at most 50% if B1 met — cannot say; 2023: 2 of 4
    # meet (A2, B1 without data) = 50%: achieved.
    ("water_share_township_2022", "t_water_share", "township", 2022, []),
    ("water_share_city_2022", "t_water_share", "city", 2022, []),
    ("water_share_city_2023", "t_water_share", "city", 2023, []),
    # share rule over village committees only (the residents' committee reports 0 and is ignored):
    # value = met ÷ reporting; 2021 county: 4 of 5 reporting = 80% ≥ 80 → achieved before 2025.
    ("gig_village_2021", "t_gig", "village", 2021, []),
    ("gig_township_2021", "t_gig", "township", 2021, []),
    ("gig_county_2021", "t_gig", "county", 2021, []),
    ("gig_county_2022", "t_gig", "county", 2022, []),
    # relative to the county mean of village committees reporting both years: 2021 玉山 Σ 400 / 350 − 1
    # = 14.29% (B2, B3 and the residents' committee excluded); 铅山 0% and C1 0%: a tie is not above.
    # B1's base is 0: not_assessable. Cumulative 2022: Σ 541 / 450 − 1 = 20.22%.
    ("income_village_2021", "t_income", "village", 2021, []),
    ("income_village_2022", "t_income", "village", 2022, []),
    ("income_village_2022_cumulative", "t_income", "village", 2022, ["--period", "cumulative"]),
    # A region reads the key villages' growth as a whole (the aggregate reading, a growth rule's default):
    # 玉山 A1 + A2 + B1 (B1's base 0 counts in the sum, as in the benchmark) 190 / 150 − 1 = 26.67% > 14.29%:
    # met though 1 of 3 villages is above; 铅山 C1 0% is not above 0%. The city recomputes the benchmark over
    # its own village committees reporting both years: 500 / 450 − 1 = 11.11% (6 villages); its key villages
    # 230 / 190 − 1 = 21.05%: met.
    ("income_county_2021", "t_income", "county", 2021, []),
    ("income_city_2021", "t_income", "city", 2021, []),
    # milestone: not done before the deadline is pending, at the deadline missed
    ("plan_village_2021", "t_plan", "village", 2021, []),
    ("plan_village_2022", "t_plan", "village", 2022, []),
    ("plan_city_2022", "t_plan", "city", 2022, []),
    # total from 2021, compared at the city: 40 + 20 = 60, then 85, then 115 ≥ 100 in the deadline year
    ("roads_county_2022", "t_roads", "county", 2022, []),
    ("roads_city_2021", "t_roads", "city", 2021, []),
    ("roads_city_2022", "t_roads", "city", 2022, []),
    ("roads_city_2023", "t_roads", "city", 2023, []),
    # constant 0 ("逐步提高"): 12 → 12 is not a rise
    ("fund_county_2021", "t_fund", "county", 2021, []),
    ("fund_county_2022", "t_fund", "county", 2022, []),
    # the city as a whole: 2021 (12 + 7) / (10 + 8) − 1 = 5.56% > 0 though 铅山 fell; 2022 only 玉山 reports
    # both years, 12 → 12: not a rise
    ("fund_city_2021", "t_fund", "city", 2021, []),
    ("fund_city_2022", "t_fund", "city", 2022, []),
    # a recorded benchmark: the city's own figure, 21600 / 20000 − 1 = 8%; none recorded for 2022
    ("county_income_county_2021", "t_county_income", "county", 2021, []),
    ("county_income_county_2022", "t_county_income", "county", 2022, []),
    # the city's counties as a whole: (19800 + 16050) / (18000 + 15000) − 1 = 8.64% > 8%
    ("county_income_city_2021", "t_county_income", "city", 2021, []),
]


@pytest.mark.parametrize("golden, target, level, year, extra", CASES, ids=[c[0] for c in CASES])
def test_cli_matches_hand_calculation(cli, golden, target, level, year, extra):
    code, out = cli("assess", "--target", target, "--year", str(year), "--level", level, "--format", "csv", *extra)
    assert code == 0
    expected = _frame((GOLDEN / f"{golden}.csv").read_text(encoding="utf-8"))
    got = _frame(out)
    assert list(got["region_code"]) == list(expected["region_code"])
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False, rtol=1e-4, atol=1e-4)


def test_cli_columns_and_formats(cli):
    code, out = cli("assess", "--target", "t_water", "--year", "2022", "--level", "county", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert header[:5] == ["target_id", "level", "region_code", "region_name", "year"]
    for column in ("value", "target_value", "met", "status", "units_in_scope", "units_reporting", "units_met"):
        assert column in header
    assert "361123,玉山县,2022,57.5,90.0,false" in out
    code, out = cli("assess", "--target", "t_water", "--year", "2022", "--level", "village", "--region", "361124")
    assert code == 0 and _frame(out)["region_code"].tolist() == ["361124100201"]
    assert "units_in_scope" not in out.splitlines()[0]  # units have no roll-up columns


def test_cli_refuses_clearly(cli, capsys):
    code, _ = cli("assess", "--target", "t_water", "--year", "2019", "--level", "county")
    assert code == 1
    assert "years 2020, 2021, 2022, 2023" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="unknown target 't_waterr'; did you mean t_water"):
        cli("assess", "--target", "t_waterr", "--year", "2022", "--level", "county")
    with pytest.raises(SystemExit, match="not a growth rule"):
        cli("assess", "--target", "t_water", "--year", "2022", "--level", "county", "--period", "annual")


def test_lagging_villages_ranked_by_missed_then_shortfall(cli):
    # 2022 in 玉山: A2 misses all four of its targets: water (90 − 45) / 90 = 0.5, gigabit 1, plan 1,
    # income (8 − 0) / 100 = 0.08 → 2.58; B2 and B3 miss gigabit only. A1, A3, B1 miss nothing
    # (B1 has no water figure: without data, not missed).
    code, out = cli("lagging", "--region", "361123", "--year", "2022", "--format", "csv")
    assert code == 0
    expected = _frame((GOLDEN / "lagging_361123_2022.csv").read_text(encoding="utf-8"))
    pd.testing.assert_frame_equal(_frame(out), expected, check_dtype=False, rtol=1e-4)
    code, out = cli("lagging", "--region", "361123", "--year", "2022", "--min-missed", "2")
    assert _frame(out)["village_code"].tolist() == ["361123100202"]


def test_every_target_has_results_at_every_level_for_every_year_with_data(world):
    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [str(world)])
    levels = dict(con.execute("select target_id, list(distinct level order by level) from w.assessment "
                              "where is_primary group by 1").fetchall())
    assert levels == {
        "t_water": ["city", "county", "township", "village"], "t_water_all": ["city", "county", "township", "village"],
        "t_water_share": ["city", "county", "township", "village"], "t_gig": ["county", "township", "village"],
        "t_income": ["city", "county", "township", "village"], "t_plan": ["city", "county", "township", "village"],
        "t_roads": ["city", "county"], "t_fund": ["city", "county"], "t_county_income": ["city", "county"]}
    years = dict(con.execute("select target_id, list(distinct year order by year) from w.assessment "
                             "group by 1").fetchall())
    assert years["t_water"] == [2020, 2021, 2022, 2023] and years["t_plan"] == [2020, 2021, 2022]
    # no unit is dropped: every key village has a row every year, data or not
    assert con.execute("select count(*) from w.assessment where target_id = 't_water' and level = 'village'"
                       ).fetchall()[0][0] == 4 * 4


def test_why_this_colour_gives_the_parts(world):
    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [str(world)])
    con.execute("use w")
    catalogue = load_catalogue(HERE / "catalogue.yaml")
    found = why.why(con, catalogue, "t_water", "361123100202", 2022)
    assert found.status == "deteriorating"
    assert found.row["base_year_used"] == 2020 and found.row["base_value"] == 50
    # judged by compound growth (this world's method) first, the recent pace beside it: the gap to 100% went from
    # 50 to 55 in two years, (55 / 50)^(1/2) − 1 = 4.9% a year wider, where closing it to 10 by 2025 needs
    # 1 − (10 / 55)^(1/3) = 43.3% a year narrower
    assert "自2020年（50）起年均 -5.13%，所需 12.47%，R = -0.41" in found.lines[-2]
    assert found.lines[-1].startswith("近年（2020—2022年）与上限（100%）的差距每年扩大 4.9%，2025年达标需每年缩小 43.3%")
    found = why.why(con, catalogue, "t_income", "361123", 2021, lang="en")
    assert found.lines[0] == "Status: met"
    assert "3 units in scope, 2 reporting, 1 met, 1 without data" in found.lines
    assert any("benchmark growth 14.29%" in line for line in found.lines)
    found = why.why(con, catalogue, "t_income", "361123100201", 2021)
    assert any("比较基准增幅 14.29%（4 个单位报告两年数据）" in line for line in found.lines)
    found = why.why(con, catalogue, "t_water_all", "3611", 2023)
    assert found.status == "insufficient_data"
    assert "报告的单位都达标，但有单位缺数，无法判定" in found.lines
    assert why.why(con, catalogue, "t_water", "361123100202", 2019) is None


PROGRESS_VECTORS = [
    # (base, current, target, base year, year, deadline, expected status) — the Open SDG method
    (50, 90, 90, 2020, 2022, 2025, "achieved"),
    (50, 70, 90, 2020, 2022, 2025, "on_track"),            # R = 18.3% / 12.5% = 1.47
    (80, 84.5, 90, 2020, 2022, 2025, "on_track"),           # R = 2.78 / 2.38 = 1.16
    (80, 83.5, 90, 2020, 2022, 2025, "needs_acceleration"),  # R = 2.16 / 2.38 = 0.91
    (80, 81, 90, 2020, 2022, 2025, "limited"),              # R = 0.62 / 2.38 = 0.26
    (80, 80, 90, 2020, 2022, 2025, "limited"),              # R = 0
    (80, 79, 90, 2020, 2022, 2025, "deteriorating"),        # R < 0
    (20, 10, 5, 2020, 2022, 2025, "on_track"),              # ≤ 5 wanted: falling is progress
    (20, 25, 5, 2020, 2022, 2025, "deteriorating"),
    (80, 85, 90, 2020, 2020, 2025, "baseline"),
]


@pytest.mark.parametrize("base, current, target, base_year, year, deadline, expected", PROGRESS_VECTORS)
def test_open_sdg_thresholds(tmp_path, base, current, target, base_year, year, deadline, expected):
    """The status SQL on a one-unit world: a region, two observations, one threshold target."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    store.create_schema(con)
    con.execute("insert into region (code, name, level, province_code, city_code, county_code, township_code, kind) "
                "values ('361123100201', '甲一村', 'village', '36', '3611', '361123', '361123100', 'village_committee')")
    con.execute("insert into observation (measure_id, region_code, year, value, batch_id, row_number, column_name) "
                "select *, 1, 1, 'value' from (values ('m', '361123100201', ?, ?), ('m', '361123100201', ?, ?)) "
                "t(measure_id, region_code, year, value) where year <> ? or value = ?",
                [base_year, float(base), year, float(current), base_year, float(base)])
    op = "<=" if target < base else ">="
    catalogue_file = tmp_path / "c.yaml"
    catalogue_file.write_text(
        "version: 1\nplans: [{id: p, zh: p, en: p, start_year: 2021, end_year: 2030, base_year: 2020}]\n"
        "themes: [{id: t, zh: t, en: t}]\ndocuments: []\n"
        "measures: [{id: m, zh: m, en: m, unit: '%', unit_en: '%', levels: [village], type: rate, min: 0, max: 100}]\n"
        "groups: []\n"
        f"targets: [{{id: x, zh: x, en: x, plan: p, theme: t, measure: m, rule: {{kind: threshold, op: '{op}', "
        f"value: {target}}}, population: {{region: '361123100201', level: village}}, base_year: {base_year}, "
        f"deadline: {deadline}, example: true}}]\n", encoding="utf-8")
    with settings.use(progress_method="cagr"):
        assess.assess(con, load_catalogue(catalogue_file))
    status = con.execute("select status from assessment where year = ?", [year]).fetchall()
    assert status == [(expected,)]


def test_a_later_return_supersedes_and_the_assessment_follows(world, tmp_path, monkeypatch):
    """A correction loaded later replaces the value in the published results at once."""
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(world, db)
    fix = tmp_path / "更正.csv"
    fix.write_text("区划代码,年份,water\n361123100202,2022,92\n", encoding="utf-8")
    [report] = load_files(db, [fix], catalogue=load_catalogue(HERE / "catalogue.yaml"))
    assert report.status == "loaded"
    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [str(db)])
    con.execute("use w")
    row = con.execute("select value, met, status from assessment where target_id = 't_water' "
                      "and region_code = '361123100202' and year = 2022").fetchall()
    assert row == [(92.0, True, "achieved")]
    county = con.execute("select target_id, units_met, value, status from assessment where region_code = '361123100' "
                         "and year = 2022 and target_id like 't_water%' order by 1").fetchall()
    # (95·100 + 92·300) / 400 = 92.75 ≥ 90; every unit: 2 of 2 = 100%
    assert county == [("t_water", 2, 92.75, "achieved"), ("t_water_all", 2, 100.0, "achieved"),
                      ("t_water_share", 2, 100.0, "achieved")]


GRAIN = ("target_id", "period", "level", "region_code", "year")


def grain_and_accepted_values(con) -> list[str]:
    """What breaks the assessment's contract: a key (target, period, level, region, year) given twice, or a column
    outside the values it may hold. Empty when the table keeps it."""
    from tracker.core.status import STATUSES

    problems = []
    twice = con.execute("select count(*) from (select " + ", ".join(GRAIN) + " from assessment group by all "
                        "having count(*) > 1)").fetchall()[0][0]
    if twice:
        problems.append(f"{twice} keys given twice")
    accepted = {"status": set(STATUSES), "level": set(codes.LEVELS), "period": {"", "annual", "cumulative"},
                "reading": {None, "aggregate", "every_unit", "share_of_units"}}
    for column, allowed in accepted.items():
        found = {v for (v,) in con.execute("select distinct " + column + " from assessment").fetchall()}
        if found - allowed:
            problems.append(f"{column}: {sorted(map(str, found - allowed))}")
    # the verdicts say what `met` says (after its deadline a dated target keeps its deadline's verdict, so a figure
    # met since on complete returns is met_late, never missed); a unit row is at the population's level, a region
    # row above it
    wrong = con.execute("""select count(*) from assessment
        where (status in ('met', 'achieved') and met is not true) or (status = 'missed' and met and complete)
           or (status = 'incomplete' and complete)
           or ((status = 'met_late') <> (met_late_year is not null))
           or (is_unit and reading is not null) or (not is_unit and raw_value is not null)""").fetchall()[0][0]
    if wrong:
        problems.append(f"{wrong} rows whose status, met or unit columns disagree")
    return problems


def test_the_assessment_keeps_its_grain_and_accepted_values(world):
    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [str(world)])
    con.execute("use w")
    assert grain_and_accepted_values(con) == []
    # the check can fail: a key given twice is found
    twice = duckdb.connect()
    twice.execute("attach ? as w (read_only)", [str(world)])
    twice.execute("create table assessment as select * from w.assessment union all (select * from w.assessment limit 1)")
    assert grain_and_accepted_values(twice) == ["1 keys given twice"]


@pytest.mark.slow
def test_the_demo_stores_assessment_keeps_its_grain_and_accepted_values(demo_store):
    db, _ = demo_store
    con = duckdb.connect(str(db), read_only=True)
    assert grain_and_accepted_values(con) == []
    assert con.execute("select count(distinct status) from assessment").fetchall()[0][0] >= 12


def test_an_unknown_status_from_the_sql_is_refused(world, tmp_path, monkeypatch):
    """The SQL's statuses are checked against tracker/core/status.py: one it does not define has no words."""
    from tracker.core import status

    db = tmp_path / "w.duckdb"
    shutil.copy(world, db)
    monkeypatch.setattr(status, "spec_rows", lambda: [{"status": s} for s in status.STATUSES if s != "met"])
    with store.writing(db) as con, pytest.raises(ValueError, match="met"):
        assess.assess(con, load_catalogue(HERE / "catalogue.yaml"))
