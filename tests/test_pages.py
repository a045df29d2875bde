"""The dashboard pages in streamlit.testing, on the small world whose numbers were worked out by hand.

Every number asserted here is read from tests/assess/golden/ (or stated in tests/test_assess.py),
so a page that shows a number the assessment did not produce fails.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import WORLD, cards_shown, counts_shown, tables_shown
from tracker.core.status import STATUSES
from tracker.present.scorecard import CHANGE_COLOUR
from tracker.core.status import label

TIMEOUT = 60
GOLDEN = WORLD / "golden"


def golden(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / f"{name}.csv", dtype={"region_code": str, "village_code": str}).set_index(
        "village_code" if name.startswith("lagging") else "region_code")


@pytest.fixture
def page(world, users_file, open_app):
    """Open a page of the app on the world with the given URL parameters, signed in as the administrator
    (the world holds loaded data, so the app asks who is there)."""

    def open_page(script: str, **params: str) -> AppTest:
        at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=users_file,
                      params={"province": "36", "city": "3611", **params}, user="admin", page=script)
        assert not at.exception, at.exception
        return at

    return open_page


def figures(at: AppTest) -> list[dict]:
    """The charts on the page, as the browser is given them to draw (tracker.present.charts)."""
    return [data for data in (json.loads(e.proto.json) for e in at.get("bidi_component")
                              if e.proto.component_name == "tracker.drawing") if data["kind"] == "chart"]


def drawn(chart: dict, kind: str, name: str | None = None) -> list[dict]:
    """A chart's shapes of one kind ('rect', 'line', 'dot'), those that draw `name` when given."""
    return [e for e in chart["elements"] if e["t"] == kind and (name is None or e.get("n") == name)]


def test_briefing_cards_sentences_and_changes(page):
    at = page("overview", county="361123", year="2022")
    assert at.title[0].value == "玉山县 · 2022年 领导简报"
    cards = cards_shown(at)
    water, gig = golden("water_county_2022").loc["361123"], golden("gig_county_2022").loc["361123"]
    assert cards["重点村自来水90%"]["value"] == f"{water['aggregate_value']:.1f}%" == "57.5%"  # household-weighted mean
    assert cards["双千兆80%"]["value"] == f"{gig['value']:.1f}%" == "50.0%"
    before = golden("gig_county_2021").loc["361123", "value"]
    assert cards["双千兆80%"]["change"] == f"▼ {gig['value'] - before:+.1f} 个百分点 较上年" == "▼ -30.0 个百分点 较上年"
    # a change is coloured by its direction toward the target (≥ 80%: down is away → red), not by the status
    assert cards["双千兆80%"]["direction"] == "away" and f'color:{CHANGE_COLOUR["away"]}' in next(
        h.proto.body for h in at.get("html") if "tracker-cards" in h.proto.body)
    assert (cards["双千兆80%"]["status"], cards["双千兆80%"]["status_id"]) == ("需加快", "needs_acceleration")
    # why the colour: in the card, folded (the browser opens it without running the page again)
    assert cards["双千兆80%"]["why"][0] == "状态：需加快"
    assert at.caption[1].value.startswith("较上年的变化：蓝色为向目标靠近")
    summary = next(m.value for m in at.markdown if m.value.startswith("- 玉山县 2022 年"))
    # 双千兆 (a share of villages, read in points) fell from 80% to 50%: the mean of its two changes since 2020
    # (+46.7 and −30) is 8.3 points a year against (80 − 50) / 3 = 10 still needed by 2025, R = 0.83: 需加快, where
    # compound growth since the base (33.3%) called it on track
    assert "纳入评估的 9 个目标" in summary and "1 个达标或进度正常" in summary and "3 个未达标" in summary
    assert "重点村自来水90%：57.5%，目标 ≥ 90%，还差 32.5 个百分点（期限 2025 年）" in summary
    lagging = golden("lagging_361123_2022")
    assert f"{(lagging['targets_missed'] >= 3).sum()} 个村有 3 个及以上目标未达标" in summary
    assert any(c["verdict"].startswith("倒退目标：≥ 90% · 2/3 个村已报；1/3 个村达标") and c["status_id"] == "deteriorating"
               for c in cards.values())
    assert not at.dataframe  # the briefing's tables are read as a report reads them: HTML, no data grid
    every = tables_shown(at)[0].set_index("目标编号")
    assert every.loc["t_gig", "状态"] == "需加快" and every.loc["t_water", "差距"] == "32.5 个百分点"
    # since last year: the targets whose verdict moved (met, behind, missed, no data: another kind), the rest counted
    changes = tables_shown(at)[1].set_index("目标")
    assert changes.loc["双千兆80%", "上年状态"] == "已达标" and changes.loc["双千兆80%", "本年状态"] == "需加快"
    assert changes.loc["2022年完成村庄规划", ["上年状态", "本年状态"]].tolist() == ["进展有限", "未达标"]
    # 2021 deteriorating → 2022 limited (both behind), the income growth missed both years: not listed
    assert len(changes) == 7 and {"重点村自来水90%", "收入增幅高于本县平均"}.isdisjoint(changes.index)
    assert at.caption[2].value.startswith("其余 2 个目标的判定与 2021 年同属一类")
    # the matrix has a row per target and a column per township, coloured by status and saying why on hover — a table,
    # so the briefing starts no chart library
    [matrix] = [h.proto.body for h in at.get("html") if "status-matrix" in h.proto.body]
    assert re.search(r'<th scope="col"[^>]*>甲镇</th><th scope="col"[^>]*>乙镇</th>', matrix)
    water = matrix[matrix.index(">重点村自来水90%</th>"):].split("</tr>")[0]
    assert re.search(r'<td title="甲镇 · 重点村自来水90%\n进展有限\n57.5% \(目标 ≥ 90%\)[^"]*" style="[^"]*background:'
                     + STATUSES["limited"].colour + '[^"]*">57.5%</td>', water)
    assert not figures(at)

    buttons = [b.proto.label for b in at.get("download_button")]
    assert buttons == ["下载简报（Word）", "下载简报（网页，可打印）", "下载简报表格（Excel）"]

    at.segmented_control(key="lang").set_value("en").run()
    cards = cards_shown(at)
    assert cards["Tap water 90%"]["value"] == "57.5%" and at.title[0].value == "玉山县 · briefing 2022"
    assert cards["Gigabit 80%"]["change"] == "▼ -30.0 points on last year"


def test_briefing_says_when_a_year_has_no_results(page):
    at = page("overview", county="361123", year="2020")  # the base year: no target is in its period yet
    assert "没有纳入评估的目标结果" in at.info[0].value
    assert len(at.metric) == 0 and not cards_shown(at)


def test_comparison_ranks_counties_and_follows_the_target_in_the_url(page):
    at = page("comparison", year="2022")
    assert at.title[0].value == "上饶市 · 各县（市、区）对比"
    water = golden("water_county_2022")
    ranking = figures(at)[0]
    bars = {bar["n"]: bar["v"] for bar in drawn(ranking, "rect")}
    assert bars == {"玉山县": water.loc["361123", "aggregate_value"], "铅山县": water.loc["361124", "aggregate_value"]}
    assert [line["v"] for line in drawn(ranking, "line", "目标")] == [90]  # the target line
    at.selectbox(key="page.target").set_value("t_gig").run()
    assert at.query_params["target"] == ["t_gig"] or at.query_params["target"] == "t_gig"
    bars = drawn(figures(at)[0], "rect")
    assert [(b["n"], b["v"]) for b in bars] == [("玉山县", golden("gig_county_2022").loc["361123", "value"])]
    [matrix] = [h.proto.body for h in at.get("html") if "status-matrix" in h.proto.body]
    assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', matrix) == ["玉山县", "铅山县"]  # a column per county


def test_a_target_picked_on_one_page_opens_the_next_and_each_view_is_built_once(page, monkeypatch):
    """Four pages share the target picked: the page arrived at shows it in its selector and draws it (a widget of
    another page is another widget, which once showed its first option beside the old target's chart). A view is
    built once for what it shows: opening a panel, or coming back, asks with the choices named and finds it."""
    import streamlit as st

    from ui import data

    built: list[str] = []
    for name, build in list(data.VIEWS.items()):
        monkeypatch.setitem(data.VIEWS, name, lambda *a, _b=build, _n=name, **k: built.append(_n) or _b(*a, **k))
    st.cache_data.clear()
    data._ANSWERED.clear()
    at = page("comparison", county="361123", year="2022")
    assert built.count("comparison") == 1
    at.session_state["comparison.why.open"] = True  # the why panel: the page runs again with its choices named
    at.run()
    assert at.selectbox(key="comparison.why.target").value and built.count("comparison") == 1
    at.selectbox(key="page.target").set_value("t_gig").run()
    assert built.count("comparison") == 2  # another target, another view
    at.switch_page("app_pages/trends.py").run()
    assert at.selectbox(key="page.target").value == "t_gig"
    assert figures(at)[0]["title"] == "双千兆80%" and built.count("trends") == 1
    at.switch_page("app_pages/catalogue.py").run()
    at.switch_page("app_pages/trends.py").run()  # back: the same view, not built again
    assert figures(at)[0]["title"] == "双千兆80%" and built.count("trends") == 1
    at.switch_page("app_pages/lagging_map.py").run()
    assert at.selectbox(key="page.target").value == "t_gig" and built.count("lagging") == 1
    at.session_state["lagging.all.open"] = True
    at.run()
    assert at.dataframe and built.count("lagging") == 1


def test_a_view_is_found_by_its_choices_unless_it_speaks_of_the_request(monkeypatch):
    """趋势 asked for a target with no figures yet says so above another target's course: that view answers its own
    request only, and the same page asked with the other target named is built for that (without the note)."""
    from types import SimpleNamespace

    from ui import data

    asked = []

    def view(*request):  # the cached builder, as the requests reach it
        asked.append(request[4:])
        target = request[7]
        return SimpleNamespace(target_id="t_water" if target in (None, "t_new") else target, picked=["3611"],
                               no_figures="t_new" if target == "t_new" else None)

    monkeypatch.setattr(data, "_view", view)
    monkeypatch.setattr(data, "_view_key", lambda: ("store", "catalogue", ""))
    monkeypatch.setattr(data, "_ANSWERED", {})
    data.trends("3611", 2025, "zh", "t_new", ())
    data.trends("3611", 2025, "zh", "t_water", ("3611",))  # the next run, the choices named: a view of its own
    assert asked == [("3611", 2025, "zh", "t_new", ()), ("3611", 2025, "zh", "t_water", ("3611",))]
    monkeypatch.setattr(data, "_ANSWERED", {})
    asked.clear()
    data.trends("3611", 2025, "zh", None, ())
    data.trends("3611", 2025, "zh", "t_water", ("3611",))  # the choices named: the view the open request built
    assert asked == [("3611", 2025, "zh", None, ())] * 2


def test_lagging_villages_work_list_and_the_k_switch(page):
    at = page("lagging_map", county="361123", year="2022", mode="missed", k="1")
    expected = golden("lagging_361123_2022")
    missed = ("双千兆80%；2022年完成村庄规划；重点村自来水90%；每个重点村自来水90%；半数重点村自来水90%；"
              "收入增幅高于本县平均")
    assert at.subheader[0].value == f"落后村工作清单：{len(expected)} 个村有 1 个及以上目标未达标"
    # the furthest behind read as a short table; the whole list a grid in a panel, built once it is opened
    [first] = tables_shown(at)
    assert len(first) == min(len(expected), 10) and first.columns.tolist() == [
        "村", "乡镇", "县（市、区）", "未达标目标数", "未达标的目标"]
    assert first["未达标目标数"].astype(int).tolist() == expected["targets_missed"].tolist()[:10]
    assert first["未达标的目标"].iloc[0] == missed
    assert at.expander[-1].label == "全部名单：排序、搜索，点选一行打开村庄档案" and not at.dataframe
    assert [b.proto.label for b in at.get("download_button")] == ["下载落后村工作清单（Excel）"]
    at.session_state["lagging.all.open"] = True
    at.run()
    table = at.dataframe[0].value
    assert table["区划代码"].tolist() == expected.index.tolist()
    assert table["未达标目标数"].tolist() == expected["targets_missed"].tolist()
    assert table["未达标的目标"].iloc[0] == missed
    assert table["村"].head(10).tolist() == first["村"].tolist()  # the short table is the list's head
    at.slider(key="page.k").set_value(2).run()
    assert at.dataframe[0].value["村"].tolist() == ["甲二村"] and tables_shown(at)[0]["村"].tolist() == ["甲二村"]
    assert at.query_params["k"] in ("2", ["2"])
    # one target (the first: t_gig; 3 of 6 village committees have it in 2022, the others not yet)
    at.segmented_control(key="page.mode").set_value("target").run()
    line = next(m.value for m in at.markdown if "**" in m.value and " · " in m.value)
    counts = dict(part.replace("**", "").rsplit(" ", 1) for part in line.split(" · "))
    assert counts == {"已达标": "3", "尚未完成": "3"}  # before the deadline a village at the target has achieved it
    assert at.query_params["mode"] in ("target", ["target"])
    assert at.info[0].value == "所选地区没有边界数据，无法绘制地图。"  # the world has no outlines: said in words


def test_trends_lines_against_the_target(page):
    at = page("trends", county="361123", year="2022")
    [table] = tables_shown(at)  # the regions picked, a row each, by year
    table = table.set_index("地区")
    # figures as the cards write them (51.8%, not 51.75)
    assert table.loc["玉山县", "2022"] == f'{golden("water_county_2022").loc["361123", "aggregate_value"]:.1f}%'
    assert table.loc["玉山县", "2020"] == f'{golden("water_county_2020").loc["361123", "aggregate_value"]:.1f}%'
    chart = figures(at)[0]
    [target] = drawn(chart, "line", "目标")
    assert [y for _, y in target["v"]] == [90, 90]
    [required] = drawn(chart, "line", "按期达标所需路径")  # compound path from 2020's figure to 90 by 2025
    assert [x for x, _ in required["v"]] == list(range(2020, 2026)) and required["v"][-1][1] == pytest.approx(90)
    # the county's points, coloured by their status and saying it on hover
    points = {dot["v"][0]: dot for dot in drawn(chart, "dot", "玉山县")}
    share = golden("water_county_2022").loc["361123"]
    assert points[2022]["v"][1] == share["aggregate_value"] and points[2022]["fill"] == STATUSES[share["status"]].colour
    assert points[2022]["tip"].split("\n")[:2] == ["玉山县 · 重点村自来水90%", label(share["status"])]
    at.multiselect(key="page.regions").select("361123100").run()
    table = tables_shown(at)[0].set_index("地区")
    assert table.loc["甲镇", "2022"] == f'{golden("water_township_2022").loc["361123100", "aggregate_value"]:.1f}%'


def test_village_profile_beside_its_township_and_county(page):
    at = page("village", county="361123", year="2022", village="361123100202")
    assert at.subheader[0].value == "甲二村 · 361123100202"
    rows = tables_shown(at)[0].set_index("目标")
    village = golden("water_village_2022").loc["361123100202"]
    assert rows.loc["重点村自来水90%", "本村"] == f"{village['value']:.1f}%"
    assert rows.loc["重点村自来水90%", "状态"] == "倒退"
    assert rows.loc["重点村自来水90%", "所在乡镇"] == "57.5%"  # 甲镇's household-weighted mean
    assert rows.loc["重点村自来水90%", "所在县"] == "57.5%"
    # the counts say what the table says: 未达标 only for rows that read 未达标; 倒退 and the like are behind
    statuses = rows["状态"].tolist()
    assert counts_shown(at) == {
        "适用目标": "6", "未达标": str(statuses.count("未达标")),
        "尚未达标（未到期）": str(sum(s in ("倒退", "进展有限", "需加快", "尚未完成") for s in statuses)), "无数据": "0"}
    assert statuses.count("未达标") + sum(s in ("倒退", "进展有限", "需加快", "尚未完成") for s in statuses) == 6
    assert not at.dataframe  # where each value came from: built once its panel is opened
    at.session_state["village.sources"] = True
    at.run()
    sources = at.dataframe[0].value
    assert set(sources["文件"]) == {"values.csv"} and sources["行"].notna().all()
    assert set(sources["工作表"]) == {"—"}  # a CSV has no sheet: a dash, not None
    measures = tables_shown(at)[1].set_index("指标（单位）")  # after the targets: the measures by year
    assert measures.columns.tolist() == ["2020", "2021", "2022", "2023"] and len(measures) > 3  # the world's years
    yes_no = [row for name, row in measures.iterrows() if "是/否" in name]
    assert yes_no and all(v in ("是", "否", "—") for row in yes_no for v in row.values)  # words, not 1/0


def test_village_search_opens_one_match_lists_several_and_says_when_none(page):
    at = page("village", county="361123", year="2022", village="361123100202")
    at.text_input(key="village.search").input("乙一").run()  # one match: it opens at once
    assert at.subheader[0].value == "乙一村 · 361123101201"
    assert at.query_params["village"] in ("361123101201", ["361123101201"])
    at.text_input(key="village.search").input("361123100202").run()  # an exact code
    assert at.subheader[0].value == "甲二村 · 361123100202"
    at.text_input(key="village.search").input("村").run()  # several: listed, none opened until picked
    picker = at.selectbox(key="village.pick.村")
    assert picker.label.startswith("找到 ") and picker.value is None and len(picker.options) >= 3
    assert not at.main.subheader
    picker.set_value("361123101202").run()
    assert at.subheader[0].value.endswith("· 361123101202")
    at.text_input(key="village.search").input("没有这个村").run()
    assert at.warning[0].value == "没有找到与“没有这个村”匹配的村。" and not at.main.subheader


def test_a_village_link_alone_opens_in_its_own_area_and_an_unknown_code_says_so(world, users_file, open_app):
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=users_file, user="admin", page="village",
                  params={"village": "361124100201", "year": "2022"})
    assert at.subheader[0].value == "丙一村 · 361124100201"
    assert (at.selectbox(key="province").value, at.selectbox(key="city").value,
            at.selectbox(key="county").value) == ("36", "3611", "361124")
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=users_file, user="admin", page="village",
                  params={"village": "361127100201", "year": "2022"})
    assert at.warning[0].value == "区划代码 361127100201 不在本库中，或不在您的查看范围内。"
    assert not at.main.subheader  # no other village is opened in its place


def test_times_are_shown_in_beijing_time(page, world):
    import duckdb

    from tracker.core.clock import beijing_text

    loaded = duckdb.connect(str(world), read_only=True).execute("select max(loaded_at) from batch").fetchall()[0][0]
    at = page("overview", county="361123", year="2022")
    expected = beijing_text(loaded, "zh")
    assert expected.endswith("（北京时间）") and f"数据最近导入：{expected}" in at.caption[0].value
    assert beijing_text("2026-11-23T02:07:00+00:00", "en") == "2026-11-23 10:07 (Beijing time)"
    assert beijing_text(loaded, "zh")[:16] == (loaded + pd.Timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    at = page("data_management", county="361123", year="2022")
    at.session_state["data.tab"] = "导入批次"
    at.run()
    history = at.dataframe[0].value
    assert "导入时间（北京时间）" in history.columns
    assert history["导入时间（北京时间）"].iloc[0] == pd.Timestamp(loaded) + pd.Timedelta(hours=8)


def test_final_assessment_page_counts_ranks_and_offers_the_report(page):
    at = page("final")
    # the data reach 2023, the middle of 2021-2025: a running plan is reviewed, never given a final assessment
    assert at.title[0].value == "上饶市十四五乡村振兴目标中期评估（截至2023年）"
    assert counts_shown(at) == {"纳入评估的目标": "9", "达标": "1", "逾期达标": "0", "未达标": "1", "无数据": "0",
                                "进行中": "7", "仅监测": "0"}
    assert "十四五尚未结束：数据到 2023 年，规划期到 2025 年" in at.info[0].value
    table = at.dataframe[0].value.set_index("目标")
    assert table.loc["累计建成公路100公里", "完成情况"] == "按期达标" and table.loc["2022年完成村庄规划", "完成情况"] == "未达标"
    assert table.loc["重点村自来水90%", "基期（2020）"] == "73.3%" and table.loc["重点村自来水90%", "2023"] == "94.0%"
    ranking = tables_shown(at)[0]
    assert ranking["县（市、区）"].tolist() == ["铅山县", "玉山县"] and ranking["达到/评估目标数"].tolist() == ["1/1", "0/1"]
    assert [b.proto.label for b in at.get("download_button")] == [
        "下载终期评估报告（Word）", "下载终期评估报告（HTML，可打印）", "下载目标完成情况（CSV）", "下载表格（Excel）"]
    assert at.query_params.get("plan") in ("p14", ["p14"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_target_setting_page_says_what_the_propose_command_writes(page, world, lang, use_settings):
    """目标测算 for 上饶市's villages' tap water, 90 and 95 by 2025: the page's side-by-side table and its units are
    those of `python -m tracker propose`."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from tracker.__main__ import main as tracker_cli

    at = page("propose", lang=lang)
    at.selectbox(key="page.measure").set_value("water").run()
    at.text_input(key="propose.values").input("90, 95").run()
    at.number_input(key="propose.deadline").set_value(2025).run()
    assert not at.exception, at.exception
    side = tables_shown(at)[0]
    assert len(side) == 2 and side.iloc[:, 0].tolist() == ["≥ 90%", "≥ 95%"]

    use_settings(catalogue=WORLD / "catalogue.yaml")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = tracker_cli(["propose", "--measure", "water", "--region", "3611", "--value", "90", "--value", "95",
                            "--deadline", "2025", "--db", str(world)])
    assert code == 0
    summary = pd.read_csv(io.StringIO(err.getvalue()))
    reaching = [f"{r}/{n}" for r, n in zip(summary["units_reaching"], summary["units"])]
    assert side.iloc[:, 5].tolist() == reaching
    units = pd.read_csv(io.StringIO(out.getvalue()), dtype={"code": str})
    counties = tables_shown(at)[1]  # which counties would reach the first candidate: their units add up
    assert counties.iloc[:, 0].tolist() == ["铅山县", "玉山县"] and counties.iloc[:, 1].tolist() == ["1", "4"]
    n_reaching, n_units = (counties.iloc[:, i].astype(int).sum() for i in (2, 1))
    assert f"{n_reaching}/{n_units}" == side.iloc[0, 5]
    assert not at.dataframe  # each candidate's units: built once their panel is opened
    at.session_state["propose.units.open"] = True
    at.run()
    shown = at.dataframe[0].value  # the first candidate's units, those that would not reach it first
    assert shown.iloc[:, 0].tolist() == units.loc[units["candidate"] == 90, "code"].tolist()
