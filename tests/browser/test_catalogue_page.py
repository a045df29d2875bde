"""The 指标目录 page in Chromium: a deep link on a fresh server, a search, a quote in context."""

from __future__ import annotations

import pytest

from bench.bench_switch import MENU_LINKS

pytestmark = pytest.mark.browser


def test_a_deep_link_is_the_first_request_of_a_fresh_server(fresh_server, visit):
    visit.page.goto(fresh_server + "/catalogue?lang=en")
    visit.settle()
    assert visit.heading() == "Target catalogue"
    overview = visit.page.locator(MENU_LINKS, has_text="Area overview")
    assert overview.count() == 1, visit.page.locator(MENU_LINKS).all_inner_texts()
    # the menu's links keep the language (and the area) in their addresses
    href = overview.get_attribute("href")
    assert href.startswith("region?") and "lang=en" in href and "province=" in href, href
    values = visit.count_values()
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
    # the one target left: its record shown at once, in a bordered box under its table
    detail = visit.page.locator('[data-testid="stMarkdownContainer"]',
                                has_text="到2025年，重点村自来水普及率达到90%").last
    detail.wait_for(timeout=30_000)
    visit.settle()
    text = detail.inner_text()
    assert "每个单位自来水普及率 ≥ 90%" in text
    assert "地区判定口径：按全部村总体（合计或户数加权）。依据：" in text  # the region reading, with its reason
    assert "实施供水保障工程" in text  # the sentence's own paragraph, around the quote
    visit.screenshot("catalogue-tap-water")


def test_a_row_picked_in_a_table_shows_its_targets_record(server, visit):
    """The tables list every target; a target's record (its clause in its paragraph) is drawn for the row picked."""
    visit.page.goto(server + "/catalogue")
    visit.settle()
    main = visit.page.locator('[data-testid="stMain"]')
    assert "点选表中的一行" in main.inner_text()
    assert main.locator('[data-testid="stMarkdownContainer"]', has_text="出处").count() == 0  # no record yet
    visit.select_first_row()
    from tracker.core.catalogue import load_catalogue
    from tracker.views.catalogue import grouped_targets

    first = next(iter(grouped_targets(load_catalogue(), "document", "", "").values()))[0]
    record = main.locator('[data-testid="stMarkdownContainer"]', has_text="出处").last
    record.wait_for(timeout=30_000)
    visit.settle()
    assert first.zh in record.inner_text() and first.id in record.inner_text()
