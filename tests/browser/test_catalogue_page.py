"""The 指标目录 page in Chromium: a deep link on a fresh server, a search, a quote in context."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_deep_link_is_the_first_request_of_a_fresh_server(fresh_server, visit):
    visit.page.goto(fresh_server + "/catalogue?lang=en")
    visit.settle()
    assert visit.heading() == "Target catalogue"
    assert visit.page.locator('[data-testid="stSidebarNav"]').inner_text().count("Area overview") == 1
    values = visit.page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    from tracker.core.catalogue import load_catalogue

    catalogue = load_catalogue()  # the page counts what the catalogue holds
    assert values == [str(len(catalogue.targets)), str(len(catalogue.documents)), str(len(catalogue.measures)),
                      str(len(catalogue.groups))] == ["55", "5", "44", "9"]


def test_find_a_target_and_read_its_clause(server, visit):
    visit.page.goto(server + "/catalogue")
    visit.settle()
    box = visit.page.get_by_label("查找目标（名称或编号）")
    box.fill("sr_tap_water_90")
    box.press("Enter")
    visit.page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stExpander\"]').length === 2", timeout=30_000)  # method + one
    visit.settle()
    visit.page.locator('[data-testid="stExpander"] summary').nth(1).click()
    detail = visit.page.locator('[data-testid="stExpander"]').nth(1)
    detail.get_by_text("到2025年，重点村自来水普及率达到90%").wait_for(timeout=10_000)
    text = detail.inner_text()
    assert "每个单位自来水普及率 ≥ 90%" in text
    assert "地区判定口径：按全部村总体（合计或户数加权）。依据：" in text  # the region reading, with its reason
    assert "实施供水保障工程" in text  # the sentence's own paragraph, around the quote
    visit.screenshot("catalogue-tap-water")
