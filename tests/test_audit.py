"""数据审核 on a small world worked out by hand: each rule kind on both sides of its limit, a clean history
that raises nothing, the refusal of an error rule's value at load, a verify finding held out of the
assessment until accepted, the workflow (explain, accept, correct by a later return, the same value re-sent),
the command line, and the page.

The world is tests/assess/regions.csv (玉山县: A1-A3 in 甲镇, B1-B3 in 乙镇, a residents' committee RC; 铅山县:
C1, C2) with tests/audit/catalogue.yaml: one rule of each kind. history.csv holds 2023-2024, return_2025.csv
the new year. What each rule finds in 2025, by hand:
- water_jump (> 30 points): A2 50 → 81 (31). Not A1 70 → 90 (20), B3 80 → 90 (10).
- unit_slip (×50, error): B1 income 8 → 80000 — refused at load. income_jump (×3, base ≥ 5): B2 10 → 30
  (exactly 3). Not C1 10 → 29 (2.9), not B3 4 → 40 (base under 5).
- fraction (error): A3 water 0.9 after 80 and 85 — refused. Not B1 0.8 after 4 (never above 5).
- part: A1 operating income 25 above its total 22. Not A2 (10 of 30).
- gig_fibre: A1 gigabit yes, fibre no. Not A2 (both yes). plan_back: A1 plan yes (2024) → no. Not A2 (no → yes).
- copied: A1 income 22 in 2023, 2024 and 2025. Not A2 (30 two years).
- outlier (county, k = 8, ≥ 3 peers): 玉山 2025 water A1 90, A2 81, B1 0.8, B2 90, B3 90, RC 92: median 90,
  absolute deviations 0, 9, 89.2, 0, 0, 2, MAD 1; 89.2 > 8 × 1.4826 × 1 = 11.86: B1. Not A2 (9).
- stopped: C2 reported 88 in 2024, nothing in 2025; A3 too, once its 0.9 is refused.
- bunched (≥ 50% and ≥ 3 of a county's villages exactly at 90): 玉山's counted 2025 values A1 90, B1 0.8,
  B2 90, B3 90 (A2 held back): 3 of 4. Not 铅山 (C1 alone).
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from etl.__main__ import main as etl_cli
from etl.load import load_files
from tests.conftest import counts_shown, read_store, small_world, tables_shown
from tracker.core import audit, store
from tracker.core.access import User
from tracker.core.catalogue import load_catalogue
from tracker.queries import findings

HERE = Path(__file__).parent / "audit"
CATALOGUE = HERE / "catalogue.yaml"


def open_findings(db: Path) -> set[tuple[str, str, int, str]]:
    rows = read_store(db).execute("select rule_id, region_code, year, state from finding where state <> 'closed'").fetchall()
    return set(rows)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return small_world(tmp_path_factory.mktemp("audit"), CATALOGUE, HERE / "history.csv")


@pytest.fixture
def loaded(history, tmp_path) -> tuple[Path, object]:
    """The history with the 2025 return loaded on top (a copy per test)."""
    db = tmp_path / "audit.duckdb"
    shutil.copyfile(history, db)
    [report] = load_files(db, [HERE / "return_2025.csv"], catalogue=load_catalogue(CATALOGUE))
    return db, report


def test_a_clean_history_raises_nothing(history):
    assert read_store(history).execute("select count(*) from finding").fetchall() == [(0,)]


def test_each_rule_finds_what_it_should_and_nothing_else(loaded):
    db, report = loaded
    A1, A2, A3, B1, B2, C2 = "361123100201", "361123100202", "361123100203", "361123101201", "361123101202", \
        "361124100202"
    assert open_findings(db) == {
        ("water_jump", A2, 2025, "open"), ("income_jump", B2, 2025, "open"), ("part", A1, 2025, "open"),
        ("gig_fibre", A1, 2025, "open"), ("plan_back", A1, 2025, "open"), ("copied", A1, 2025, "open"),
        ("outlier", B1, 2025, "open"), ("stopped", C2, 2025, "open"), ("stopped", A3, 2025, "open"),
        ("bunched", "361123", 2025, "open"),
        ("unit_slip", B1, 2025, "rejected"), ("fraction", A3, 2025, "rejected")}
    con = read_store(db)
    values = dict(((r, reg), (v, b, c)) for r, reg, v, b, c in con.execute(
        "select rule_id, region_code, value, before, compare from finding").fetchall())
    assert values[("water_jump", A2)] == (81.0, 50.0, None)
    assert values[("part", A1)] == (25.0, 10.0, 22.0)  # operating income 2025 against the total; 10 a year before
    assert values[("outlier", B1)] == (0.8, 4.0, 90.0)
    assert values[("bunched", "361123")] == (3.0, None, 90.0)
    assert values[("fraction", A3)][:2] == (0.9, 85.0)


def test_an_error_rule_refuses_the_value_with_its_message(loaded):
    db, report = loaded
    assert report.values_rejected == 2 and report.by_reason() == {"audit_unit_slip": 1, "audit_fraction": 1}
    con = read_store(db)
    assert con.execute("select count(*) from observation where region_code = '361123101201' and measure_id = 'income' "
                       "and year = 2025").fetchall() == [(0,)]
    reasons = dict(con.execute("select reason_code, reason from rejected_row").fetchall())
    assert reasons["audit_unit_slip"] == "变化50倍以上（8 → 80,000），多半按元填了万元"
    assert reasons["audit_fraction"] == "比率填成小数（0.9，此前 85）"
    assert con.execute("select values_rejected from batch where batch_id = 2").fetchall() == [(2,)]


def test_a_refused_value_leaves_the_value_it_would_have_replaced_current(loaded, tmp_path):
    """A3 re-sends its 2024 water as 0.85 after 80 in 2023: a fraction, refused; its 85 of the first batch is
    the current value again (the current values are marked when saved, and marked again after a refusal)."""
    db, _ = loaded
    fix = tmp_path / "fix.csv"
    fix.write_text("区划代码,年份,water\n361123100203,2024,0.85\n", encoding="utf-8")
    [report] = load_files(db, [fix], catalogue=load_catalogue(CATALOGUE))
    assert report.by_reason() == {"audit_fraction": 1}
    con = read_store(db)
    assert con.execute("select value, batch_id from current_observation where region_code = '361123100203' "
                       "and measure_id = 'water' and year = 2024").fetchall() == [(85.0, 1)]
    assert con.execute("select count(*) from observation where region_code = '361123100203' and measure_id = 'water' "
                       "and year = 2024").fetchall() == [(1,)]


def test_a_value_to_verify_counts_once_explained_and_accepted(loaded):
    db, _ = loaded
    catalogue = load_catalogue(CATALOGUE)

    def county_water(path: Path) -> tuple:
        return read_store(path).execute("select round(value, 2), units_reporting from assessment where target_id = 't_water' "
                                  "and region_code = '361123' and year = 2025").fetchall()[0]

    # A2's 81 is held back: 玉山 is (90 + 0.8 + 90 + 90) / 4 = 67.7 over the four counted
    assert county_water(db) == (67.7, 4)
    jump = read_store(db).execute("select finding_id from finding where rule_id = 'water_jump'").fetchall()[0][0]
    county, city = User("yushan", "", "loader", "361123"), User("shangrao", "", "loader", "3611")
    assert county.may_explain("361123100202") and not county.may_review("361123100202")
    assert city.may_review("361123100202") and not User("v", "", "viewer", "").may_explain("361123100202")
    with store.writing(db) as con:
        assert audit.act(con, [jump], "explain", county.name, "新建水厂2025年6月通水") == 1
        audit.audit_and_assess(con, catalogue)
    assert county_water(db) == (67.7, 4)  # explained, not yet accepted: still held
    with store.writing(db) as con:
        audit.act(con, [jump], "accept", city.name, confirmed=True)
        audit.audit_and_assess(con, catalogue)
    assert county_water(db) == (70.36, 5)  # (90 + 81 + 0.8 + 90 + 90) / 5
    history = findings.history(read_store(db), jump)
    assert history[["user_name", "action", "state", "note"]].values.tolist() == [
        ["yushan", "explain", "explained", "新建水厂2025年6月通水"], ["shangrao", "accept", "accepted", ""]]
    from tracker.views.audit import history_table

    shown = history_table(history, "en")
    assert shown["Action"].tolist() == ["Verified (with explanation)", "Accept"]
    assert shown["State after"].tolist() == ["explained (awaiting acceptance)", "accepted"]
    with pytest.raises(ValueError, match="needs a 说明"):
        with store.writing(db) as con:
            audit.act(con, [jump], "return", city.name, "  ")


def test_a_later_return_closes_a_finding_and_the_same_value_keeps_its_explanation(loaded, tmp_path):
    db, _ = loaded
    catalogue = load_catalogue(CATALOGUE)
    part = read_store(db).execute("select finding_id from finding where rule_id = 'part'").fetchall()[0][0]
    with store.writing(db) as con:
        audit.act(con, [part], "explain", "yushan", "含上级划拨经营性资产收益")
    fix = tmp_path / "更正.csv"
    fix.write_text("区划代码,年份,income,op_income\n361123101202,2025,12,\n361123100201,2025,,25\n", encoding="utf-8")
    [report] = load_files(db, [fix], catalogue=catalogue)
    assert report.status == "loaded"
    con = read_store(db)
    state = dict(con.execute("select rule_id || ':' || region_code, state from finding where rule_id in "
                             "('income_jump', 'part')").fetchall())
    assert state == {"income_jump:361123101202": "closed", "part:361123100201": "explained"}
    assert con.execute("select closed_by_batch from finding where rule_id = 'income_jump'").fetchall() == [(3,)]
    assert con.execute("select user_name, action from finding_action where finding_id = (select finding_id from "
                       "finding where rule_id = 'income_jump')").fetchall() == [(None, "closed")]
    assert findings.held_values(con, "361123100201").set_index("rule_id").loc["part", "note"] == "含上级划拨经营性资产收益"


def test_the_command_line_lists_every_open_finding(loaded):
    db, _ = loaded
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = etl_cli(["audit", "--db", str(db), "--catalogue", str(CATALOGUE), "--region", "361123", "--csv"])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype={"region_code": str})
    assert len(frame) == 9 and "9 open findings in 361123" in err.getvalue()
    jump = frame[frame["rule"] == "water_jump"].iloc[0]
    assert (jump["region_code"], jump["year"], jump["measure"], jump["severity"], jump["value"]) == (
        "361123100202", 2025, "water", "verify", 81.0)
    assert jump["message"] == "变化超过30个百分点（50 → 81）"
    assert {"region_code", "year", "measure", "rule", "severity", "value", "message"} <= set(frame.columns)


@pytest.mark.parametrize(("state", "listed"), [("open", {"open", "explained", "to_correct", "returned"}),
                                               ("refused", {"rejected"}), ("all", None)])
def test_the_command_line_lists_findings_by_state(loaded, state, listed):
    """--state refused lists the values an error rule refused at load (left out of the open list), --state all
    every finding; each line's state is one of those asked for."""
    db, _ = loaded
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = etl_cli(["audit", "--db", str(db), "--catalogue", str(CATALOGUE), "--state", state, "--csv"])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype={"region_code": str})
    in_store = dict(read_store(db).execute("select state, count(*) from finding group by state").fetchall())
    expected = sum(n for s, n in in_store.items() if listed is None or s in listed)
    assert len(frame) == expected > 0 and f"{expected:,} {state} findings" in err.getvalue()
    assert listed is None or set(frame["state"]) <= listed
    if state == "refused":
        assert set(frame["severity"]) == {"error"}


def test_the_audit_page_counts_for_viewers_and_acts_for_loaders(loaded, open_app, users_file):
    db, _ = loaded
    params = {"province": "36", "city": "3611", "year": "2025"}
    at = open_app(db, catalogue=CATALOGUE, users=users_file, params=params, user="yushan", page="audit")
    assert not at.exception and at.title[0].value == "玉山县 · 2025年 数据审核"  # a viewer of 玉山县
    # 9 findings in 玉山 (C2's is 铅山's): 5 to verify and unanswered, 4 notes that ask for nothing; 2 values refused
    # at load — the header counts what each choice of the table lists
    assert counts_shown(at) == {
        "待说明（未说明或被退回）": "5", "提示（无需处理）": "4", "已说明，待上级接受": "0", "待更正": "0", "已接受": "0",
        "已关闭或导入时退回": "2"}
    # counts by county, no village's figures; the rules themselves once their panel is opened (built only then)
    [by_county] = tables_shown(at)  # a short table: a county a row, a rule a column named by the rule
    assert by_county["县（市、区）"].tolist() == ["玉山县"] and "与本县悬殊" in by_county.columns
    assert not any("{" in column for column in by_county.columns)
    assert by_county.drop(columns="县（市、区）").astype(int).to_numpy().sum() == 9  # the 5 to verify and the 4 notes
    assert not at.dataframe and any("查看权限只显示数量" in c.value for c in at.main.caption)
    at.session_state["audit.rules"] = True
    at.run()
    rules = at.dataframe[0].value  # each named as its findings are, its id in the catalogue last
    assert len(at.dataframe) == 1 and rules["级别"].tolist()[:2] == ["核实", "错误"]
    assert rules[["规则", "目录中的编号"]].values.tolist()[:2] == [["变化超过30个百分点", "water_jump"],
                                                              ["变化50倍以上", "unit_slip"]]
    at = open_app(db, catalogue=CATALOGUE, users=users_file, params=params, user="yushan_loader", page="audit")
    table = at.dataframe[0].value  # the default: those awaiting a 说明, as many as the header says
    assert len(table) == 5 and table["级别"].tolist() == ["核实"] * 5
    notes = open_app(db, catalogue=CATALOGUE, users=users_file, params=params, user="yushan_loader", page="audit")
    notes.selectbox(key="page.audit_shown").set_value("notes").run()
    assert notes.dataframe[0].value["级别"].tolist() == ["提示"] * 4
    labels = [b.label for b in at.button]
    assert "已核实（附说明）" in labels and "待更正" in labels and "接受" not in labels  # one level up accepts
    at.text_area(key=f"audit.note.{int(table['编号'].iloc[0])}").input("已派人核实").run()
    at.button(key=f"audit.explain.{int(table['编号'].iloc[0])}").click().run()
    assert not at.exception
    counts = counts_shown(at)
    assert (counts["已说明，待上级接受"], counts["待说明（未说明或被退回）"]) == ("1", "4")


def test_an_answered_workbook_gives_the_explanations_a_loader_may_record():
    from tracker.views.audit import answers

    frame = pd.DataFrame({"编号": ["7", "8.0", "9", "x", "10"], "说明": ["新建水厂通水", "  ", "已核实", "无", "跨县"]})
    mine = answers(frame, {7, 8, 9, 10}, lambda i: i != 10, "zh")
    assert mine == [(7, "新建水厂通水"), (9, "已核实")]  # blank, non-numeric and someone else's lines left out
    with pytest.raises(ValueError, match="需要“编号”和“说明”两列"):
        answers(pd.DataFrame({"编号": ["7"]}), {7}, lambda i: True, "zh")


def test_a_finding_detail_reads_with_the_township_median(loaded):
    from tracker.views.audit import detail

    db, _ = loaded
    con = read_store(db)
    row = audit.findings(con, "361123100202", 2025).iloc[0].to_dict()
    median = findings.township_median(con, "361123100202", "water", 2025)
    assert median == 90.0  # 甲镇 2025: A1 90, A2 81, RC 92 (A3's 0.9 refused)
    assert detail(load_catalogue(CATALOGUE), row, "zh", median) == {
        "指标": "自来水普及率", "本年数值": "81.0%", "上年（或此前）数值": "50.0%",
        "比较值（整体、乡镇中位数或目标线）": "—", "本乡镇各村中位数": "90.0%",
        "来源（文件 · 工作表 · 行 · 列）": "return_2025.csv · 第3行 · water"}


def test_checking_a_return_says_what_the_audit_would_refuse(history):
    from etl.load import check_files

    [report] = check_files(history, [HERE / "return_2025.csv"], catalogue=load_catalogue(CATALOGUE))
    assert report.status == "checked" and report.values_rejected == 2
    assert report.by_reason() == {"audit_unit_slip": 1, "audit_fraction": 1}
    refused = report.rejects.set_index("reason_code")
    assert refused.loc["audit_fraction", "raw_value"] == "0.9" and refused.loc["audit_fraction", "row_number"] == 4
    assert read_store(history).execute("select count(*) from finding").fetchall() == [(0,)]  # nothing written


def test_the_command_line_names_each_rule_by_its_name_and_lists_what_it_holds(history, use_settings):
    """A value an error rule refuses is counted under the rule's name in the load's summary (it once said
    "数据审核规则 fraction", the rule's id), and the values a verify rule will hold for 核实 are listed, each with
    its place in the file and the rule's sentence."""
    use_settings(catalogue=CATALOGUE)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = etl_cli(["load", "--db", str(history), "--check", str(HERE / "return_2025.csv")])
    assert code == 0, err.getvalue()
    said = out.getvalue() + err.getvalue()
    assert "audit_fraction (数据审核规则“比率填成小数”) 1" in said and "audit_unit_slip (数据审核规则“变化50倍以上”) 1" in said
    assert "would be held for 核实 (loaded, not counted until a 说明 is accepted on 数据审核): 5 — " in said
    assert "第3行 water 甲二村: 变化超过30个百分点（50 → 81）" in said
    assert "fraction)" not in said and "unit_slip)" not in said
    assert audit.reason_name("audit_fraction", "en") == "the plausibility rule fraction"
    catalogue = load_catalogue(CATALOGUE)  # with the catalogue (the page's report), the rule by its name
    assert audit.reason_name("audit_fraction", "zh", catalogue) == \
        f"数据审核规则“{catalogue.audit['fraction'].title('zh')}”" != "数据审核规则“fraction”"
    assert audit.reason_name("unknown_code", "en") == "Unknown code"


def test_the_check_and_the_load_say_what_will_be_held_and_their_counts_add_up(history, tmp_path):
    """The check and the published report list the same five values a verify rule holds for 核实 (A2's 31-point
    water jump among them) and count the two refused by error rules as the batch list does: loaded = new +
    replaced + same; rejected values = the batch's rejected rows kept; rows with a rejection counted."""
    from etl.load import check_files

    catalogue = load_catalogue(CATALOGUE)
    [checked] = check_files(history, [HERE / "return_2025.csv"], catalogue=catalogue)
    db = tmp_path / "audit.duckdb"
    shutil.copyfile(history, db)
    [loaded] = load_files(db, [HERE / "return_2025.csv"], catalogue=catalogue)
    A1, A2, B2 = "361123100201", "361123100202", "361123101202"
    for report in (checked, loaded):
        assert sorted(zip(report.held["region_code"], report.held["rule_id"])) == [
            (A1, "gig_fibre"), (A1, "part"), (A1, "plan_back"), (A2, "water_jump"), (B2, "income_jump")]
        assert report.values_loaded == 21 == report.values_new + report.values_replaced + report.values_same
        assert (report.values_rejected, report.rows_rejected) == (2, 2)  # A3's water and B1's income, rows 4 and 5
    jump = loaded.held.set_index("rule_id").loc["water_jump"]
    assert (jump["row_number"], jump["column"], jump["value"], jump["before"]) == (3, "water", 81.0, 50.0)
    con = read_store(db)
    assert con.execute("select values_loaded, values_rejected, rows_rejected from batch where batch_id = 2").fetchall() \
        == [(21, 2, 2)]
    assert con.execute("select count(*) from rejected_row where batch_id = 2").fetchall() == [(2,)]
    assert con.execute("select count(*) from observation where batch_id = 2").fetchall() == [(21,)]
    held = {(r, m) for r, m in con.execute("select region_code, measure_id from current_observation where batch_id = 2 "
                                           "except select region_code, measure_id from counted_observation "
                                           "where batch_id = 2").fetchall()}
    assert held == set(zip(loaded.held["region_code"], loaded.held["measure_id"]))  # the list is what is not counted
    summary = loaded.summary(catalogue=catalogue)
    assert "held for 核实" in summary and "would be" not in summary


def _show_report(report, lang: str, catalogue_file: str) -> None:
    from tracker.core.catalogue import load_catalogue
    from ui.load_report import show_report

    show_report(report, lang, "0", load_catalogue(catalogue_file))


def test_the_data_page_report_shows_what_will_be_held_in_either_language(history):
    """数据管理's report of a check (ui.load_report.show_report, as the page draws it under the uploaded files): a
    metric of the values held for 核实, a sentence naming each rule by its name in the interface's language, and
    the held values in a table with the rule's sentence."""
    from streamlit.testing.v1 import AppTest

    from etl.load import check_files

    [report] = check_files(history, [HERE / "return_2025.csv"], catalogue=load_catalogue(CATALOGUE))
    for lang, sentence, rule, held, refused in (
            ("zh", "发布后，其中 5 个数值将导入但暂不计入评估，待核实", "变化超过30个百分点 1", "待核实数值", "拒收数值"),
            ("en", "Once published, 5 of these values will be loaded but not counted", "Moved over 30 points 1",
             "Held for checking", "Values rejected")):
        at = AppTest.from_function(_show_report, args=(report, lang, str(CATALOGUE)), default_timeout=30).run()
        assert not at.exception, at.exception
        metrics = {m.label: m.value for m in at.metric}
        assert (metrics[held], metrics[refused]) == ("5", "2")
        [warning] = [w.value for w in at.warning if sentence in w.value]
        assert rule in warning and "water_jump" not in warning
        [table] = [d.value for d in at.dataframe if len(d.value) == 5]  # the held values (the rejected are 2)
        assert table.iloc[:, -1].str.len().min() > 0  # each with the rule's sentence


def test_reassess_reruns_only_the_rules_that_changed(loaded, tmp_path):
    """The findings depend on the values and the rules: `etl reassess` after a target's edit keeps them all (a
    national store's whole audit takes a minute); after a rule's edit it runs that rule again over the whole store,
    and a rule taken out of the catalogue closes its findings."""
    from etl.build import reassess
    from tracker.core import store

    db, _ = loaded
    A1, A2, B2 = "361123100201", "361123100202", "361123101202"
    with store.writing(db) as con:  # take two findings away, to see which rules run again
        con.execute("delete from finding where rule_id in ('water_jump', 'income_jump')")
    text = CATALOGUE.read_text(encoding="utf-8")
    edited = tmp_path / "catalogue.yaml"
    edited.write_text(text.replace("deadline: 2025, example: true}", "deadline: 2024, example: true}", 1),
                      encoding="utf-8")
    reassess(db, edited)  # a target's edit: no rule runs (either would find its jump again)
    assert not {f[0] for f in open_findings(db)} & {"water_jump", "income_jump"}
    edited.write_text(text.replace("points: 30,", "points: 25,", 1), encoding="utf-8")
    reassess(db, edited)  # water_jump changed: it runs again over the whole store (50 → 81 is beyond 25 points)
    found = open_findings(db)
    assert ("water_jump", A2, 2025, "open") in found
    assert ("income_jump", B2, 2025, "open") not in found  # unchanged: not run
    rules = text.split("\naudit:\n")[1].split("\n  - ")
    without_copied = text.replace("\n  - " + next(r for r in rules if r.startswith("{id: copied,")), "")
    edited.write_text(without_copied.replace("points: 30,", "points: 25,", 1), encoding="utf-8")
    reassess(db, edited)
    assert ("copied", A1, 2025, "open") not in open_findings(db)
    assert read_store(db).execute("select state from finding where rule_id = 'copied'").fetchall() == [("closed",)]


def test_a_rule_is_named_by_its_title_else_its_messages_words_and_a_name_changes_no_finding(tmp_path):
    """A rule's name heads a column of the 数据审核 page's table and names it in lists: its title, else its message's
    first words with a placeholder as "…" (never "{value}"). Renaming it redoes neither its findings nor the
    assessment."""
    from tracker.core.catalogue import load_catalogue

    rules = load_catalogue(CATALOGUE).audit
    assert [rules[r].title("zh") for r in ("fraction", "part", "bunched")] == [
        "比率填成小数", "经营性收入 … 高于集体收入 …", "… 个村恰好 …"]
    assert rules["copied"].title("en") == "… three years running" and rules["part"].title("en") == "Operating income …"
    text = CATALOGUE.read_text(encoding="utf-8")
    named = tmp_path / "catalogue.yaml"
    named.write_text(text.replace('zh: "{value} 个村恰好 {compare}"',
                                  'title: 扎堆目标线, title_en: Bunched at the target, zh: "{value} 个村恰好 {compare}"'),
                     encoding="utf-8")
    renamed = load_catalogue(named)
    assert (renamed.audit["bunched"].title("zh"), renamed.audit["bunched"].title("en")) == (
        "扎堆目标线", "Bunched at the target")
    assert audit.rule_digests(renamed) == audit.rule_digests(load_catalogue(CATALOGUE))
    assert renamed.sha256 == load_catalogue(CATALOGUE).sha256


def test_each_rule_kind_is_its_own_model_and_compiles_its_own_sql():
    from pydantic import TypeAdapter, ValidationError

    from tracker.core.catalogue import AuditRule, FractionRule

    adapter = TypeAdapter(AuditRule)
    base = {"id": "r", "measures": ["water"], "severity": "verify", "zh": "变化太大了", "en": "too big a change"}
    rule = adapter.validate_python({**base, "kind": "fraction", "above": 0.9})
    assert isinstance(rule, FractionRule) and "o.earlier_max > 0.9" in audit.compile_rule(rule)
    with pytest.raises(ValidationError, match="above"):
        adapter.validate_python({**base, "kind": "fraction"})
    with pytest.raises(ValidationError, match="points or ratio"):
        adapter.validate_python({**base, "kind": "yoy_change"})
    with pytest.raises(ValidationError, match="whole"):  # a parameter of another kind is refused
        adapter.validate_python({**base, "kind": "fraction", "above": 0.9, "whole": "income"})
    from typing import get_args

    kinds = {get_args(m.model_fields["kind"].annotation)[0] for m in get_args(get_args(AuditRule)[0])}
    assert kinds == set(audit.COMPILERS) | {"bunching"}  # every value rule compiles; bunching reads the assessment


def test_finding_ids_come_from_a_sequence_started_after_an_older_stores_findings(tmp_path):
    db = tmp_path / "s.duckdb"
    with store.writing(db, fresh=True) as con:
        con.execute("insert into finding values (41, 'r', 'verify', 'water', '361123100201', 2024, 1, 0, null, null, "
                    "null, null, null, now(), 'open', null, null)")
        con.execute("drop sequence finding_id_seq")  # as a store written before findings were numbered this way
    with store.writing(db) as con:
        assert con.execute("select nextval('finding_id_seq')").fetchall() == [(42,)]


def test_formula_text_in_a_note_stays_text_in_the_findings_csv(loaded, tmp_path):
    db = tmp_path / "s.duckdb"
    shutil.copy(loaded[0], db)
    with store.writing(db) as con:
        finding = con.execute("select min(finding_id) from finding where state = 'open'").fetchall()[0][0]
        audit.act(con, [finding], "explain", "yushan_loader", '=HYPERLINK("http://example.invalid","看")')
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert etl_cli(["audit", "--db", str(db), "--catalogue", str(CATALOGUE), "--csv"]) == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()))
    note = frame.set_index("finding_id").loc[finding, "note"]
    assert note == '\'=HYPERLINK("http://example.invalid","看")'  # an apostrophe first: text, not a formula
    assert (frame["value"].dropna() >= 0).all() and frame["value"].dtype.kind == "f"  # numbers stay numbers


def test_formula_safe_marks_only_text_that_would_be_a_formula():
    from tracker.core.xlsx import formula_safe

    frame = pd.DataFrame({"text": ["=1+1", "+86 138", "-x", "@SUM(A1)", "\tA", "普通", None], "n": [-3.5, 1, 2, 3, 4, 5, 6]})
    safe = formula_safe(frame)
    assert safe["text"].tolist()[:6] == ["'=1+1", "'+86 138", "'-x", "'@SUM(A1)", "'\tA", "普通"]
    assert pd.isna(safe["text"].iloc[6])
    assert safe["n"].tolist() == frame["n"].tolist()


def test_a_hostile_answer_workbook_is_refused_on_the_page_in_a_sentence(loaded, open_app, users_file, tmp_path):
    from tests.test_hostile_uploads import far_cell_workbook

    db, _ = loaded
    params = {"province": "36", "city": "3611", "year": "2025"}
    at = open_app(db, catalogue=CATALOGUE, users=users_file, params=params, user="yushan_loader", page="audit")
    far = far_cell_workbook(tmp_path / "answers.xlsx", "A1:C2")
    assert not at.get("file_uploader")  # the answers' uploader: built once its panel is opened
    at.session_state["audit.answer.open"] = True
    at.run()
    at.get("file_uploader")[0].upload("answers.xlsx", far.read_bytes(),
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not at.exception
    assert any("1,048,576 行、16,384 列" in e.value and "answers.xlsx" in e.value for e in at.error), \
        [e.value for e in at.error]


def test_review_acts_as_promised(loaded, tmp_path):
    """A reviewer accepts only an explained finding, never one they explained themselves, with a note or an explicit
    confirmation; a new 说明 on an accepted finding is a new request and what counts is recomputed in the same write;
    a note is bounded."""
    db = tmp_path / "s.duckdb"
    shutil.copy(loaded[0], db)
    catalogue = load_catalogue(CATALOGUE)
    jump = read_store(db).execute("select finding_id from finding where rule_id = 'water_jump'").fetchall()[0][0]

    def county_water() -> tuple:
        return read_store(db).execute("select round(value, 2), units_reporting from assessment where target_id = "
                                      "'t_water' and region_code = '361123' and year = 2025").fetchall()[0]

    def refused(match: str, *args, **kwargs) -> None:
        with pytest.raises(audit.ReviewRefused, match=match), store.writing(db) as con:
            audit.act(con, [jump], *args, **kwargs)

    refused("只有已填写说明的发现才能接受", "accept", "jiangxi", "核实无误")  # nobody explained it yet
    refused("还没有说明或更正，无需退回", "return", "jiangxi", "请补充")
    refused("说明有 2,001 字，超过 2,000 字的上限", "explain", "yushan", "长" * 2001)
    with store.writing(db) as con:
        assert audit.act(con, [jump], "explain", "shangrao", "新建水厂2025年6月通水") == 1  # the city's loader explains
    refused("须由其他审核人接受", "accept", "shangrao", confirmed=True)
    refused("接受前请填写审核意见", "accept", "jiangxi")
    assert county_water() == (67.7, 4)  # nothing of the refused acts was written
    with store.writing(db) as con:
        assert audit.review(con, catalogue, [(jump, "")], "accept", "jiangxi", confirmed=True) == 1
    assert county_water() == (70.36, 5)  # accepted: it counts, recomputed in the same write
    with store.writing(db) as con:
        assert audit.review(con, catalogue, [(jump, "数值需再核")], "explain", "yushan") == 1
    state = read_store(db).execute("select state from finding where finding_id = ?", [jump]).fetchall()[0][0]
    assert state == "explained" and county_water() == (67.7, 4)  # a new request: held again at once


def test_an_answer_file_with_an_overlong_note_records_nothing_and_says_which():
    from tracker.views.audit import answers

    frame = pd.DataFrame({"编号": ["7", "8"], "说明": ["新建水厂通水", "长" * 2001]})
    with pytest.raises(ValueError, match="编号 8 的说明超过 2,000 字"):
        answers(frame, {7, 8}, lambda i: True, "zh")


def test_a_reviewer_accepts_on_the_page_with_a_confirmation_and_not_their_own_note(loaded, open_app, users_file,
                                                                                    tmp_path):
    db = tmp_path / "s.duckdb"
    shutil.copy(loaded[0], db)
    jump = read_store(db).execute("select finding_id from finding where rule_id = 'water_jump'").fetchall()[0][0]
    with store.writing(db) as con:
        audit.act(con, [jump], "explain", "yushan_loader", "新建水厂2025年6月通水")
    params = {"province": "36", "city": "3611", "county": "361123", "year": "2025"}
    at = open_app(db, catalogue=CATALOGUE, users=users_file, params=params, user="admin", page="audit")
    at.selectbox(key="page.audit_shown").select("explained").run()  # the findings awaiting a reviewer
    at.selectbox(key="page.audit_finding").select(jump).run()
    assert "接受" in [b.label for b in at.button]  # an administrator reviews
    at.button(key=f"audit.accept.{jump}").click().run()
    assert any("接受前请填写审核意见" in e.value for e in at.error) and not at.exception
    assert read_store(db).execute("select state from finding where finding_id = ?", [jump]).fetchall() == [
        ("explained",)]
    at.checkbox(key=f"audit.confirm.{jump}").check().run()
    at.button(key=f"audit.accept.{jump}").click().run()
    assert not at.exception
    assert read_store(db).execute("select state from finding where finding_id = ?", [jump]).fetchall() == [
        ("accepted",)]


def test_stopped_reporting_is_noted_only_once_the_returns_are_due(history, tmp_path, open_app, users_file):
    """With a 2025 round whose deadline is ahead, a village that has not sent yet is not 'stopped': no note until its
    county submits without it (铅山县's C2), or the deadline passes (玉山县's A3) — seen by the app before its next
    page, with no load or act to run the rules."""
    from datetime import date, timedelta

    from tracker.core import rounds

    db = tmp_path / "audit.duckdb"
    shutil.copyfile(history, db)
    catalogue = load_catalogue(CATALOGUE)
    city = User("shangrao", "上饶市", "loader", "3611")
    with store.writing(db) as con:
        rounds.open_round(con, city, 2025, "3611", date.today() + timedelta(days=30), ["water"])
    load_files(db, [HERE / "return_2025.csv"], catalogue=catalogue)
    stopped = lambda: {r for r, s in read_store(db).execute(  # noqa: E731
        "select region_code, state from finding where rule_id = 'stopped' and state <> 'closed'").fetchall()}
    assert stopped() == set()
    with store.writing(db) as con:
        rounds.submit(con, User("qianshan", "铅山县", "loader", "361124"), 2025, "361124", "丙二村未报", date.today(),
                      catalogue)
    assert stopped() == {"361124100202"}
    with store.writing(db) as con:  # the deadline moved back: past
        rounds.open_round(con, city, 2025, "3611", date.today() - timedelta(days=1), ["water"])
    assert stopped() == {"361124100202"} and rounds.overdue(read_store(db)) == [(2025, "3611")]
    at = open_app(db, catalogue=CATALOGUE, users=users_file)  # any visit, before sign-in even
    assert not at.exception
    assert stopped() == {"361124100202", "361123100203"} and rounds.overdue(read_store(db)) == []


def test_the_history_of_a_finding_is_in_beijing_time():
    from tracker.views.audit import history_table

    frame = pd.DataFrame({"acted_at": pd.to_datetime(["2026-01-01 02:00"]), "user_name": ["张三"],
                          "action": ["explain"], "state": ["explained"], "note": ["已核实"]})
    table = history_table(frame, "zh")
    assert table["时间（北京时间）"].tolist() == [pd.Timestamp("2026-01-01 10:00")]


def test_the_final_report_says_how_many_values_are_held_or_refused(loaded):
    from tracker.views import final

    db, _ = loaded
    report = final.build(read_store(db), load_catalogue(CATALOGUE), "361123", "p14", "zh")
    assert report.held == (5, 2)  # 玉山县 2025: five values awaiting 核实, two refused by error rules at load
    assert "2025 年有 5 个数值待核实、2 个数值导入时被拒收，均未计入评估。" in report.summary()
