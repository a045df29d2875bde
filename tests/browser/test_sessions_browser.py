"""A sign-in that survives a reload, a second tab and a pasted link, in Chromium (tracker.core.sessions, ui/server.py):
held in an HttpOnly, SameSite=Strict cookie; ended by 退出登录 (a document's address stops working with it), by
expiry and by a password reset; nothing uploaded or downloaded without it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest

from tests.browser.conftest import running_app
from tests.conftest import PASSWORDS, WORLD
from tracker.core import access, sessions

pytestmark = pytest.mark.browser

SECRET = "sessions-test-secret-0123456789abcdef"
WORDS = {"zh": {"user": "用户名", "password": "密码", "sign_in": "登录", "sign_out": "退出登录",
                "briefing": "玉山县 · 2022年 领导简报", "village": "村庄档案", "word": "下载简报（Word）"},
         "en": {"user": "User name", "password": "Password", "sign_in": "Sign in", "sign_out": "Sign out",
                "briefing": "玉山县 · briefing 2022", "village": "Village profile",
                "word": "Download the briefing (Word)"}}
AREA = "province=36&city=3611&county=361123&year=2022"


@pytest.fixture(scope="module")
def session_server(world, tmp_path_factory) -> Iterator[tuple[str, object]]:
    folder = tmp_path_factory.mktemp("sessions-browser")
    db = folder / "world.duckdb"
    shutil.copyfile(world, db)
    users = folder / "users.toml"
    access.write_user(users, "yushan", "viewer", "361123", PASSWORDS["yushan"], "玉山县乡村振兴局")
    with running_app(db, TRACKER_USERS=str(users), TRACKER_CATALOGUE=str(WORLD / "catalogue.yaml"),
                     STREAMLIT_SERVER_COOKIE_SECRET=SECRET) as url:
        yield url, users


def session_cookie(context) -> dict | None:
    """The sign-in cookie, once the page's grant has been exchanged for it (it is set just after sign-in)."""
    for _ in range(50):
        found = [c for c in context.cookies() if c["name"] == sessions.COOKIE]
        if found:
            return found[0]
        time.sleep(0.2)
    return None


def sign_in(visit, address: str, words: dict) -> None:
    visit.page.goto(address)
    visit.settle()
    visit.page.get_by_label(words["user"], exact=True).fill("yushan")
    visit.page.get_by_label(words["password"], exact=True).fill(PASSWORDS["yushan"])
    visit.page.get_by_role("button", name=words["sign_in"]).click()
    visit.page.get_by_label(words["password"], exact=True).wait_for(state="detached", timeout=60_000)
    visit.settle()


def asks_to_sign_in(visit, words: dict) -> bool:
    return visit.page.get_by_label(words["password"], exact=True).count() == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sign_in_survives_a_reload_a_tab_and_a_link_until_it_is_ended(session_server, visit, browser, lang):
    url, users = session_server
    words = WORDS[lang]
    page, context = visit.page, visit.page.context
    sign_in(visit, f"{url}/?{AREA}&lang={lang}", words)
    assert visit.heading() == words["briefing"]
    cookie = session_cookie(context)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "yushan" not in cookie["value"] and PASSWORDS["yushan"] not in cookie["value"]

    page.reload()  # F5
    visit.settle()
    assert visit.heading() == words["briefing"] and not asks_to_sign_in(visit, words)
    tab = context.new_page()  # a second tab, with a pasted link to a village of the county
    tab.goto(f"{url}/village?{AREA}&lang={lang}&village=361123100201")
    tab.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    assert tab.locator('[data-testid="stMain"] h1').first.inner_text().strip() == words["village"]
    assert tab.get_by_label(words["password"], exact=True).count() == 0
    tab.close()

    # a document's address works with the sign-in, for this browser only
    with page.expect_download() as download:
        page.get_by_role("button", name=words["word"]).click()
    media = download.value.url
    assert "/media/" in media and context.request.get(media).status == 200
    stranger = browser.new_context()  # another machine, no cookie: neither downloads nor uploads
    assert stranger.request.get(media).status == 403
    assert stranger.request.put(f"{url}/_stcore/upload_file/x/y", data=b"0" * 1000).status == 403
    assert stranger.request.get(f"{url}/_stcore/metrics").status == 404
    stranger.close()

    page.get_by_role("button", name=words["sign_out"]).click()  # 退出登录
    page.get_by_label(words["password"], exact=True).wait_for(timeout=60_000)
    assert context.request.get(media).status == 403  # the document went with the session
    page.reload()
    visit.settle()
    assert asks_to_sign_in(visit, words)

    # a password reset ends a sign-in held by the cookie
    sign_in(visit, f"{url}/?{AREA}&lang={lang}", words)
    assert session_cookie(context) is not None
    access.write_user(users, "yushan", "viewer", "361123", PASSWORDS["yushan"] + "-new", "玉山县乡村振兴局")
    try:
        page.reload()
        visit.settle()
        assert asks_to_sign_in(visit, words)
    finally:
        access.write_user(users, "yushan", "viewer", "361123", PASSWORDS["yushan"], "玉山县乡村振兴局")


def test_a_sign_in_ends_when_its_time_is_up(session_server, visit):
    """Tokens signed with the servers' shared secret: one whose time is up is refused, one still running is honoured
    (so any process honours a sign-in another process made)."""
    url, users = session_server
    user = access.load_access(users).users["yushan"]
    key = sessions.key(SECRET)
    now = int(time.time())

    def cookie(issued: int, ends: int) -> dict:
        token = sessions.Token("yushan", issued, ends, f"t{issued}", sessions.fingerprint(user, key))
        return {"name": sessions.COOKIE, "value": sessions.sign(token, key), "url": url, "httpOnly": True,
                "sameSite": "Strict"}

    context = visit.page.context
    context.add_cookies([cookie(now - 480 * 60, now - 1)])
    visit.page.goto(f"{url}/?{AREA}")
    visit.settle()
    assert asks_to_sign_in(visit, WORDS["zh"])
    context.clear_cookies()
    context.add_cookies([cookie(now - 60, now + 600)])
    visit.page.goto(f"{url}/?{AREA}")
    visit.settle()
    assert visit.heading() == WORDS["zh"]["briefing"]
