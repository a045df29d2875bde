"""Who may see what: passwords, the users file, the scoped store, and the app signed in as a county user.

The world (tests/assess/) has two counties: 玉山县 (361123) and 铅山县 (361124). A 玉山县 user must not
see anything of 铅山县 by any page, URL parameter or document.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORDS, ROOT, WORLD, cards_shown, sign_in
from tracker.__main__ import main as tracker_cli
from tracker.core import access, assess, store
from tracker.core.catalogue import load_catalogue
from tracker.documents.briefing import build
from tracker.documents.briefing_html import write_html
from tracker.documents.worklist import lines
from tracker.queries import dashboard

TIMEOUT = 60
HOSTILE = "<img src=x onerror=alert(1)>![x](http://example.com/x.png)"


def test_passwords_are_hashed_salted_and_checked():
    stored = access.hash_password("yushan-pass-1")
    assert stored.startswith("scrypt$16384$8$1$") and "yushan-pass-1" not in stored
    assert stored != access.hash_password("yushan-pass-1")  # a fresh salt every time
    assert access.check_password("yushan-pass-1", stored)
    assert not access.check_password("yushan-pass-2", stored)
    assert not access.check_password("anything", "scrypt$not$a$hash")


def test_sign_in_refuses_wrong_passwords_and_unknown_users(users_file):
    config = access.load_access(users_file)
    assert access.sign_in(config, "yushan", PASSWORDS["yushan"]).scope == "361123"
    assert access.sign_in(config, "yushan", "yushan-pass-2") is None
    assert access.sign_in(config, "nobody", PASSWORDS["yushan"]) is None
    assert "password" not in repr(config.users["yushan"])  # hashes stay out of logs


def test_a_broken_users_file_names_every_problem(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text('[[users]]\nname = "a"\nrole = "boss"\nscope = "361123100"\npassword = "x"\n'
                    '[[users]]\nname = "b"\nrole = "viewer"\n', encoding="utf-8")
    with pytest.raises(access.AccessError) as e:
        access.load_access(path)
    message = str(e.value)
    assert "4 problem(s)" in message
    assert "users[0] (a).role: 'boss' is not one of viewer, loader, admin" in message
    assert "users[0] (a).scope: 361123100 is a township" in message
    assert "users[1] (b).scope: missing (only an admin may see everything)" in message
    assert "users[1] (b): neither a password nor an oidc identity" in message


def test_the_example_file_reads_and_sessions_expire():
    config = access.load_access(ROOT / "config" / "users.example.toml")
    assert set(config.users) == {"admin", "yugan"} and config.minutes == 480
    assert access.oidc_user(config, "YUGAN@example.gov.cn").scope == "361127"
    assert access.oidc_user(config, "someone@else.cn") is None
    start = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    assert not access.expired(start, start + timedelta(minutes=479), 480)
    assert access.expired(start, start + timedelta(minutes=480), 480)


def test_the_user_verb_adds_a_user_and_sets_a_password(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-1\n"))
    err = io.StringIO()
    with redirect_stderr(err):
        assert tracker_cli(["user", "yugan", "--role", "loader", "--scope", "361127", "--password-stdin",
                            "--users", str(path), "--display", "余干县统计站"]) == 0
    assert "yugan (loader, scope 361127) written" in err.getvalue()
    assert access.sign_in(access.load_access(path), "yugan", "long-enough-1").display == "余干县统计站"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with redirect_stderr(io.StringIO()) as err:
        assert tracker_cli(["user", "yugan", "--password-stdin", "--users", str(path), "--scope", "361127"]) == 1
    assert "at least 8 characters" in err.getvalue()
    with redirect_stderr(io.StringIO()) as err:
        monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-2\n"))
        assert tracker_cli(["user", "x", "--password-stdin", "--users", str(path), "--scope", "3611231"]) == 1


def test_the_scoped_store_holds_only_the_users_region(world):
    con = store.StoreReader(world).cursor("361123")
    for table, column in [("region", "code"), ("assessment", "region_code"), ("observation", "region_code"),
                          ("current_observation", "region_code"), ("group_member", "region_code")]:
        outside = con.execute(f"select count(*) from {table} where not starts_with({column}, '361123')").fetchall()
        assert outside == [(0,)], table
    everything = store.StoreReader(world).cursor("")
    assert everything.execute("select count(*) from region").fetchall() == [(16,)]
    # the core's queries, asked for the whole province, answer for the county only
    rows = dashboard.assessment_rows(con, area="36")
    assert len(rows) and rows["region_code"].str.startswith("361123").all()
    assert set(assess.lagging_villages(con, "36", 2022)["village_code"]) == {
        "361123100202", "361123101202", "361123101203"}
    assert dashboard.village_values(con, "361124100201").empty  # 铅山县's 丙一村
    assert dashboard.find_villages(con, "36", "丙").empty


def test_documents_made_in_a_scope_name_nothing_outside_it(world, use_settings):
    use_settings(catalogue=WORLD / "catalogue.yaml")
    con, cat = store.StoreReader(world).cursor("361123"), load_catalogue(WORLD / "catalogue.yaml")
    with pytest.raises(ValueError, match="361124: not the whole country, a province, a city or a county in the store"):
        build(con, cat, "361124", 2022)
    page = write_html(build(con, cat, "361123", 2022, with_charts=False))
    assert "玉山县" in page and "铅山县" not in page and "丙一村" not in page
    work = lines(con, cat, "361123", 2022, 1)
    assert set(work["区划代码"]) == {"361123100202", "361123101202", "361123101203"}


@pytest.fixture
def app(world, users_file, open_app):
    def start(**params: str) -> AppTest:
        return open_app(world, catalogue=WORLD / "catalogue.yaml", users=users_file, params={"year": "2022", **params})

    return start


def test_nothing_shows_before_sign_in_and_a_wrong_password_is_refused(app):
    at = app()
    assert at.subheader[0].value == "请登录" and len(at.metric) == 0 and not cards_shown(at) and len(at.sidebar.selectbox) == 0
    at = sign_in(at, "yushan", "not-the-password")
    assert at.error[0].value == "用户名或密码不正确。"
    assert len(at.metric) == 0 and not cards_shown(at) and not any("简报" in title.value for title in at.title)


def test_a_county_user_sees_their_county_only_whatever_the_url_says(app):
    at = sign_in(app(province="36", city="3611", county="361124"), "yushan")  # a link to the other county
    assert at.title[0].value == "玉山县 · 2022年 领导简报"
    assert at.sidebar.caption[1].value.startswith("已登录：玉山县乡村振兴局")
    assert "本账号范围：玉山县" in [c.value for c in at.sidebar.caption]
    assert [s.label for s in at.sidebar.selectbox] == ["年份"]  # no province, city or county to pick
    assert at.query_params["county"] in ("361123", ["361123"])
    at.switch_page("app_pages/village.py")
    at.query_params["village"] = "361124100201"
    at.run()
    assert all("丙一村" not in s.value for s in at.subheader)  # 铅山县's village is not there to be shown
    at.switch_page("app_pages/comparison.py").run()
    assert at.title[0].value == "玉山县 · 各乡镇（街道）对比"
    # what the page shows — its matrix (HTML) and its charts (the data the browser draws) — is 玉山县's townships only
    shown = [h.proto.body for h in at.get("html")] + [e.proto.json for e in at.get("bidi_component")]
    assert any("甲镇" in s for s in shown) and not any("铅山" in s or "丙" in s for s in shown)


def test_only_loaders_see_data_management(app):
    viewer = sign_in(app(), "yushan")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not registered for a viewer
        viewer.switch_page("app_pages/data_management.py")
    loader = sign_in(app(), "yushan_loader")
    loader.switch_page("app_pages/data_management.py").run()
    assert loader.title[0].value == "数据管理"
    # a county loader's rows outside the county are refused either way: no box that would change nothing
    assert not [c for c in loader.checkbox if c.key == "only_area"]
    admin = sign_in(app(province="36", city="3611", county="361123"), "admin")  # may load anywhere: the box narrows
    admin.switch_page("app_pages/data_management.py").run()
    assert "玉山县" in admin.checkbox(key="only_area").label


def test_a_sign_in_expires(app):
    at = sign_in(app(), "yushan")
    assert at.title[0].value == "玉山县 · 2022年 领导简报"
    at.session_state["auth.at"] = datetime.now(timezone.utc) - timedelta(minutes=481)
    at.run()
    assert at.info[0].value == "登录已过期，请重新登录。" and at.subheader[0].value == "请登录"


def test_loaded_data_with_no_users_is_not_shown(world, open_app, tmp_path):
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=tmp_path / "none.toml")
    assert "尚未配置用户，系统不予显示" in at.error[0].value and len(at.metric) == 0 and not cards_shown(at)


@pytest.fixture(scope="module")
def hostile_world(world, tmp_path_factory) -> Path:
    """The world with a village whose name is an HTML tag and a markdown image, marked as demo (open)."""
    db = tmp_path_factory.mktemp("hostile") / "world.duckdb"
    shutil.copyfile(world, db)
    with store.writing(db) as con:
        con.execute("update region set name = ? where code = '361123100202'", [HOSTILE])
        con.execute("insert into store_meta values ('demo', 'true')")
    return db


def test_a_hostile_name_is_shown_as_text(hostile_world, open_app, tmp_path):
    at = open_app(hostile_world, catalogue=WORLD / "catalogue.yaml", users=tmp_path / "none.toml", page="village",
                  params={"province": "36", "city": "3611", "county": "361123", "year": "2022",
                          "village": "361123100202"})
    assert not at.exception
    heading = at.subheader[0].value
    assert heading == r"\<img src=x onerror=alert\(1\)\>\!\[x\]\(http\://example\.com/x\.png\) · 361123100202"


def test_excel_files_keep_a_name_that_looks_like_a_formula_as_text(tmp_path):
    import openpyxl
    import pandas as pd

    from tracker.core.xlsx import xlsx_bytes

    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes({"村": pd.DataFrame({"村": ['=HYPERLINK("http://example.com","点此")', "http://x.cn"]})}))
    sheet = openpyxl.load_workbook(path)["村"]
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [
        ('=HYPERLINK("http://example.com","点此")', "s"), ("http://x.cn", "s")]
    assert sheet["A3"].hyperlink is None


@pytest.mark.parametrize("shared", [False, True])
def test_wrong_passwords_lock_a_name_and_an_address_across_sessions(shared, tmp_path):
    """Counted in the process, or in a file every app process shares: failures spread over two processes (two
    Lockouts on one file) lock as if made in one."""
    path = tmp_path / "sign-in" / "wrong-passwords.json" if shared else None
    lock = access.Lockout(path, limit=3, minutes=15)
    other = access.Lockout(path, limit=3, minutes=15) if shared else lock
    start = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    for i in range(3):
        assert lock.locked_until("yushan", "10.0.0.7", start) is None
        (lock if i % 2 else other).failed("yushan", "10.0.0.7", start + timedelta(seconds=i))
    assert lock.locked_until("YuShan ", None, start + timedelta(minutes=1)) == start + timedelta(seconds=2, minutes=15)
    assert lock.locked_until("qianshan", "10.0.0.7", start) is not None  # the address is locked for every name
    assert lock.locked_until("qianshan", "10.0.0.8", start) is None
    assert lock.locked_until("yushan", None, start + timedelta(minutes=16)) is None  # it ends by itself


@pytest.fixture
def own_users(tmp_path) -> Path:
    """A users file of this test's own (so it can be edited): 玉山县's viewer and an administrator."""
    path = tmp_path / "users.toml"
    access.write_user(path, "admin", "admin", "", PASSWORDS["admin"])
    access.write_user(path, "yushan", "viewer", "361123", PASSWORDS["yushan"])
    access.write_user(path, "locked_out", "viewer", "361123", "right-password-1")
    return path


def test_a_removed_user_is_signed_out_at_once_and_a_reset_password_ends_the_session(world, own_users, open_app):
    import time

    at = sign_in(open_app(world, catalogue=WORLD / "catalogue.yaml", users=own_users, params={"year": "2022"}),
                 "yushan")
    assert at.title[0].value == "玉山县 · 2022年 领导简报"
    time.sleep(0.01)
    access.write_user(own_users, "yushan", "viewer", "361123", "a-new-password-1")  # a reset
    at.run()
    assert at.info[0].value == "您的账号已被停用或密码已更改，请重新登录。" and at.subheader[0].value == "请登录"
    at = sign_in(at, "yushan", "a-new-password-1")
    assert at.title[0].value == "玉山县 · 2022年 领导简报"
    text = own_users.read_text(encoding="utf-8")
    own_users.write_text(text.replace('name = "yushan"', 'name = "someone_else"'), encoding="utf-8")  # removed
    at.run()
    assert at.subheader[0].value == "请登录" and len(at.metric) == 0 and not cards_shown(at)


def test_signing_out_forgets_everything_the_session_held(world, own_users, open_app):
    at = sign_in(open_app(world, catalogue=WORLD / "catalogue.yaml", users=own_users, params={"year": "2022"}),
                 "admin")
    at.session_state["check_reports"] = ["the administrator's check"]
    at.run()
    at.sidebar.button(key="signout").click().run()
    assert at.subheader[0].value == "请登录"
    assert "check_reports" not in at.session_state and "auth.user" not in at.session_state


def test_after_five_wrong_passwords_even_the_right_one_waits(world, own_users, open_app):
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=own_users)
    for _ in range(5):
        at = sign_in(at, "locked_out", "wrong-password")
        assert at.error[0].value == "用户名或密码不正确。"
    at = open_app(world, catalogue=WORLD / "catalogue.yaml", users=own_users)  # a new session: the count holds
    at = sign_in(at, "locked_out", "right-password-1")
    assert at.error[0].value.startswith("用户名或密码错误次数过多，请 ") and len(at.metric) == 0 and not cards_shown(at)
