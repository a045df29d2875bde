"""The 地区概况 page as a person sees it in Chromium, with no request leaving localhost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_region_page_shows_jiangsu_on_an_offline_map(server, visit):
    visit.page.goto(server + "/region")
    visit.settle()
    assert visit.heading() == "江苏省 · 地区概况"
    values = visit.count_values()
    assert values == ["13", "104", "1,487", "13,263", "8,383"]
    # the counties as SVG shapes (no chart library, no WebGL), shaded by their village committees
    box = visit.map_box()
    assert box["width"] > 600 and box["height"] > 400
    assert visit.page.locator(".tracker-map path").count() >= 95  # 江苏省's county-level units (some share one)
    # a county's tooltip: its name, its code and the village committees that shade it
    visit.page.locator(".tracker-map path").first.hover(force=True)  # where another county may lie on top
    tip = visit.page.locator(".tracker-map .tip").inner_text().split("\n")
    assert re.fullmatch(r"32\d{4} · 村委会 [\d,]+ 个", tip[1]), tip
    # the map as a file for a report: the SVG as drawn, every county in it
    with visit.page.expect_download() as saved:
        visit.page.get_by_role("button", name="下载地图（SVG）").click()
    assert saved.value.suggested_filename == "region-32.svg"
    drawing = Path(saved.value.path()).read_text(encoding="utf-8")
    assert drawing.startswith("<svg") and drawing.count("<path") == visit.page.locator(".tracker-map path").count()
    visit.screenshot("region-jiangsu")


def test_a_filter_change_goes_into_the_url_and_the_url_restores_it(server, visit, browser):
    visit.page.goto(server + "/region")
    visit.settle()
    visit.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
    visit.page.get_by_role("option", name="连云港市").click()
    visit.page.wait_for_url(re.compile(r"city=3207"), timeout=30_000)
    visit.settle()
    assert visit.heading() == "连云港市 · 地区概况"
    url = visit.page.url

    visit.page.goto("about:blank")
    visit.page.goto(url)
    visit.settle()
    assert visit.heading() == "连云港市 · 地区概况"
    assert "province=32" in visit.page.url and "city=3207" in visit.page.url
    visit.screenshot("region-lianyungang")


def test_english_switch(server, visit):
    visit.page.goto(server + "/region?province=36&city=3611&county=361127")
    visit.settle()
    assert visit.heading() == "余干县 · 地区概况"
    visit.page.get_by_role("radio", name="English").click()
    visit.page.wait_for_url(re.compile(r"lang=en"), timeout=30_000)
    visit.settle()
    assert visit.heading() == "余干县 · Area overview"
    assert visit.page.get_by_text("Village committees").first.is_visible()
    visit.screenshot("region-yugan-en")
