"""Every page opens in both languages at province, city and county level, with no exception and no error
(the English briefing once crashed under "Every target" with no test noticing)."""

from __future__ import annotations

import pytest

from tests.conftest import WORLD
from tracker.core.i18n import t
from ui.registry import PAGES

LEVELS = {"province": {"province": "36"}, "city": {"province": "36", "city": "3611"},
          "county": {"province": "36", "city": "3611", "county": "361123"}}
AREA_NAMES = {"province": "江西省", "city": "上饶市", "county": "玉山县"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("page", [p.script.removeprefix("app_pages/").removesuffix(".py") for p in PAGES])
def test_every_page_opens_in_both_languages_at_every_level(world, users_file, open_app, page, level, lang):
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=users_file, user="admin", page=page,
                  params={**LEVELS[level], "year": "2022", "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the page drew no title"
    key = next(p.key for p in PAGES if p.script == f"app_pages/{page}.py")
    assert at.sidebar.title[0].value == t("app.title", lang)
    if key in ("overview", "comparison", "lagging", "trends", "region"):  # pages titled with their area
        assert at.title[0].value.startswith(AREA_NAMES[level]), at.title[0].value
    if lang == "en":  # nothing of the page is left in Chinese but names and data
        assert not any("目标" in (c if isinstance(c, str) else "") for df in at.dataframe for c in df.value.columns), \
            [list(df.value.columns) for df in at.dataframe]
