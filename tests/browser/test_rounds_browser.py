"""报送进度 in Chromium: a city reviewer (上饶市) and a county clerk (余干县) carry the 2026 round through on the demo
store — open, a partial upload (部分报送, and 初步数据 on the briefing), submission, a return with a note, a
resubmission, approval — and the 催报 list names exactly the villages without a value; in Chinese and English."""

from __future__ import annotations

import io
import shutil

import duckdb
import openpyxl
import pytest

from tests.browser.conftest import running_app
from tracker.core.access import write_user

pytestmark = pytest.mark.browser

YUGAN, CITY = "361127", "3611"
PASSWORDS = {"yugan": "yugan-clerk-1", "shangrao": "shangrao-review-1"}
WORDS = {
    "zh": {"user": "用户名", "password": "密码", "sign_in": "登录", "open": "开启报送", "by_county": "各县（市、区）报送情况",
           "upload": "上传与发布", "check": "检查（不发布）", "publish": "发布", "published": "已发布", "partial": "余干县：部分报送，20/",
           "preliminary": "初步数据（0/1 个县已审核通过）", "note": "说明（报送时说明缺报原因；退回时写明原因）",
           "submit": "报送（本县数据已报齐）", "submitted": "余干县：已报送待审核", "county": "办理的县（市、区）",
           "return": "退回", "returned": "余干县：已退回", "approve": "审核通过", "approved": "余干县：审核通过",
           "download": "下载催报名单（Excel）"},
    "en": {"user": "User name", "password": "Password", "sign_in": "Sign in", "open": "Open the round",
           "by_county": "Counties in the round", "upload": "Upload and publish", "check": "Check (do not publish)",
           "publish": "Publish",
           "published": "Published", "partial": "余干县: partial, 20/",
           "preliminary": "Preliminary (0/1 counties approved)",
           "note": "Note (when submitting: why villages are missing; when returning: why)",
           "submit": "Submit (the county's return is complete)", "submitted": "余干县: submitted, awaiting review",
           "county": "County to act on", "return": "Return", "returned": "余干县: returned", "approve": "Approve",
           "approved": "余干县: approved", "download": "Download the list (Excel)"},
}


@pytest.fixture
def round_server(demo_store, tmp_path):
    """The app on a copy of the demo store, with the city's reviewer and the county's clerk; the 2026 return of 20 of
    余干县's villages (their 2025 tap water plus a point: nothing for 核实 to hold)."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store[0], db)
    users = tmp_path / "users.toml"
    write_user(users, "yugan", "loader", YUGAN, PASSWORDS["yugan"], "余干县统计站")
    write_user(users, "shangrao", "loader", CITY, PASSWORDS["shangrao"], "上饶市乡村振兴局")
    con = duckdb.connect(str(db), read_only=True)
    sent = con.execute("""select region_code, value from current_observation where measure_id = 'tap_water_rate'
                          and year = 2025 and starts_with(region_code, ?) and region_code in
                          (select code from region where kind = 'village_committee') order by region_code limit 20""",
                       [YUGAN]).fetchall()
    villages = [c for (c,) in con.execute("select code from region where level = 'village' and kind = "
                                          "'village_committee' and county_code = ? order by code", [YUGAN]).fetchall()]
    con.close()
    csv = tmp_path / "余干县2026年报表.csv"
    csv.write_text("区划代码,年份,自来水普及率\n" + "".join(f"{c},2026,{min(100.0, v + 1):.1f}\n" for c, v in sent),
                   encoding="utf-8")
    with running_app(db, TRACKER_USERS=str(users)) as url:
        yield url, csv, sorted(set(villages) - {c for c, _ in sent})


def signed_in(visit, address: str, who: str, words: dict) -> None:
    """Open `address` as `who`, in a browser that holds no sign-in (another person's, say)."""
    visit.page.context.clear_cookies()
    visit.page.goto(address)
    visit.settle()
    visit.page.get_by_label(words["user"], exact=True).fill(who)
    visit.page.get_by_label(words["password"], exact=True).fill(PASSWORDS[who])
    visit.page.get_by_role("button", name=words["sign_in"]).click()
    visit.page.get_by_label(words["password"], exact=True).wait_for(state="detached", timeout=60_000)
    visit.settle()


def act(visit, words: dict, button: str, note: str = "", county: str | None = None) -> None:
    page = visit.page
    if county:
        page.get_by_role("combobox", name=words["county"]).click()
        page.keyboard.type(county)  # the list shows a window of its counties: typing narrows it, as a person does
        page.get_by_role("option", name=county, exact=True).click()
        visit.settle()
    if note:
        page.get_by_role("textbox", name=words["note"]).fill(note)
        page.get_by_role("textbox", name=words["note"]).press("Control+Enter")
        visit.settle()
    page.get_by_role("button", name=words[button], exact=True).click()
    visit.settle()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_clerk_and_a_reviewer_carry_the_round_through(round_server, visit, lang):
    url, csv, without = round_server
    words, page = WORDS[lang], visit.page
    city = f"{url}/rounds?province=36&city={CITY}&year=2026&lang={lang}"
    county = f"province=36&city={CITY}&county={YUGAN}&year=2026&lang={lang}"

    signed_in(visit, city, "shangrao", words)
    page.get_by_role("button", name=words["open"]).click()
    page.get_by_text(words["by_county"]).wait_for(timeout=60_000)
    visit.settle()

    signed_in(visit, f"{url}/data?{county}", "yugan", words)
    page.get_by_role("tab", name=words["upload"]).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    page.get_by_role("button", name=words["check"]).click()  # publish follows a check
    page.get_by_role("button", name=words["publish"], exact=True).and_(page.locator(":enabled")).wait_for(
        timeout=120_000)
    page.get_by_role("button", name=words["publish"], exact=True).click()
    page.get_by_text(words["published"], exact=True).first.wait_for(timeout=120_000)

    signed_in(visit, f"{url}/rounds?{county}", "yugan", words)
    page.get_by_text(words["partial"]).wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("button", name=words["download"]).click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == without  # exactly those without values
    visit.screenshot(f"rounds-partial-{lang}")
    signed_in(visit, f"{url}/?{county}", "yugan", words)
    assert page.get_by_text(words["preliminary"]).first.is_visible()

    signed_in(visit, f"{url}/rounds?{county}", "yugan", words)
    act(visit, words, "submit", "其余村尚在核对，先报已有数据")
    page.get_by_text(words["submitted"]).wait_for(timeout=30_000)

    signed_in(visit, city, "shangrao", words)
    act(visit, words, "return", "请补报其余村的数据", county="余干县")
    page.get_by_text(words["returned"]).wait_for(timeout=30_000)

    signed_in(visit, f"{url}/rounds?{county}", "yugan", words)
    act(visit, words, "submit", "其余村为搬迁村，当年无数据，已核实")
    page.get_by_text(words["submitted"]).wait_for(timeout=30_000)

    signed_in(visit, city, "shangrao", words)
    act(visit, words, "approve", county="余干县")
    page.get_by_text(words["approved"]).wait_for(timeout=30_000)
    visit.screenshot(f"rounds-approved-{lang}")
