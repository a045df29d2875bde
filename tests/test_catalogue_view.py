"""The catalogue page's building blocks as pure functions: rule words, clause context, tables."""

from __future__ import annotations

import pytest

from tracker.core.catalogue import clause_context, load_catalogue
from tracker.core.i18n import md_escape
from tracker.views import catalogue as view
from tracker.views.catalogue import population_words, rule_words


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


NAMES = {"32": "江苏省", "36": "江西省", "3611": "上饶市", "3607": "赣州市"}


@pytest.mark.parametrize(
    "target_id, zh, en",
    [
        ("sr_tap_water_90", "每个单位自来水普及率 ≥ 90%", "each unit: Tap-water coverage at least 90%"),
        ("sr_gigabit_80", "已实现“双千兆网络覆盖”的单位占比 ≥ 80%",
         "share of units with Gigabit fibre and 5G coverage: at least 80%"),
        ("sr_village_plan", "每个单位于2022年底前：村庄规划编制完成",
         "each unit, by the end of 2022: Village plan drawn up"),
        ("js_key_county_income_growth", "农村居民人均可支配收入逐年增幅高于江苏省发布的农村居民人均可支配收入增幅",
         "annual growth of Rural per-capita disposable income above the growth of Rural per-capita "
         "disposable income recorded for 江苏省"),
        ("js2018_new_employment_250k", "当年新增帮扶低收入农户劳动力就业创业人数合计（2018年起累计） ≥ 250,000 人",
         "total Low-income workers newly helped into work in the year (summed from 2018) at least 250,000 people"),
        ("gz_warning_line", "每个单位返贫致贫风险监测收入警戒线与低保标准之比 ≥ 1.2倍",
         "each unit: Monitoring income line as a multiple of the allowance standard at least 1.2 ×"),
        ("sr_industry_fund_share_rising", "衔接（扶贫）资金用于产业发展比例逐年增幅 > 0%（逐步提高）",
         "annual growth of Share of linkage funds for industry above 0% (rises year on year)"),
    ],
)
def test_rule_words(cat, target_id, zh, en):
    assert rule_words(cat.targets[target_id], cat, "zh", NAMES) == zh
    assert rule_words(cat.targets[target_id], cat, "en", NAMES) == en


def test_population_words(cat):
    assert population_words(cat.targets["sr_gigabit_80"], cat, NAMES, "zh") == "上饶市 · 单位：行政村（村委会）"
    assert population_words(cat.targets["sr_tap_water_90"], cat, NAMES, "en") == \
        "上饶市 · Shangrao's 408 key assistance villages · units: villages"


def test_clause_context_finds_a_quote_across_line_breaks():
    text = "第一段。\n甲乙丙，到2025年，重点村\n自来水普及率达到90%，确保达标。\n第三段。"
    before, quote, after = clause_context(text, "到2025年，重点村自来水普及率达到90%")
    assert (before, quote, after) == ("甲乙丙，", "到2025年，重点村\n自来水普及率达到90%", "，确保达标。")
    assert clause_context(text, "不存在的句子") == ("", "不存在的句子", "")


def test_escape_markdown_keeps_policy_text_literal():
    assert md_escape("5G +长效管护 [试点] $100") == r"5G \+长效管护 \[试点\] \$100"


def test_grouping_filters_and_tables(cat):
    by_doc = view.grouped_targets(cat, "document", "", "")
    assert list(by_doc) == ["js-2021-4", "lyg-2021-36", "js-2018-3yr", "gz-2021-6", "sr-2021-draft", "example"]
    assert sum(len(v) for v in by_doc.values()) == 55
    assert [t.id for v in view.grouped_targets(cat, "theme", "fyp15", "").values() for t in v] == \
        ["example_fyp15_sr_tap_water_95"]
    found = view.grouped_targets(cat, "document", "", "GIGABIT")
    assert [t.id for v in found.values() for t in v] == ["sr_gigabit_80"]
    table = view.target_table(cat, by_doc["sr-2021-draft"], NAMES, "zh")
    assert len(table) == 19
    assert list(table.columns) == ["id", "目标", "规则", "评估对象", "基期 → 期限", "条款", "文件"]
    assert set(table["文件"]) == {"indicators.yaml"}
    assert table.loc[table["id"] == "sr_linkage_funds", "基期 → 期限"].item() == "2020 → 2025（逐年评估）"


def test_target_markdown_highlights_the_quote_in_context(cat):
    texts = view.policy_texts(cat)
    md = view.target_markdown(cat, cat.targets["sr_gigabit_80"], NAMES, texts, "zh")
    assert "**:orange-background[实现“双千兆”网络覆盖80%以上行政村]**" in md
    assert "加快千兆光网、5G、移动物联网向有条件、有需求的农村及偏远地区延伸" in md
    assert "**口径说明**：行政村 = 村民委员会" in md
