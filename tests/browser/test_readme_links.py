"""Every link README gives opens its page on the demo store: no "Page not found", no exception, the page's
own heading, and a village link in its own county."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def readme_links() -> list[str]:
    """The app paths README names in backticks (`/`, `/overview`, `/lagging?...`), each once."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"`(/[a-z_]*(?:\?[^`\s]*)?)`", text)
    return list(dict.fromkeys(found))


def test_readme_names_links():
    links = readme_links()
    assert {"/", "/overview", "/village?village=361127108216"} <= set(links), links


@pytest.mark.parametrize("link", readme_links())
def test_every_readme_link_opens_its_page(demo_server, visit, link):
    visit.page.goto(f"{demo_server}{link}")
    visit.settle()
    assert visit.page.get_by_text("Page not found").count() == 0, link
    assert visit.page.locator('[data-testid="stException"]').count() == 0, link
    heading = visit.heading()
    assert heading, link
    path = link.split("?")[0]
    expected = {"/": "领导简报", "/overview": "领导简报", "/lagging": "落后村", "/village": "村庄档案",
                "/comparison": "对比", "/trends": "目标趋势", "/catalogue": "指标目录"}.get(path)
    if expected:
        assert expected in heading, (link, heading)
    if "village=361127108216" in link:
        assert visit.page.locator('[data-testid="stMain"] h3').first.inner_text().endswith("361127108216")
        assert "county=361127" in visit.page.url, visit.page.url  # the sidebar moved to its county
