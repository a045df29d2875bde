"""The dashboard's core, as pure functions: figures and their wording, cards and sentences, chart
builders (figure dicts) and the lagging map (what its SVG is drawn from), with no Streamlit."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import WORLD, TableReader, tables_shown
from tracker.core import codes, numbers
from tracker.core.catalogue import load_catalogue
from tracker.core.progress import required_path
from tracker.core.status import STATUSES
from tracker.present import charts, scorecard, tables
from tracker.present.matrix import status_matrix
from tracker.views import lagging as lagging_view

CAT = load_catalogue(WORLD / "catalogue.yaml")


def row(**values) -> dict:
    """An assessment row with everything missing except what is given."""
    base = dict.fromkeys(["value", "target_value", "benchmark", "met", "gap", "units_in_scope", "units_reporting",
                          "units_met", "aggregate_value", "aggregate_weighted", "base_year_used", "base_value",
                          "rate_observed", "rate_required", "progress_ratio", "benchmark_units", "raw_value",
                          "raw_from"])
    base.update(target_id="t_water", region_code="361123", region_name="玉山县", level="county", year=2022,
                status="missed", in_period=True, is_unit=False)
    return base | values


@pytest.mark.parametrize("value, unit, text", [
    (88.625, "%", "88.6%"), (50, "%", "50.0%"), (0, "%", "0.0%"), (12345.6, "元", "12,346 元"),
    (2.154, "千伏安", "2.15 千伏安"), (18.25, "万元", "18.2 万元"), (3, "个", "3 个"), (1, "是/否", "是"),
    (0, "是/否", "否"), (None, "%", "—"), (float("nan"), "元", "—"),
])
def test_numbers_carry_units_and_sensible_rounding(value, unit, text):
    assert numbers.number(value, unit) == text


@pytest.mark.parametrize("target_id, values, kind, shown, target_text", [
    # a per-village threshold read as a whole: the (weighted) mean against the threshold
    ("t_water", dict(value=57.5, target_value=90.0, aggregate_value=57.5, units_in_scope=3, units_met=1), "mean",
     "57.5%", "≥ 90%"),
    # read unit by unit: the share of units meeting it against 100%, or against the declared share
    ("t_water_all", dict(value=33.3, target_value=100.0, aggregate_value=57.5, units_in_scope=3, units_met=1),
     "share_met", "33.3%", "100%（全部达标）"),
    ("t_water_share", dict(value=33.3, target_value=50.0, units_in_scope=3, units_met=1), "share_met", "33.3%",
     "≥ 50%（达标单位占比）"),
    # a share rule: the share of reporting units meeting the condition against its own %
    ("t_gig", dict(value=50.0, target_value=80.0, units_reporting=6, units_met=3), "share", "50.0%", "≥ 80%"),
    # a yes/no milestone rolls up as the share of units that meet it (every unit, its default)
    ("t_plan", dict(value=66.67, target_value=100.0, units_in_scope=3, units_met=2), "share_met", "66.7%",
     "100%（全部达标）"),
    # a relative rule read as a whole: the units' growth of the sum against the region's benchmark
    ("t_income", dict(value=11.05, target_value=8.0, units_in_scope=3, units_met=2, aggregate_value=11.05,
                      benchmark=8.0), "growth", "11.1%", "> 8.0%（基准）"),
    ("t_roads", dict(value=85.0, target_value=100.0), "total", "85 公里", "≥ 100 公里"),
    # units: a village's own value, a growth against its benchmark, a yes/no
    ("t_water", dict(is_unit=True, value=45.0, target_value=90.0), "value", "45.0%", "≥ 90%"),
    ("t_income", dict(is_unit=True, value=12.5, benchmark=8.0), "growth", "12.5%", "> 8.0%（基准）"),
    ("t_plan", dict(is_unit=True, value=0.0), "done", "否", "完成"),
])
def test_each_rule_has_its_headline_figure(target_id, values, kind, shown, target_text):
    target = CAT.targets[target_id]
    fig = scorecard.figure(row(target_id=target_id, **values), target, CAT.measures[target.measure])
    assert fig.kind == kind
    assert numbers.number(fig.value, fig.unit) == shown
    assert scorecard.target_text(fig) == target_text


def test_the_other_figure_stands_beside_the_verdict():
    """Read as a whole, the share of villages meeting it is beside; read unit by unit, the mean."""
    whole = scorecard.figure(row(target_id="t_water", value=94.8, target_value=90.0, units_in_scope=16,
                                 units_met=14, aggregate_value=94.8), CAT.targets["t_water"], CAT.measures["water"])
    assert (numbers.number(whole.value, whole.unit), whole.note) == ("94.8%", "14/16 个村达标")
    each = scorecard.figure(row(target_id="t_water_all", value=87.5, target_value=100.0, units_in_scope=16,
                                units_met=14, aggregate_value=94.8), CAT.targets["t_water_all"], CAT.measures["water"])
    assert (numbers.number(each.value, each.unit), each.note) == ("87.5%", "14/16 个村达标；平均 94.8%")
    en = scorecard.figure(row(target_id="t_water", value=94.8, target_value=90.0, units_in_scope=16, units_met=14,
                              aggregate_value=94.8), CAT.targets["t_water"], CAT.measures["water"], "en")
    assert en.note == "14 of 16 villages meet it"


@pytest.mark.parametrize("now, before, text, arrow", [
    (57.5, 58.75, "-1.2 个百分点", "down"), (50.0, 80.0, "-30.0 个百分点", "down"), (66.7, 33.3, "+33.4 个百分点", "up"),
    (50.0, 50.01, "持平", "off"), (50.0, None, None, "off"),
])
def test_change_on_last_year(now, before, text, arrow):
    fig = scorecard.Figure(now, 90.0, "%", "mean", ">=")
    prev = scorecard.Figure(before, 90.0, "%", "mean", ">=") if before is not None else None
    assert scorecard.change_text(fig, prev) == (text, arrow)


def test_gap_follows_the_direction_of_the_rule():
    assert scorecard.gap_text(scorecard.Figure(88.6, 90.0, "%", "mean", ">=")) == "1.4 个百分点"
    assert scorecard.gap_text(scorecard.Figure(91.0, 90.0, "%", "mean", ">=")) is None
    assert scorecard.gap_text(scorecard.Figure(12.0, 10.0, "人", "value", "<=")) == "2 人"


def rows_for(county: str, year: int, **by_target) -> pd.DataFrame:
    return pd.DataFrame([row(target_id=tid, region_code=county, year=year, **values)
                         for tid, values in by_target.items()])


def test_cards_worst_first_with_change_and_sentences():
    now = rows_for("361123", 2022,
                   t_water=dict(value=57.5, target_value=90.0, aggregate_value=57.5, units_in_scope=3,
                                units_reporting=2, units_met=1, status="limited"),
                   t_gig=dict(value=50.0, target_value=80.0, units_reporting=6, units_met=3, status="on_track"),
                   t_plan=dict(value=66.7, target_value=100.0, units_in_scope=3, units_reporting=3, units_met=2,
                               status="missed"))
    before = rows_for("361123", 2021,
                      t_water=dict(value=58.75, target_value=90.0, aggregate_value=58.75, status="deteriorating"),
                      t_gig=dict(value=80.0, target_value=80.0, status="achieved"),
                      t_plan=dict(value=33.3, target_value=100.0, status="on_track"))
    rows = pd.concat([before, now])
    cards = scorecard.cards(rows, CAT, "361123", 2022)
    assert [c.target_id for c in cards] == ["t_plan", "t_water", "t_gig"]  # missed, then watch, then good
    water = cards[1]
    assert (water.value, water.target, water.change, water.arrow, water.gap, water.direction) == (
        "57.5%", "≥ 90%", "-1.2 个百分点", "down", "32.5 个百分点", "away")
    assert water.why[0] == "状态：进展有限"
    # as the briefing draws them: one block, worst first, each status on its own colour, the change by its direction
    html = scorecard.cards_html(cards, "361123")
    assert [html.index(f'data-target="{c.target_id}"') for c in cards] == sorted(
        html.index(f'data-target="{c.target_id}"') for c in cards)
    block = html[html.index('data-target="t_water"'):].split("</section>")[0]
    limited = STATUSES["limited"]
    assert f'background:{limited.colour};color:{limited.ink}' in block and ">进展有限</span>" in block
    assert f'color:{scorecard.CHANGE_COLOUR["away"]}' in block and "▼ -1.2 个百分点" in block
    assert "<li>状态：进展有限</li>" in block and "<summary" in block
    previous = scorecard.previous_statuses(rows, cards, 2022)
    assert previous == {"t_water": "deteriorating", "t_gig": "achieved", "t_plan": "on_track"}
    sentences = scorecard.summary_sentences(cards, previous, "玉山县", 2022, lagging=214, k=3)
    assert sentences[0] == "玉山县 2022 年纳入评估的 3 个目标：1 个达标或进度正常，1 个需加快或尚未完成，1 个未达标。"
    assert "重点村自来水90%：57.5%，目标 ≥ 90%，还差 32.5 个百分点（期限 2025 年）。" in sentences
    assert "214 个村有 3 个及以上目标未达标。" in sentences
    # water deteriorating → limited is better; gig achieved → on track stays good; plan on track → missed worse
    assert sentences[-1] == "与 2021 年相比，1 个目标状态好转，1 个变差。"
    moved = scorecard.changes(rows, CAT, cards, 2022)
    assert moved["目标"].tolist()[:2] == ["2022年完成村庄规划", "重点村自来水90%"]  # status moved first
    assert moved.set_index("目标").loc["双千兆80%", "上年"] == "80.0%"


def test_cards_are_text_whatever_a_name_holds():
    hostile = "<img src=x onerror=alert(1)>"
    card = scorecard.Card("t_water", "重点村自来水90%", "361123", hostile, "missed", "50.0%", "≥ 90%", hostile, None,
                          "off", "none", None, 2025, True, "value", 0.4, [hostile], "未达标", outlook=hostile)
    html = scorecard.cards_html([card], "3611")  # the card's region is not the area: its name is shown
    # its label and title, the note, the outlook and the reason, each as the characters it holds
    assert "<img" not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 5


def test_a_short_table_and_counts_read_as_given_and_stay_text():
    hostile = "<img src=x onerror=alert(1)>"
    frame = pd.DataFrame({"候选值": ["≥ 90%", hostile], "现状": ["92.0%", None], hostile: ["3/5", "0/5"]})
    html = tables.html_table(frame)
    assert "<img" not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 2
    parser = TableReader()
    parser.feed(html)
    [rows] = parser.tables
    assert rows == [["候选值", "现状", hostile], ["≥ 90%", "92.0%", "3/5"], [hostile, "", "0/5"]]  # missing: blank
    assert html.count('scope="row"') == 2 and html.count("<td") == 4  # each row named by its first cell
    parser = TableReader()
    parser.feed(tables.counts_html([("达标", 13), (hostile, 4)]))
    assert parser.counts == [["达标", "13"], [hostile, "4"]]


def _two_tables(short: int, long: int) -> None:
    import pandas as pd

    from ui import widgets

    for n in (short, long):
        widgets.table(pd.DataFrame({"县": [f"县{i}" for i in range(n)], "村数": range(n)}))


def test_a_table_read_as_a_report_is_html_and_a_long_list_a_grid():
    from streamlit.testing.v1 import AppTest

    from ui.widgets import TABLE_ROWS

    at = AppTest.from_function(_two_tables, args=(TABLE_ROWS, TABLE_ROWS + 1), default_timeout=30).run()
    assert not at.exception, at.exception
    [short] = tables_shown(at)
    assert len(short) == TABLE_ROWS and short["村数"].tolist()[-1] == str(TABLE_ROWS - 1)
    [grid] = at.dataframe  # the longer one, to scroll, sort and search
    assert len(grid.value) == TABLE_ROWS + 1


def test_card_regions_for_an_area_inside_or_around_the_jurisdiction():
    assert scorecard.card_regions(CAT, "361123")["t_water"] == "361123"  # inside 3611: the county itself
    assert scorecard.card_regions(CAT, "36")["t_water"] == "3611"  # the province: the city's own result
    assert scorecard.card_regions(CAT, codes.NATION)["t_gig"] == "361123"  # the whole country: each at its own region
    assert "t_gig" not in scorecard.card_regions(CAT, "361124")  # 玉山县's target says nothing about 铅山县


def test_status_matrix_colours_every_cell_by_status_and_leaves_the_rest_blank():
    cells = pd.DataFrame([
        {"target": "A", "region": "甲", "status": "met", "status_label": "达标", "text": "95%",
         "hover": "甲 · A\n95%（目标 ≥ 90%）"},
        {"target": "A", "region": "乙", "status": "missed", "status_label": "未达标", "text": "40%",
         "hover": "乙 · A\n40%\n<说明>"},
        {"target": "B", "region": "甲", "status": "no_data", "status_label": "无数据", "text": "—", "hover": "甲 · B"},
    ])
    m = status_matrix(cells, "target", "region", ["A", "B"], ["甲", "乙"], "标题")
    assert [[c.status for c in row] for row in m.cells] == [["met", "missed"], ["no_data", None]]
    assert [[c.text for c in row] for row in m.cells] == [["95%", "40%"], ["—", ""]]
    # hovering says the place, the status in words, the figure and why — as plain text, a line each
    assert m.cells[0][1].why == "乙 · A\n未达标\n40%\n<说明>"
    assert m.cells[1][1].why == "B · 乙\n该目标不适用于此地区"
    assert m.legend == [("未达标", STATUSES["missed"].colour), ("达标", STATUSES["met"].colour),
                        ("无数据", STATUSES["no_data"].colour)]  # every colour shown is named, worst first
    html = m.html()
    assert (f'title="乙 · A\n未达标\n40%\n&lt;说明&gt;" style="padding:3px 8px;text-align:center;white-space:nowrap;'
            f'min-width:44px;border:none;background:{STATUSES["missed"].colour};color:{STATUSES["missed"].ink}">40%</td>'
            in html)
    assert '<th scope="row"' in html and html.count("<tr>") == 3 and "标题" in html


def shapes(chart: dict, kind: str, name: str | None = None) -> list[dict]:
    """A chart's shapes of one kind ('rect', 'line', 'dot', 'text'), those that draw `name` when given."""
    return [e for e in chart["elements"] if e["t"] == kind and (name is None or e.get("n") == name)]


def test_ranking_sorts_and_draws_target_and_average_lines():
    frame = pd.DataFrame({"region": ["甲", "乙", "丙"], "value": [70.0, 95.0, None], "target_value": [90.0, 90.0, 90.0],
                          "status": ["missed", "met", "no_data"], "text": ["70%", "95%", "—"],
                          "hover": ["甲 · t\n70%", "乙 · t\n95%", ""]})
    chart = charts.ranking(frame, "t", "%", 80.0, "全市")
    bars = shapes(chart, "rect")
    assert [(b["n"], b["v"]) for b in bars] == [("乙", 95.0), ("甲", 70.0)]  # the best at the top; no value, no bar
    assert [b["fill"] for b in bars] == [STATUSES["met"].colour, STATUSES["missed"].colour]
    assert [b["tip"] for b in bars] == ["乙 · t\n95%", "甲 · t\n70%"]  # its words on hover, a line each
    assert bars[0]["y0"] < bars[1]["y0"]
    # bars start at zero; a bar's length is its value across the plot, 95 the longest (x: fractions of the width)
    assert bars[0]["x0"] == 0 and bars[1]["x1"] / bars[0]["x1"] == pytest.approx(70 / 95, abs=1e-4)
    lines = {line["n"]: line for line in shapes(chart, "line") if "n" in line}
    assert (lines["目标"]["v"], lines["目标"]["dash"], lines["全市"]["v"], lines["全市"]["dash"]) == (90.0, "6 4", 80.0, "2 3")
    assert lines["目标"]["p"][0][0] == pytest.approx(90 / 95 * bars[0]["x1"], abs=1e-4)  # drawn where 90 is on the axis
    # both labels above the plot, clear of the axis's ticks below it; the legend names each colour shown
    texts = {e["s"]: e for e in shapes(chart, "text")}
    assert texts["目标"]["y"] < bars[0]["y0"] and texts["全市"]["y"] < bars[0]["y0"]
    assert {"达标", "未达标"} <= set(texts) and "数据不全" not in texts  # 丙 has no bar, so no colour to name


def test_each_region_read_against_its_own_benchmark_carries_its_own_marker():
    """玉山 8.1% against its own 8.0% is met (blue) though below 信州区's 8.625: no single line for all."""
    frame = pd.DataFrame({"region": ["信州区", "玉山县", "余干县"], "value": [8.7, 8.1, 8.0],
                          "target_value": [8.625, 8.0, 8.2], "status": ["met", "met", "missed"],
                          "text": ["8.7%", "8.1%", "8.0%"], "hover": ["", "", ""]})
    chart = charts.ranking(frame, "t", "%", None, "", "zh")
    assert not shapes(chart, "line", "目标")  # no one target line
    marks = shapes(chart, "line", "各自的目标线（基准不同）")
    assert [m["v"] for m in marks] == [["信州区", 8.625], ["玉山县", 8.0], ["余干县", 8.2]]
    assert [m["tip"] for m in marks][0] == "信州区 · 各自的目标线（基准不同） 8.62"
    bars = shapes(chart, "rect")
    assert [b["fill"] for b in bars] == [STATUSES["met"].colour, STATUSES["met"].colour, STATUSES["missed"].colour]
    assert "各自的目标线（基准不同）" in {e["s"] for e in shapes(chart, "text")}  # said in the legend


def test_axes_take_round_ticks_and_keep_bars_at_zero():
    assert charts.ticks(0, 95) == [0, 20, 40, 60, 80, 100]
    assert charts.ticks(2.3, 4.7) == [2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    assert charts.scale(0, 100) == (-5.0, 105.0, [0, 20, 40, 60, 80, 100])  # padded, the ticks inside
    assert charts.scale(0, 95, keep_zero=True)[:2] == (0, pytest.approx(99.75))  # bars start at zero
    assert [charts.tick_text(v, 0.25) for v in (0.5, 1.25)] == ["0.50", "1.25"]
    assert charts.tick_text(1200, 200) == "1,200"


def test_a_trend_draws_each_course_its_target_fan_and_references():
    frame = pd.DataFrame({"region": ["甲县"] * 3, "year": [2020, 2021, 2022], "value": [50.0, 60.0, None],
                          "status": ["", "on_track", ""], "hover": ["", "甲县 · 自来水\n60% (目标 ≥ 90%)", ""]})
    projection = pd.DataFrame({"year": [2021, 2025], "value": [60.0, 84.0], "low": [60.0, 78.0], "high": [60.0, 90.0]})
    references = pd.DataFrame({"year": [2025], "value": [96.0], "label": ["<b>全国</b>"]})
    chart = charts.trend(frame, "自来水", "%", 90.0, 2025, lang="zh", projection=projection, references=references)
    [course] = shapes(chart, "line", "甲县")
    assert course["v"] == [[2020, 50.0], [2021, 60.0]]  # no figure for 2022: the line stops
    dots = shapes(chart, "dot", "甲县")
    assert [d["tip"] for d in dots] == ["甲县 · 2020: 50.0%", "甲县 · 自来水\n进度正常\n60% (目标 ≥ 90%)"]
    assert dots[1]["fill"] == STATUSES["on_track"].colour
    [target] = shapes(chart, "line", "目标")
    assert target["v"] == [[2020, 90.0], [2025, 90.0]]  # to the deadline
    [band] = shapes(chart, "area", "预计的80%区间")
    assert len(band["p"]) == 4  # from the latest figure out to the interval at the deadline and back
    [reference] = shapes(chart, "dot", "参考数值")
    assert reference["shape"] == "diamond" and reference["tip"] == "<b>全国</b>: 96.0%"  # text, never markup
    # higher values are drawn higher: y is in pixels from the top
    assert target["p"][0][1] < course["p"][1][1] < course["p"][0][1]
    legend = {e["s"] for e in shapes(chart, "text")}
    assert {"甲县", "目标", "按近年进度预计", "预计的80%区间", "参考数值", "进度正常"} <= legend


def test_a_spread_counts_every_unit_once_in_round_bins():
    values = pd.Series([61.0, 72.5, 88.0, 90.0, 90.0, 95.5, 100.0, None])
    chart = charts.spread(values, "分布", "%", [(95.0, "≥ 95%")], references=[(96.0, "全国 96%")])
    bars = shapes(chart, "rect")
    assert sum(b["v"][2] for b in bars) == 7  # each unit with a figure in one bin, 100 too
    widths = {round(b["v"][1] - b["v"][0], 6) for b in bars}
    assert len(widths) == 1 and widths.pop() in (2, 2.5, 5, 10)
    assert all(b["v"][0] <= v < b["v"][1] for v in (90.0,) for b in bars if b["v"][0] <= 90.0 < b["v"][1])
    assert [line["v"] for line in shapes(chart, "line") if "n" in line] == [95.0, 96.0]
    assert {e["s"] for e in shapes(chart, "text")} >= {"≥ 95%", "全国 96%", "单位数"}


def test_required_path_is_compound_to_the_target_and_straight_from_zero():
    path = required_path(2020, 50.0, 90.0, 2025, ">=")
    assert path["year"].tolist() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert path["value"].iloc[0] == 50.0 and path["value"].iloc[-1] == pytest.approx(90.0)
    assert path["value"].iloc[1] == pytest.approx(50 * (90 / 50) ** 0.2)
    assert required_path(2020, 0.0, 100.0, 2025, ">=")["value"].tolist() == [0, 20, 40, 60, 80, 100]
    assert required_path(None, 50.0, 90.0, 2025, ">=").empty


def test_township_points_sum_villages_and_the_map_stays_offline():
    villages = pd.DataFrame({
        "code": ["361123100201", "361123100202", "361123101201"], "name": ["甲一村", "甲二村", "乙一村"],
        "township": ["甲镇", "甲镇", "乙镇"], "lon": [118.2, 118.21, 118.22], "lat": [28.7, 28.71, 28.72],
        "value": [95.0, 45.0, None], "target_value": [90.0, 90.0, 90.0], "benchmark": [None] * 3,
        "status": ["met", "deteriorating", "no_data"], "met": [True, False, None]})
    towns = pd.DataFrame({"code": ["361123100", "361123101"], "name": ["甲镇", "乙镇"], "lon": [118.21, 118.22],
                          "lat": [28.71, 28.72]})
    points = lagging_view.summary_points(villages, towns, "township", "zh")
    assert [(p["n"], p["v"], p["s"]) for p in points] == [("甲镇", "1/2 个村达标（50%）", "0 个村无数据"),
                                                          ("乙镇", "0/1 个村达标（0%）", "1 个村无数据")]
    # the whole country sums the same villages into their county: one point for the three
    county = pd.DataFrame({"code": ["361123"], "name": ["玉山县"], "lon": [118.24], "lat": [28.68]})
    summed = lagging_view.summary_points(villages, county, "county", "en")
    assert [(p["code"], p["v"], p["s"], p["r"]) for p in summed] == [
        ("361123", "1 of 3 villages meet it (33%)", "1 village without data", 400 + 120 * 3)]
    lagging = pd.DataFrame({"village_code": ["361123100202", "361123101201", "361124100201"],
                            "targets_missed": [2, 4, 1]})
    two = pd.DataFrame({"code": ["361123", "361124"], "name": ["玉山县", "铅山县"], "lon": [118.24, 117.7],
                        "lat": [28.68, 28.3]})
    missed = lagging_view.missed_summary_points(lagging, two, "county", "zh")
    # coloured as a village missing the most of them (4: dark red), sized by how many lag
    assert [(p["n"], p["v"], p["s"], p["c"]) for p in missed] == [
        ("玉山县", "2 个村未达标", "最多未达标 4 个目标", [189, 0, 38]),
        ("铅山县", "1 个村未达标", "最多未达标 1 个目标", [254, 204, 92])]
    each = lagging_view.target_points(villages, CAT, "t_water", "zh")
    assert each[1] == {"lon": 118.21, "lat": 28.71, "c": [214, 96, 77], "code": "361123100202", "n": "甲二村",
                       "v": "45.0%（目标 ≥ 90%）", "s": "倒退"}
    outline = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "361123", "name": "玉山县"},
               "geometry": {"type": "Polygon", "coordinates": [[[118.1, 28.6], [118.3, 28.6], [118.3, 28.8], [118.1, 28.6]]]}}]}
    view = lagging_view.lagging_map(outline, {"361123": "limited"}, {"361123": "57.5%（进展有限）"}, each,
                                    lagging_view.VILLAGES)
    sent = json.dumps(view.drawing)
    assert "http" not in sent and view.bytes == len(sent) and view.points == 3 and view.layer == "villages"
    [county] = view.drawing["outlines"]
    # shaded in the county's status colour (its verdict by the target's reading), faded: limited progress
    assert county[1:] == ["rgb(251,223,211)", "玉山县\n57.5%（进展有限）"]
    assert [p[5] for p in view.drawing["points"]] == [p["code"] for p in each]
    # 倒退's colour, and the words of its tooltip
    assert view.drawing["points"][1][3:5] == ["rgb(214,96,77)", "甲二村 361123100202\n45.0%（目标 ≥ 90%）\n倒退"]


def test_work_list_names_the_missed_targets():
    lagging = pd.DataFrame({"village_code": ["361123100202"], "village": ["甲二村"], "township": ["甲镇"],
                            "county": ["玉山县"], "targets_in_scope": [4], "targets_missed": [2],
                            "targets_without_data": [0], "shortfall": [1.5], "missed_targets": [["t_water", "t_gig"]]})
    table = lagging_view.worklist(lagging, CAT, "zh")
    assert table.columns.tolist()[:4] == ["区划代码", "村", "乡镇", "县（市、区）"]
    assert table["未达标的目标"].tolist() == ["重点村自来水90%；双千兆80%"]


@pytest.mark.parametrize(("op", "arrow", "direction"), [
    (">=", "up", "toward"), (">=", "down", "away"), (">", "up", "toward"), ("<=", "down", "toward"),
    ("<", "up", "away"), (">=", "off", "none"), (None, "up", "none")])
def test_a_change_is_coloured_by_its_direction_toward_the_target(op, arrow, direction):
    fig = scorecard.Figure(80.0, 90.0, "%", "mean", op)
    assert scorecard.change_direction(fig, arrow) == direction
    # toward: the blue of a met target; away: the red of a missed one; neither: no verdict's grey ink
    assert scorecard.CHANGE_COLOUR[direction] == {"toward": "#2166AC", "away": "#B2182B", "none": "#6B6F7B"}[direction]


def test_english_units_read_naturally():
    from tracker.core.catalogue import load_catalogue as load

    industries = load().measures["characteristic_industries"]
    assert industries.value_unit("en") == "industry|industries" and industries.value_unit("zh") == "个"
    assert [numbers.number(n, industries.value_unit("en"), "en") for n in (1.0, 3.0)] == ["1 industry", "3 industries"]
    assert numbers.number(1.0, industries.value_unit("zh"), "zh") == "1 个"
    income = load().measures["collective_operating_income"]
    assert numbers.number(108.0, income.value_unit("en"), "en") == "108 × 10,000 yuan"
    assert scorecard.unit_label(industries.value_unit("en")) == "industries"


def test_a_matrix_of_many_columns_stands_their_labels_upright_and_escapes_every_name():
    cells = pd.DataFrame([{"target": "A", "region": f"很长的乡镇名称{i}镇", "status": "met", "status_label": "达标",
                           "text": "1", "hover": "h"} for i in range(8)] + [
        {"target": "A", "region": "<b>镇</b>", "status": "met", "status_label": "达标", "text": "1", "hover": "h"}])
    wide = status_matrix(cells, "target", "region", ["A"], cells["region"].tolist(), "标题").html()
    few = status_matrix(cells.head(3), "target", "region", ["A"], cells["region"].head(3).tolist(), "标题").html()
    assert "writing-mode:vertical-rl" in wide and "writing-mode" not in few
    assert "&lt;b&gt;镇&lt;/b&gt;" in wide and "<b>" not in wide  # a name is only text
