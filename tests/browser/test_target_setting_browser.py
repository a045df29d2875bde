"""目标测算 in Chromium, as a provincial office works on the 15th plan: on the demo store, a loader of 江西省 signs
in, proposes a tap-water target for 上饶市's key villages, sees which counties would reach it, saves it as a draft,
records its adoption with the document's number, and finds it on the briefing, the trends and the running plan's
report — in Chinese and in English."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.conftest import running_app
from tests.conftest import ROOT
from tracker.core.access import write_user

pytestmark = pytest.mark.browser

SHANGRAO = "province=36&city=3611"
DRAFT = "fyp15_3611_sr_key_village_tap_water_rate_97"
PASSWORD = "jiangxi-loader-1"
WORDS = {
    "zh": {"user": "用户名", "password": "密码", "sign_in": "登录", "title": "上饶市 · 目标测算",
           "values": "候选目标值（最多三个，逗号分隔）", "group": "对象", "key_villages": "上饶市“十四五”乡村振兴重点帮扶村（408个）",
           "by_county": "各县（市、区）按近年进度能否达到 ≥ 97%（村）", "why": "理由（必填，如依据的测算与参考数值）",
           "save": "保存草案", "saved": "已保存草案", "draft_panel": "保存为目标草案", "draft": "草案 · ", "document": "文件名称", "number": "文号",
           "issuer": "发文机关", "date": "印发日期（YYYY-MM-DD）", "clause": "条款", "adopt": "登记印发",
           "adopted": "目标草案留痕：起草、登记印发、撤回，谁在何时", "name": "上饶市“十四五”乡村振兴重点帮扶村（408个）自来水普及率达到97%",
           "as_of": "2026年的报表尚未送达", "progress": "上饶市“十五五”时期（2026—2030年）乡村振兴目标进展情况（截至2025年）",
           "trends": "上饶市 · 目标趋势", "counted": "纳入评估的 2 个目标中", "headline": "在领导简报中作为卡片显示"},
    "en": {"user": "User name", "password": "Password", "sign_in": "Sign in", "title": "上饶市 · target setting",
           "values": "Candidate targets (up to three, comma-separated)", "group": "Population",
           "key_villages": "Shangrao's 408 key assistance villages",
           "by_county": "Which counties would reach ≥ 97% at their recent pace (villages)",
           "why": "Why (required: the figures and references it rests on)", "save": "Save draft",
           "draft_panel": "Save as a draft target",
           "saved": "Draft saved", "draft": "Draft · ", "document": "Document (Chinese name)",
           "number": "Document number", "issuer": "Issued by", "date": "Date issued (YYYY-MM-DD)", "clause": "Clause",
           "adopt": "Record adoption",
           "adopted": "Changes to draft targets: drafted, adopted, withdrawn, by whom and when",
           "name": "Tap-water coverage ≥ 97% in Shangrao's 408 key assistance villages",
           "as_of": "No 2026 return has arrived yet", "headline": "Show as a card on the briefing",
           "progress": "上饶市: progress on the 15th Five-Year Plan (2026-2030) targets (to 2025)", "trends": "上饶市 · trends",
           "counted": "Of the 2 targets of the 15th Five-Year Plan (2026-2030) assessed for 上饶市"},
}


@pytest.fixture
def office_server(demo_store, tmp_path):
    """The app on a copy of the demo store and of the catalogue (adopting writes both), with one user: a loader of
    江西省's office."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store[0], db)
    catalogue = tmp_path / "indicators.yaml"
    shutil.copyfile(ROOT / "indicators.yaml", catalogue)
    users = tmp_path / "users.toml"
    write_user(users, "jiangxi", "loader", "36", PASSWORD, "江西省乡村振兴局")
    with running_app(db, TRACKER_USERS=str(users), TRACKER_CATALOGUE=str(catalogue)) as url:
        yield url, catalogue


def signed_in(visit, address: str, words: dict) -> None:
    """Open `address` and sign in as the province's loader, in a browser that holds no sign-in."""
    visit.page.context.clear_cookies()
    visit.page.goto(address)
    visit.settle()
    visit.page.get_by_label(words["user"], exact=True).fill("jiangxi")
    visit.page.get_by_label(words["password"], exact=True).fill(PASSWORD)
    visit.page.get_by_role("button", name=words["sign_in"]).click()
    visit.page.get_by_label(words["password"], exact=True).wait_for(state="detached", timeout=60_000)
    visit.settle()


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label`."""
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_province_sets_a_new_plan_target_from_the_data(office_server, visit, lang):
    url, catalogue = office_server
    words, page = WORDS[lang], visit.page
    signed_in(visit, f"{url}/propose?{SHANGRAO}&lang={lang}", words)
    assert visit.heading() == words["title"]

    choose(page, words["group"], words["key_villages"])
    visit.settle()
    box = page.get_by_role("textbox", name=words["values"], exact=True)
    box.fill("97, 98")
    box.press("Enter")
    visit.settle()
    page.get_by_text(words["by_county"]).wait_for(timeout=30_000)
    # the counties shaded by who would reach it: an SVG of their outlines, no WebGL map
    assert page.locator(".tracker-map path").count() >= 12  # 上饶市's twelve counties, filled
    visit.screenshot(f"propose-shangrao-{lang}")

    page.get_by_text(words["draft_panel"], exact=True).click()  # open the draft form's panel
    visit.settle()
    page.get_by_role("textbox", name=words["why"], exact=True).fill("按近年进度，重点村总体2030年可达97%；全国2030年目标98%")
    page.get_by_text(words["headline"]).click()
    page.get_by_role("button", name=words["save"]).click()
    # the saved note, or the error the form gave instead (named in the failure)
    error = page.locator('[data-testid="stAlertContentError"]')
    page.get_by_text(words["saved"]).or_(error).first.wait_for(timeout=60_000)
    assert error.count() == 0, error.all_inner_texts()
    assert page.get_by_text(words["saved"]).is_visible()
    visit.settle()
    assert DRAFT in (catalogue.parent / "indicators-36.yaml").read_text(encoding="utf-8")

    page.get_by_text(words["draft"]).first.click()  # open the draft's panel (built as it opens)
    visit.settle()
    page.get_by_role("textbox", name=words["document"], exact=True).fill("上饶市“十五五”农村供水保障规划")
    page.get_by_role("textbox", name=words["number"], exact=True).fill("饶府发〔2026〕12号")
    page.get_by_role("textbox", name=words["issuer"], exact=True).fill("上饶市人民政府")
    page.get_by_role("textbox", name=words["date"], exact=True).fill("2026-12-20")
    page.get_by_role("textbox", name=words["clause"], exact=True).fill("二、主要目标")
    page.get_by_role("button", name=words["adopt"]).click()
    page.get_by_text(words["draft"]).first.wait_for(state="detached", timeout=120_000)  # reassessed with it first
    visit.settle()
    assert page.get_by_text(words["draft"]).count() == 0 and page.get_by_text(words["adopted"]).is_visible()

    # a new page load is a new session: each opens with the sign-in
    signed_in(visit, f"{url}/?{SHANGRAO}&year=2026&lang={lang}", words)
    page.get_by_text(words["as_of"]).first.wait_for(timeout=60_000)
    assert page.get_by_text(words["name"], exact=True).first.is_visible()  # its card
    visit.screenshot(f"propose-adopted-briefing-{lang}")
    signed_in(visit, f"{url}/trends?{SHANGRAO}&year=2026&target={DRAFT}&lang={lang}", words)
    assert visit.heading() == words["trends"]
    assert page.get_by_role("combobox", name={"zh": "目标", "en": "Target"}[lang]).input_value() == words["name"]
    assert page.locator(".tracker-chart").count() >= 1
    signed_in(visit, f"{url}/final?{SHANGRAO}&plan=fyp15&lang={lang}", words)
    assert visit.heading() == words["progress"]
    assert page.get_by_text(words["counted"]).first.is_visible()  # the example and the adopted target
