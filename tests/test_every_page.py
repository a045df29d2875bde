"""Every page opens in both languages for the whole country and at province, city and county level, with no
exception and no error (the English briefing once crashed under "Every target" with no test noticing)."""

from __future__ import annotations

import functools
import html
import re

import duckdb
import pytest

from tests.conftest import WORLD
from tracker.core.catalogue import load_catalogue
from tracker.core.i18n import md_escape, t
from ui.registry import PAGES

CJK = re.compile(r"[\u4e00-\u9fff]")


def page_texts(at) -> list[str]:
    """What a reader reads on the page: headings, text, labels, table headings and cells, messages."""
    texts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success")
             for e in getattr(at.main, kind)]
    texts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    texts += [html.unescape(re.sub(r"<[^>]+>", "\n", block.proto.body)) for block in at.get("html")]  # cards, matrices
    texts += [w.label for kind in ("selectbox", "multiselect", "text_input", "segmented_control", "radio")
              for w in getattr(at.main, kind)]
    for df in at.dataframe:
        texts += [str(c) for c in df.value.columns]
        texts += [str(v) for v in df.value.astype(str).to_numpy().ravel()]
    return [str(t) for t in texts]


@functools.cache
def names(world) -> tuple[str, ...]:
    """The store's region names and the catalogue's quoted policy words: data, not interface text."""
    con = duckdb.connect(str(world), read_only=True)
    found = [r[0] for r in con.execute("select name from region").fetchall()]
    cat = load_catalogue(WORLD / "catalogue.yaml")
    found += [d.zh for d in cat.documents.values()] + [d.issuer for d in cat.documents.values()]
    found += [d.number for d in cat.documents.values()] + ["values.csv"]
    found += ["增幅高于全省村级平均增幅", "覆盖80%以上行政村"]  # the English method quotes these clauses as written
    found += [t.source.quote for t in cat.targets.values() if t.source] + [t.source.clause for t in cat.targets.values() if t.source]
    return tuple(sorted(set(found), key=len, reverse=True))


def without_names(text: str, world) -> str:
    for name in names(world):
        text = text.replace(name, "").replace(md_escape(name), "")
    return text


LEVELS = {"nation": {"province": "all"}, "province": {"province": "36"},
          "city": {"province": "36", "city": "3611"}, "county": {"province": "36", "city": "3611", "county": "361123"}}
AREA_NAMES = {"nation": {"zh": "全国", "en": "China"}, "province": "江西省", "city": "上饶市", "county": "玉山县"}


@pytest.mark.slow  # 60 runs of the app, in the full run; the quick tier opens every page once (test_pages, test_app, test_audit)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("page", [p.script.removeprefix("app_pages/").removesuffix(".py") for p in PAGES])
def test_every_page_opens_in_both_languages_at_every_level(world_of_two, users_file, open_app, page, level, lang):
    world = world_of_two  # two provinces: the whole country is offered
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=users_file, user="admin", page=page,
                  params={**LEVELS[level], "year": "2022", "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the page drew no title"
    key = next(p.key for p in PAGES if p.script == f"app_pages/{page}.py")
    assert at.sidebar.title[0].value == t("app.title", lang)
    if key in ("overview", "comparison", "lagging", "trends", "region"):  # pages titled with their area
        name = AREA_NAMES[level][lang] if level == "nation" else AREA_NAMES[level]
        assert at.title[0].value.startswith(name), at.title[0].value
    if lang == "en":  # nothing of the page is left in Chinese but the names of places, files and documents
        leftover = [text for text in page_texts(at) if CJK.search(without_names(text, world))]
        assert not leftover, leftover


@pytest.fixture(scope="module")
def running(world, tmp_path_factory):
    """The world with its plan running to 2040, so that this calendar year is being reported (a copy, assessed
    with that catalogue as the world was: tests/conftest.py)."""
    import shutil

    from tracker.core import assess, settings, store

    folder = tmp_path_factory.mktemp("running")
    catalogue = folder / "catalogue.yaml"
    catalogue.write_text((WORLD / "catalogue.yaml").read_text(encoding="utf-8").replace("end_year: 2025", "end_year: 2040"),
                         encoding="utf-8")
    db = folder / "world.duckdb"
    shutil.copyfile(world, db)
    with store.writing(db) as con, settings.use(min_reporting=0):
        assess.assess(con, load_catalogue(catalogue))
    return db, catalogue


@pytest.mark.slow  # 20 runs of the app
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [p.script.removeprefix("app_pages/").removesuffix(".py") for p in PAGES])
def test_every_page_opens_on_the_year_being_reported_before_any_return(running, users_file, open_app, page, lang):
    """The year being reported (this calendar year, once a plan covering it has begun) is offered before any of
    its returns arrive: every page opens on it, and the sidebar says no return has arrived yet."""
    from tracker.core.clock import today

    db, catalogue = running
    year = str(today().year)
    at = open_app(db, catalogue=catalogue, users=users_file, user="admin", page=page,
                  params={"province": "36", "city": "3611", "year": year, "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox(key="year").value in (year, int(year))
    assert t("filter.no_returns_yet", lang, year=year) in [c.value for c in at.sidebar.caption]
