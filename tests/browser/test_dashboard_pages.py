"""The dashboard pages as a person sees them in Chromium, on the demo store, with nothing leaving localhost.

The numbers expected are computed from the same store by the core (tracker.*), so a page that shows
anything but what the assessment says fails; the Visit fixture fails any test whose page requested
something off the machine or logged a console error.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from bench.bench_browsers import CARD_VALUES
from tracker.core import store
from tracker.core.assess import lagging_villages
from tracker.core.catalogue import load_catalogue
from tracker.present import scorecard
from tracker.queries import dashboard
from tracker.views import lagging, overview

pytestmark = pytest.mark.browser

YUGAN = "province=36&city=3611&county=361127"
POINTS = ".tracker-map circle"  # the lagging map's points, in their order


@pytest.fixture(scope="module")
def core(demo_store):
    """A read-only connection to the demo store and the catalogue, for the numbers pages must show."""
    return store.StoreReader(demo_store[0]).cursor(), load_catalogue()


def test_briefing_shows_the_headline_cards_and_sentences(demo_server, visit, core):
    con, cat = core
    rows = dashboard.assessment_rows(con, regions=tuple(sorted(set(scorecard.card_regions(cat, "361127").values()))),
                                     years=(2024, 2025))
    cards = scorecard.headline_cards(scorecard.cards(rows, cat, "361127", 2025))
    visit.page.goto(f"{demo_server}/?{YUGAN}")
    visit.settle()
    assert visit.heading() == "余干县 · 2025年 领导简报"
    assert visit.page.locator(CARD_VALUES).all_inner_texts() == [c.value for c in cards]
    lagging = len(lagging_villages(con, "361127", 2025, 3))
    assert visit.page.get_by_text(f"{lagging} 个村有 3 个及以上目标未达标").first.is_visible()
    # the targets × townships matrix, a table coloured by status (no chart: the briefing starts no chart library)
    expected = overview.build(con, cat, "361127", 2025).matrix
    matrix = visit.page.locator(".status-matrix table")
    assert matrix.is_visible() and matrix.locator("tbody th").all_inner_texts() == expected.rows
    assert matrix.locator("thead th").all_inner_texts()[1:] == expected.columns
    assert visit.page.locator(".tracker-chart").count() == 0
    # a card's reasons, folded under it: opened by the browser, without running the page again
    first = visit.page.locator(".tracker-cards .card").first
    reason = first.locator("details li").first
    assert reason.text_content() == cards[0].why[0] and not reason.is_visible()
    first.get_by_text("为什么是这个颜色").click()
    assert reason.is_visible()
    assert visit.page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state") == "notRunning"
    assert visit.page.get_by_role("button", name="下载简报（Word）").is_visible()
    visit.screenshot("overview-yugan")
    visit.screenshot("briefing-first-screen", full_page=False)  # README's picture (python -m tools.docs --screenshots)


def test_briefing_in_english(demo_server, visit, core):
    visit.page.goto(f"{demo_server}/?{YUGAN}&lang=en")
    visit.settle()
    assert visit.heading() == "余干县 · briefing 2025"
    assert visit.page.get_by_text("Headline targets").first.is_visible()
    visit.screenshot("overview-yugan-en")


def test_comparison_ranks_every_county_of_the_city(demo_server, visit, core):
    con, cat = core
    visit.page.goto(f"{demo_server}/comparison?province=36&city=3611")
    visit.settle()
    assert visit.heading() == "上饶市 · 各县（市、区）对比"
    cells = scorecard.cell_frame(dashboard.assessment_rows(con, level="county", area="3611", years=(2025,)), cat)
    default = next(t for t in cat.targets if t in set(cells["target_id"]) and cat.targets[t].headline)
    ranked = cells[(cells["target_id"] == default)].dropna(subset=["value"])
    chart = visit.page.locator(".tracker-chart").first  # an SVG the browser draws, no chart library
    chart.wait_for(state="visible")
    bars = chart.locator("rect[data-tip]")  # a bar per county with a figure, its words on hover
    assert bars.count() == len(ranked)
    best_first = ranked.sort_values("value", ascending=False)
    tips = bars.evaluate_all("bars => bars.map(b => b.dataset.tip)")
    assert [tip.split(" · ")[0] for tip in tips] == best_first["region"].tolist()  # the best at the top
    bars.first.hover()
    assert chart.locator(".tip").inner_text().split("\n")[:2] == best_first["hover"].iloc[0].split("\n")[:2]
    assert visit.page.locator(".tracker-chart").count() >= 2  # ranking, chosen counties over time
    assert visit.page.locator(".status-matrix table").is_visible()  # counties × targets
    # why a cell has its colour: the panel is built when it is opened, and then says the first county's reasons
    why = visit.page.get_by_text("为什么是这个颜色：选一个格子查看判定依据")
    assert visit.page.get_by_role("combobox", name="地区 / 年份").count() == 0
    why.click()
    visit.settle()
    assert visit.page.get_by_role("combobox", name="地区 / 年份").is_visible()
    first = cells[cells["target"] == cells["target"].iloc[0]].iloc[0]
    assert visit.page.get_by_text(f"{first['region']} · {first['target']}").first.is_visible()
    visit.screenshot("comparison-shangrao")


def test_lagging_map_draws_and_a_row_of_the_work_list_opens_the_village(demo_server, visit, core):
    con, cat = core
    worst = lagging_villages(con, "361127", 2025, 3).iloc[0]
    visit.page.goto(f"{demo_server}/lagging?{YUGAN}")
    visit.settle()
    assert visit.heading() == "余干县 · 2025年 落后村"
    box = visit.map_box()
    assert box["width"] > 600 and box["height"] > 400
    assert visit.page.locator(POINTS).count() == lagging.build(con, cat, "361127", 2025, "zh", "target", None,
                                                              3).map.points  # every village of the target drawn
    visit.screenshot("lagging-yugan")
    # the furthest behind read as a short table, the worst first; the whole list a grid in its panel
    first = visit.page.locator(".tracker-table tbody th").all_inner_texts()
    assert len(first) == min(10, len(lagging_villages(con, "361127", 2025, 3))) and first[0] == worst["village"]
    visit.open_panel("全部名单")
    visit.select_first_row()
    link = visit.page.get_by_text(f"打开 {worst['village']} 的档案")
    link.wait_for(state="visible", timeout=30_000)
    link.click()
    visit.page.wait_for_url(re.compile(rf"/village\?.*village={worst['village_code']}"), timeout=30_000)
    visit.settle()
    assert visit.heading() == "村庄档案"
    assert visit.page.get_by_text(f"{worst['village']} · {worst['village_code']}").first.is_visible()
    visit.screenshot("village-from-work-list")


def test_a_click_on_a_villages_point_opens_its_profile_in_the_same_area_and_year(demo_server, visit, core):
    """The map's points are the villages of the target; a click on one opens that village's profile, the sidebar
    still on 余干县, 2024 and English (switching page from a script clears Streamlit's widgets: they are read again
    from the URL)."""
    con, cat = core
    drawn = lagging.build(con, cat, "361127", 2024, "en", "target", None, 3).map.drawing["points"]
    where = pd.DataFrame({"x": [p[0] for p in drawn], "y": [p[1] for p in drawn], "code": [p[5] for p in drawn]})
    # the point farthest from any other, so the click cannot land on a neighbour
    gaps = [((where[["x", "y"]] - r[["x", "y"]]) ** 2).sum(axis=1).drop(i).min() for i, r in where.iterrows()]
    alone = int(pd.Series(gaps).idxmax())
    code = where.at[alone, "code"]
    visit.page.goto(f"{demo_server}/lagging?{YUGAN}&year=2024&lang=en")
    visit.settle()
    visit.map_box()
    box = visit.page.locator(POINTS).nth(alone).bounding_box()
    visit.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = visit.page.locator(".tracker-map .tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().split("\n") == drawn[alone][4].split("\n")  # its name and code, value, status
    visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    visit.page.wait_for_url(re.compile(rf"/village\?.*village={code}"), timeout=30_000)
    visit.settle()
    assert visit.heading() == "Village profile"
    assert "county=361127" in visit.page.url and "year=2024" in visit.page.url and "lang=en" in visit.page.url
    name = con.execute("select name from region where code = ?", [code]).fetchone()[0]
    assert visit.page.get_by_text(f"{name} · {code}").first.is_visible()
    visit.screenshot("village-from-map")
    chosen = visit.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').evaluate_all(
        "inputs => inputs.map(i => i.value || i.placeholder || i.getAttribute('aria-label'))")
    assert chosen[:4] == ["江西省", "上饶市", "余干县", "2024"], chosen


def test_the_k_switch_goes_into_the_url_and_the_url_restores_it(demo_server, visit, core):
    con, _ = core
    visit.page.goto(f"{demo_server}/lagging?{YUGAN}&mode=missed&k=4")
    visit.settle()
    four = len(lagging_villages(con, "361127", 2025, 4))
    assert visit.page.get_by_text(f"落后村工作清单：{four} 个村有 4 个及以上目标未达标").is_visible()
    visit.page.get_by_role("slider").focus()
    visit.page.keyboard.press("ArrowRight")
    visit.page.wait_for_url(re.compile(r"k=5"), timeout=30_000)
    visit.settle()
    url = visit.page.url
    visit.page.goto("about:blank")
    visit.page.goto(url)
    visit.settle()
    five = len(lagging_villages(con, "361127", 2025, 5))
    assert visit.page.get_by_text(f"落后村工作清单：{five} 个村有 5 个及以上目标未达标").is_visible()
    assert "mode=missed" in visit.page.url
    visit.screenshot("lagging-yugan-missing-5")


def test_trends_draw_the_target_and_the_required_path(demo_server, visit):
    visit.page.goto(f"{demo_server}/trends?province=36&city=3611")
    visit.settle()
    assert visit.heading() == "上饶市 · 目标趋势"
    chart = visit.page.locator(".tracker-chart").first
    chart.wait_for(state="visible")
    legend = chart.locator("text").all_text_contents()  # SVG text has no innerText
    assert "目标" in legend and "按期达标所需路径" in legend and "上饶市" in legend
    # the chart fills the page's width, its plot between its margins (drawn to the width, not scaled)
    drawn = chart.locator("svg")
    assert abs(float(drawn.get_attribute("viewBox").split()[2]) - drawn.bounding_box()["width"]) < 1
    with visit.page.expect_download() as saved:
        chart.get_by_role("button", name="下载图表（SVG）").click()
    assert saved.value.suggested_filename.startswith("trend-") and saved.value.suggested_filename.endswith(".svg")
    visit.screenshot("trends-shangrao")


def test_village_profile_by_url(demo_server, visit, core):
    con, cat = core
    worst = lagging_villages(con, "361127", 2025, 1).iloc[0]
    visit.page.goto(f"{demo_server}/village?{YUGAN}&village={worst['village_code']}")
    visit.settle()
    assert visit.page.get_by_text(f"{worst['village']} · {worst['village_code']}").first.is_visible()
    assert visit.count_values()[:2] == [str(worst["targets_in_scope"]), str(worst["targets_missed"])]
    visit.screenshot("village-profile")


def test_audit_page_shows_the_years_findings_as_the_store_holds_them(demo_server, visit, core):
    from tracker.core import audit
    from tracker.queries import findings
    from tracker.views.audit import COUNTED, shown_counts

    con, _ = core
    summary = findings.summary(con, "3611", 2025)
    counts = shown_counts(findings.counts(con, "3611", 2025))  # what each choice of the table lists
    visit.page.goto(f"{demo_server}/audit?province=36&city=3611")
    visit.settle()
    assert visit.heading() == "上饶市 · 2025年 数据审核"
    assert visit.count_values() == [str(counts[k]) for k in COUNTED]
    assert counts["waiting"] == summary["waiting"] > 0 and summary["refused"] > 0  # the demo's jumps and slips
    # the counties with open findings, a row each in the order of their codes (信州区 361102 first)
    named = visit.page.locator('.tracker-table tbody th[scope="row"]').all_inner_texts()
    found = findings.counts(con, "3611", 2025)
    open_ = found[found["state"].isin(audit.OPEN)]
    assert named == open_.drop_duplicates("county_code").sort_values("county_code")["county"].tolist()
    assert named[0] == "信州区"
    assert visit.page.get_by_role("button", name="已核实（附说明）").is_visible()  # the open demo acts as admin
    visit.screenshot("audit-shangrao")


def test_final_assessment_page_in_the_browser(demo_server, visit, core):
    from tracker.views import final

    con, cat = core
    view = final.build(con, cat, "3611", "fyp14")
    visit.page.goto(f"{demo_server}/final?province=36&city=3611")
    visit.settle()
    assert visit.heading() == "上饶市“十四五”时期（2021—2025年）乡村振兴目标终期评估"
    assert visit.count_values()[:4] == [str(len(view.results)), str(view.counts["achieved"]),
                                        str(view.counts["achieved_late"]), str(view.counts["missed"])]
    assert visit.page.get_by_role("button", name="下载终期评估报告（Word）").is_visible()
    visit.screenshot("final-shangrao")
