"""One number, one verdict: a target's status for a region and year reads the same on every page and document
that shows it — the briefing's cards and its Word table, the comparison's matrix, 终期评估 (its table, its
appendix of counties, its CSV), the village profile and the lagging-village map — in both languages, at the
province, the city and two counties, on the demo store.

The case that once disagreed: 2021年底前完成问题厕所整改 (sr_problem_toilets), due in 2021 and finished in 2022,
read 达标 on the 2025 briefing and 未达到 in 终期评估. It is 逾期达标（2022年） in both now.
"""

from __future__ import annotations

import duckdb
import pytest

from tracker.core.catalogue import load_catalogue
from tracker.core.status import STATUS_CLASS
from tracker.documents import briefing
from tracker.queries import dashboard
from tracker.views import comparison, final, overview, village

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_store):
    db, _ = demo_store
    return duckdb.connect(str(db), read_only=True), load_catalogue()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("area", ["36", "3611", "361123", "361181"])
def test_the_briefing_and_the_final_assessment_give_one_verdict_and_one_count(demo, area, lang):
    con, catalogue = demo
    page = overview.build(con, catalogue, area, 2025, lang)
    report = final.build(con, catalogue, area, "fyp14", lang)
    cards = {c.target_id: c for c in page.cards if catalogue.targets[c.target_id].plan == "fyp14"}
    lines = {r.target.id: r for r in report.results}
    assert cards and set(cards) == set(lines)
    for tid, card in cards.items():
        line = lines[tid]
        assert (card.status, card.value) == (line.status, line.final_text), tid
        if line.outcome in ("achieved", "achieved_late", "missed"):
            assert card.status_text == line.outcome_text(lang), tid
    # the same counts: the cards met (on time, late, every year) are the report's achieved
    good = sum(STATUS_CLASS[c.status] == "good" for c in cards.values())
    assert good == report.counts["achieved"] + report.counts["achieved_late"]
    assert sum(c.status == "missed" for c in cards.values()) == report.counts["missed"]
    # the Word and HTML briefing's table says each card's words
    table = briefing.target_table(briefing.build(con, catalogue, area, 2025, lang, view=page))
    status_col = table.columns[3]
    assert table[status_col].tolist() == [c.status_text for c in page.cards]
    # the final CSV's status is the assessment's
    csv = report.csv_frame().set_index("target_id")
    assert all(csv.loc[tid, "status"] == line.status for tid, line in lines.items())


def test_a_target_met_after_its_deadline_is_met_late_everywhere(demo):
    con, catalogue = demo
    card = next(c for c in overview.build(con, catalogue, "3611", 2025).cards if c.target_id == "sr_problem_toilets")
    line = next(r for r in final.build(con, catalogue, "3611", "fyp14").results if r.target.id == "sr_problem_toilets")
    assert card.status == line.status == "met_late"
    assert card.status_text == line.outcome_text("zh") == "逾期达标（2022年）"
    assert line.outcome == "achieved_late"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_matrix_and_the_final_appendix_agree_for_every_county(demo, lang):
    con, catalogue = demo
    view = comparison.build(con, catalogue, "3611", 2025, lang)
    report = final.build(con, catalogue, "3611", "fyp14", lang)
    units = report.appendix.columns[0]
    appendix = report.appendix.set_index(units)
    compared = 0
    for cell in view.cells.to_dict("records"):
        target = catalogue.targets[cell["target_id"]]
        if target.plan != "fyp14" or target.name(lang) not in appendix.columns or cell["region"] not in appendix.index:
            continue
        word = appendix.loc[cell["region"], target.name(lang)]
        if cell["status"] in ("met", "met_on_time", "met_late", "missed"):
            assert word == cell["status_label"], (cell["region"], cell["target_id"])
            compared += 1
    assert compared >= 50  # 12 counties × the targets judged in 2025


def test_a_villages_profile_and_the_lagging_map_agree(demo):
    con, catalogue = demo
    for target_id in ("sr_problem_toilets", "sr_tap_water_90"):
        mapped = dashboard.village_statuses(con, "361123", target_id, 2025).set_index("code")["status"]
        for code in mapped.index[:15]:
            profile = village.build(con, catalogue, code, 2025)
            cells = profile.profile.cells[(profile.profile.cells["target_id"] == target_id)
                                          & (profile.profile.cells["year"] == 2025)]
            assert cells["status"].tolist() == [mapped[code]], (code, target_id)


def test_the_backtest_figures_in_the_docs_are_the_demo_stores(demo_store):
    """docs/method.md's backtest table comes from docs/backtest.json (python -m tools.docs --backtest): the file
    holds what the backtest gives on the demo store today."""
    import json

    from tools import docs

    db, _ = demo_store
    assert json.loads(docs.BACKTEST.read_text(encoding="utf-8")) == json.loads(json.dumps(docs.backtest_figures(db)))
    assert "| 2023 | 2 | all | recent |" in (docs.DOCS / "method.md").read_text(encoding="utf-8")


def test_a_link_to_a_target_of_the_new_plan_opens_that_target_and_its_report_is_not_a_final_one(demo):
    """December 2026: the 15th plan's target has its 2025 base and nothing since. /trends?target=… opens it (not
    another), and the 15th plan's report is a progress report, never a final assessment."""
    from tracker.views import trends

    con, catalogue = demo
    view = trends.build(con, catalogue, "3611", 2025, "zh", "example_fyp15_sr_tap_water_95")
    assert view.target_id == "example_fyp15_sr_tap_water_95" and view.no_figures is None
    drawn = {shape.get("n") for shape in view.chart["elements"]}
    assert "目标" in drawn and "按近年进度预计" not in drawn  # one base year: nothing to carry on
    report = final.build(con, catalogue, "3611", "fyp15", "zh")
    assert report.kind == "progress" and "终期评估" not in report.title and report.title.endswith("进展情况（截至2025年）")
    assert report.file_name.startswith("进展情况-上饶市-2026-2030")
    assert next(title for _, title in report.appendices()).startswith("附表1")
    assert "最新值" in report.table().columns
