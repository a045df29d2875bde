"""Sign-in and scope in Chromium, and a hostile village name that must stay text (no dialog, no request)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from bench.bench_browsers import CARD_VALUES
from tests.browser.conftest import running_app
from tests.conftest import PASSWORDS, WORLD
from tracker.core import store

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>![x](http://example.com/x.png)"


@pytest.fixture(scope="module")
def world_server(world, users_file) -> Iterator[str]:
    with running_app(world, TRACKER_USERS=str(users_file), TRACKER_CATALOGUE=str(WORLD / "catalogue.yaml")) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_server(world, tmp_path_factory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("hostile-browser") / "world.duckdb"
    shutil.copyfile(world, db)
    with store.writing(db) as con:
        con.execute("update region set name = ? where code = '361123100202'", [HOSTILE])
        con.execute("insert into store_meta values ('demo', 'true')")  # open: no sign-in needed
    with running_app(db, TRACKER_USERS=str(db.parent / "none.toml"),
                     TRACKER_CATALOGUE=str(WORLD / "catalogue.yaml")) as url:
        yield url


def test_a_county_user_signs_in_and_sees_their_county_only(world_server, visit):
    visit.page.goto(world_server + "/?province=36&city=3611&county=361124&year=2022")
    visit.settle()
    assert visit.page.get_by_text("请登录").is_visible()
    assert visit.page.locator(CARD_VALUES).count() == 0
    visit.page.get_by_label("用户名").fill("yushan")
    visit.page.get_by_label("密码").fill("wrong-password")
    visit.page.get_by_role("button", name="登录").click()
    visit.page.get_by_text("用户名或密码不正确。").wait_for(timeout=30_000)
    visit.page.get_by_label("密码").fill(PASSWORDS["yushan"])
    visit.page.get_by_role("button", name="登录").click()
    visit.page.get_by_text("玉山县 · 2022年 领导简报").wait_for(timeout=30_000)
    visit.settle()
    assert visit.page.locator(CARD_VALUES).count() > 0  # signed in: the cards are shown
    assert "county=361123" in visit.page.url  # the link named 铅山县; the scope holds
    visit.screenshot("signed-in-yushan")
    visit.page.goto(world_server + "/village?province=36&city=3611&county=361124&year=2022&village=361124100201")
    visit.page.get_by_label("查找村（村名或区划代码）").wait_for(timeout=30_000)  # a pasted link keeps the sign-in
    visit.settle()
    visit.screenshot("signed-in-yushan-village")
    assert visit.heading() == "村庄档案"
    assert visit.page.get_by_text("丙一村").count() == 0
    assert visit.page.get_by_role("link", name="数据管理").count() == 0  # a viewer has no data page


def test_a_hostile_name_renders_as_text(hostile_server, visit):
    visit.page.goto(hostile_server + "/village?province=36&city=3611&county=361123&year=2022&village=361123100202")
    visit.settle()
    assert visit.page.get_by_text(f"{HOSTILE} · 361123100202").first.is_visible()
    assert visit.page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    visit.page.goto(hostile_server + "/lagging?province=36&city=3611&county=361123&year=2022&mode=missed&k=4")
    visit.settle()
    assert HOSTILE in visit.page.locator(".tracker-table tbody th").all_inner_texts()  # the short table: as text
    visit.open_panel("全部名单")
    visit.select_first_row()
    visit.page.get_by_text(f"打开 {HOSTILE} 的档案").wait_for(timeout=30_000)
    visit.screenshot("hostile-name")
