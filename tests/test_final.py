"""终期评估 on the small world worked out by hand (tests/assess/, tests/test_assess.py): each target's final
year, outcome, base and final figure, progress and first year met; the counties ranked; the report as Word,
HTML and CSV through the command line; and the same world with its plan ended in 2023.

The world's data run 2020-2023 and its plan p14 to 2025, so targets due in 2025 are still in progress; t_plan
(due 2022) and t_roads (due 2023) have their verdicts.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from tests.conftest import WORLD, read_store
from tracker.__main__ import main as tracker_cli
from tracker.core import assess, codes, settings, store
from tracker.core.catalogue import load_catalogue
from tracker.queries import dashboard
from tracker.views import final

CATALOGUE = WORLD / "catalogue.yaml"


@pytest.fixture(scope="module")
def running(world):
    return final.build(read_store(world), load_catalogue(CATALOGUE), "3611", "p14")


def by_id(view: final.Final) -> dict[str, final.Result]:
    return {r.target.id: r for r in view.results}


def test_a_running_plan_judges_what_is_due_and_shows_the_rest_in_progress(running):
    got = by_id(running)
    assert not running.ended and running.last_year == 2023
    assert running.counts == {"achieved": 1, "achieved_late": 0, "missed": 1, "no_data": 0, "in_progress": 7,
                              "monitored": 0}
    # t_plan is due in 2022: 3 of 4 key villages had a plan (every unit is its reading) — not achieved
    plan = got["t_plan"]
    assert (plan.final_year, plan.outcome, plan.final_text, plan.target_text) == (2022, "missed", "75.0%", "100%（全部达标）")
    assert plan.base_text == "25.0%" and plan.first_met is None  # 2020: C1 alone had one
    # t_roads: 40 + 20 (2021) + 25 (2022) + 30 (2023) = 115 km ≥ 100 by 2023, first reached in 2023
    roads = got["t_roads"]
    assert (roads.final_year, roads.outcome, roads.final_text, roads.first_met) == (2023, "achieved", "115 公里", 2023)
    # t_water, due 2025: its 2023 figure so far, the city's two reporting villages (96, 92) → 94 ≥ 90;
    # from the 2020 base (80 + 50 + 90) / 3 = 73.3 it has come the whole way
    water = got["t_water"]
    assert (water.outcome, water.final_year, water.final_text, water.base_text) == ("in_progress", 2023, "94.0%", "73.3%")
    assert water.progress == 100 and water.first_met == 2023 and water.note == "2/4 个村已报；2/4 个村达标"
    # t_income, every year: the city's key villages as a whole beat the city's benchmark in 2021 (21.05% > 11.11%)
    # and 2022 ((121 + 60 + 30 + 50) / (110 + 60 + 20 + 40) − 1 = 13.48% > 611 / 550 − 1 = 11.09%)
    income = got["t_income"]
    assert (income.outcome, income.first_met, income.years_met, income.final_text) == ("in_progress", 2021, (2, 2), "13.5%")
    assert income.target_text == "> 11.1%（基准）"
    # t_fund: (12 + 7) / (10 + 8) − 1 = 5.6% in 2021, 12 → 12 in 2022: met one year of two
    assert (got["t_fund"].first_met, got["t_fund"].years_met) == (2021, (1, 2))
    # t_gig is 玉山县's own (its jurisdiction lies inside the city): the 2022 figure, its latest
    gig = got["t_gig"]
    assert (gig.region_code, gig.final_year, gig.final_text, gig.outcome) == ("361123", 2022, "50.0%", "in_progress")


def test_counties_ranked_by_targets_achieved_in_their_final_year(running):
    # t_plan by 2022: 铅山县's one key village has its plan, 玉山县's 2 of 3; the rest are still due
    assert running.ranking[["name", "achieved", "assessed"]].values.tolist() == [["铅山县", 1, 1], ["玉山县", 0, 1]]
    assert running.ranking_table().iloc[1].tolist() == [2, "玉山县", "0/1", "2022年完成村庄规划", 0]
    assert running.appendix.set_index("县（市、区）").loc["玉山县", "2022年完成村庄规划"] == "未达标"
    assert running.appendix.set_index("县（市、区）").loc["铅山县", "重点村自来水90%"] == "进行中"
    [missed] = running.missed.to_dict("records")
    assert (missed["title"], missed["units"], missed["units_missed"], missed["where"]) == (
        "2022年完成村庄规划", 2, 1, "玉山县")
    assert missed["villages"] == 1 and missed["village_names"] == "甲二村（甲镇）"
    assert running.problems() == [
        "2022年完成村庄规划：2022 年 75.0%，目标 100%（全部达标），差距 25.0 个百分点；2 个县（市、区）中 1 个未达到（玉山县）"
        "；1 个村未达标，差距最大的：甲二村（甲镇）"]
    assert running.summary()[0] == "上饶市十四五纳入评估的 9 个目标中，达标 1 个，未达标 1 个，尚未到期 7 个。"


def test_a_running_plan_shows_the_path_required_to_the_deadline(running):
    path = running.paths.set_index("目标")
    # 73.33 (2020) to 90 by 2025: (90 / 73.33)^(1/5) = 1.0418 a year → 76.4% in 2021, 90.0% in 2025
    assert path.loc["重点村自来水90%", "2021"] == "76.4%" and path.loc["重点村自来水90%", "2025"] == "90.0%"
    assert "收入增幅高于本县平均" not in path.index  # a growth comparison has no level to reach


@pytest.fixture(scope="module")
def ended(world, tmp_path_factory) -> Path:
    """The world with its plan ending in 2023 and every deadline then (the assessment recomputed)."""
    folder = tmp_path_factory.mktemp("ended")
    catalogue = folder / "catalogue.yaml"
    catalogue.write_text(CATALOGUE.read_text(encoding="utf-8").replace("end_year: 2025", "end_year: 2023")
                         .replace("deadline: 2025", "deadline: 2023"), encoding="utf-8")
    db = folder / "world.duckdb"
    shutil.copyfile(world, db)
    with store.writing(db) as con, settings.use(min_reporting=0):  # as the world was assessed (tests/conftest.py)
        assess.assess(con, load_catalogue(catalogue))
    return db, catalogue


def test_an_ended_plan_has_a_verdict_for_every_target(ended):
    db, catalogue = ended
    view = final.build(read_store(db), load_catalogue(catalogue), "3611", "p14")
    got = by_id(view)
    assert view.ended and view.paths.empty
    outcomes = {tid: r.outcome for tid, r in got.items()}
    assert outcomes == {
        "t_water": "achieved",  # 94 ≥ 90 as a whole in 2023
        "t_water_all": "no_data",  # two of four without 2023 data: cannot say every one met it
        "t_water_share": "achieved",  # 2 of 4 ≥ 50%
        "t_gig": "no_data",  # no gigabit return for 2023
        "t_income": "no_data", "t_fund": "no_data", "t_county_income": "no_data",  # no 2023 income returns
        "t_plan": "missed", "t_roads": "achieved"}
    assert view.counts == {"achieved": 3, "achieved_late": 0, "missed": 1, "no_data": 5, "in_progress": 0,
                           "monitored": 0}


def test_the_whole_country_ranks_its_provinces_on_the_targets_set_inside_them(ended, tmp_path, use_settings):
    db, catalogue = ended
    view = final.build(read_store(db), load_catalogue(catalogue), codes.NATION, "p14")
    # every target at the region it is set for: the same verdicts as 上饶市's (all of the world's are set there or
    # below), and 江西省 ranked on them: 3 achieved of 4 with a verdict (t_plan missed), 5 without data
    assert {r.target.id: r.outcome for r in view.results} == {
        r.target.id: r.outcome for r in final.build(read_store(db), load_catalogue(catalogue), "3611", "p14").results}
    assert view.area_name == "全国" and view.sub_level == "province"
    assert view.ranking[["name", "achieved", "assessed", "no_data"]].values.tolist() == [["江西省", 3, 4, 5]]
    missed = view.missed.set_index("target_id")
    assert missed.loc["t_plan", ["units", "units_missed", "where"]].tolist() == [1, 1, "江西省"]
    use_settings(catalogue=catalogue)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = tracker_cli(["final", "--region", "all", "--plan", "p14", "--db", str(db), "--out", str(tmp_path / "c.docx")])
    assert code == 0 and "9 targets, 3 achieved, 1 not achieved, 5 without data" in err.getvalue()
    assert Document(str(tmp_path / "c.docx")).paragraphs[0].text == "全国十四五乡村振兴目标终期评估"


def test_the_report_through_the_command_line(ended, tmp_path, use_settings):
    db, catalogue = ended
    use_settings(catalogue=catalogue)

    def run(*args: str) -> tuple[int, str]:
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            code = tracker_cli(["final", *args, "--db", str(db)])
        return code, err.getvalue()

    code, said = run("--region", "3611", "--plan", "p14", "--out", str(tmp_path / "f.csv"))
    assert code == 0 and "9 targets, 3 achieved, 1 not achieved, 5 without data" in said
    rows = pd.read_csv(tmp_path / "f.csv", dtype={"region_code": str}).set_index("target_id")
    assert rows.loc["t_roads", ["final_value", "target_value", "achieved", "first_year_met"]].tolist() == [
        115.0, 100.0, "yes", 2023]
    assert pd.isna(rows.loc["t_roads", "base_value"])  # the total counts from 2021: the base year has none
    assert rows.loc["t_water", ["base_value", "final_year"]].tolist() == [pytest.approx(73.3333, abs=1e-3), 2023]
    assert rows.loc["t_plan", "achieved"] == "no" and rows.loc["t_gig", "achieved"] == "no_data"
    assert rows.loc["t_water", "final_value"] == pytest.approx(94.0)
    # the command line's file is, byte for byte, the page's download: UTF-8 with a byte-order mark
    from tracker.documents.final_report import csv_bytes
    written = (tmp_path / "f.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbftarget_id,")
    assert written == csv_bytes(final.build(read_store(db), load_catalogue(catalogue), "3611", "p14"))

    code, said = run("--region", "3611", "--plan", "p14", "--out", str(tmp_path / "f.docx"))
    doc = Document(str(tmp_path / "f.docx"))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "上饶市十四五乡村振兴目标终期评估"
    for heading in ("一、总体情况", "二、主要目标完成情况", "三、分领域情况", "四、存在的问题", "五、附表"):
        assert heading in text
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    roads = next(row for row in table if row[1] == "累计建成公路100公里")
    assert roads[3:6] == ["115 公里", "≥ 100 公里", "按期达标"]  # the status's words, as every page says it
    assert doc.sections[-1].page_width > doc.sections[-1].page_height  # the appendix is landscape

    code, said = run("--region", "3611", "--plan", "p14", "--out", str(tmp_path / "f.html"), "--lang", "en")
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "final assessment of the 14th plan targets" in page and "not achieved" in page and "http" not in page.replace(
        "http-equiv", "")

    assert run("--region", "3611", "--plan", "p99", "--out", str(tmp_path / "x.csv"))[0] == 2
    assert run("--region", "3611", "--out", str(tmp_path / "x.pdf"))[0] == 2


def test_a_year_with_partial_returns_says_who_has_not_reported(world, tmp_path):
    from etl.load import load_files

    db = tmp_path / "partial.duckdb"
    shutil.copyfile(world, db)
    return_2024 = tmp_path / "2024.csv"
    return_2024.write_text("区划代码,年份,water\n361123100201,2024,97\n", encoding="utf-8")
    [report] = load_files(db, [return_2024], catalogue=load_catalogue(CATALOGUE))
    assert report.status == "loaded"
    con = read_store(db)
    assert dashboard.reporting_counties(con, "3611", 2024) == (1, 2, ["铅山县"])
    assert dashboard.unreported_counties(con, "3611", 2024)["name"].tolist() == ["铅山县"]
    # the city is judged on the villages that reported: A1's 97 as a whole; 铅山's key village is not missing it
    row = con.execute("select value, met, units_reporting, units_in_scope from assessment where target_id = 't_water' "
                      "and region_code = '3611' and year = 2024").fetchall()
    assert row == [(97.0, True, 1, 4)]
    assert con.execute("select status from assessment where target_id = 't_water_all' and region_code = '361124' "
                       "and year = 2024").fetchall() == [("no_data",)]
    years = dict(dashboard.years(con))
    assert years[2023] == 1.0 and years[2024] == 0.5
    # the briefing of that year says so, on the page and in its documents
    from tracker.views import overview

    view = overview.build(con, load_catalogue(CATALOGUE), "3611", 2024)
    assert view.summary()[-1].startswith("2024 年已报 1/2 个县（市、区），未报：铅山县。未报的县不计为未达标")
