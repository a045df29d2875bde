"""The app shell in streamlit.testing: first run, the region page, the filters and the URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, cards_shown, counts_shown, tables_shown

TIMEOUT = 60


@pytest.fixture
def app(store_path, open_app):
    """Run the app on the reference store with the given URL parameters."""
    return lambda **params: open_app(store_path, params=params)


def demo_badges(at: AppTest) -> int:
    """How many 演示数据 badges the run shows (st.badge renders as markdown)."""
    return sum("演示数据" in m.value for m in at.markdown)


def on_region_page(at: AppTest) -> AppTest:
    """Open the 地区概况 page (the briefing is the default page)."""
    return at.switch_page("app_pages/region_overview.py").run()


def test_opens_on_jiangsu_with_its_counties(app):
    at = on_region_page(app())
    assert not at.exception
    assert at.title[0].value == "江苏省 · 地区概况"
    assert counts_shown(at) == {"地级市": "13", "县级单位": "104", "乡镇（街道）": "1,487",
                           "村委会（行政村）": "13,263", "居委会（社区）": "8,383"}
    table = at.dataframe[0].value  # more counties than a short table holds: a grid, to sort and search
    assert len(table) == 104 and table.columns[0] == "名称"
    assert table["村委会数"].sum() == 13_263
    assert "连云港经济技术开发区" in at.info[0].value  # the zones without an outline are named


def test_province_change_resets_the_cascade_and_updates_the_url(app):
    at = on_region_page(app())
    at.selectbox(key="province").set_value("36").run()
    assert at.title[0].value == "江西省 · 地区概况"
    assert counts_shown(at)["县级单位"] == "100"
    assert counts_shown(at)["村委会（行政村）"] == "16,884"
    assert at.query_params["province"] == "36"
    at.selectbox(key="city").set_value("3611").run()
    assert at.title[0].value == "上饶市 · 地区概况"
    assert counts_shown(at)["村委会（行政村）"] == "2,165"  # Shangrao, code 3611
    at.selectbox(key="county").set_value("361127").run()
    assert counts_shown(at) == {"乡镇（街道）": "28", "村委会（行政村）": "326", "居委会（社区）": "62"}
    [towns] = tables_shown(at)  # a county's 28 townships: a short table, each row named by the township
    assert len(towns) == 28 and not at.dataframe
    assert towns["村委会数"].astype(int).sum() == 326 and towns.columns[:2].tolist() == ["名称", "区划代码"]
    assert at.query_params["county"] == "361127"
    at.selectbox(key="province").set_value("32").run()
    assert at.title[0].value == "江苏省 · 地区概况"
    assert "city" not in at.query_params and "county" not in at.query_params


def test_a_url_reproduces_a_view_in_english(app):
    at = on_region_page(app(province="36", city="3611", county="361127", year="2024", lang="en"))
    assert at.title[0].value == "余干县 · Area overview"
    assert counts_shown(at)["Village committees"] == "326"
    assert at.selectbox(key="year").value == 2024
    assert at.sidebar.subheader[0].value == "Area and year"


def test_a_bad_url_falls_back_to_defaults(app):
    at = on_region_page(app(province="99", year="1999"))
    assert at.title[0].value == "江苏省 · 地区概况"
    assert at.selectbox(key="year").value == 2025


def test_language_switch(app):
    at = on_region_page(app())
    at.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "江苏省 · Area overview"
    assert at.sidebar.title[0].value == "Rural Revitalisation Target Tracker"
    assert at.query_params["lang"] == "en"


@pytest.mark.slow
def test_first_start_builds_the_demo_and_says_so(tmp_path, open_app):
    db = tmp_path / "fresh.duckdb"
    at = open_app(db, timeout=300)
    assert not at.exception
    assert db.exists()
    assert at.status[0].label == "数据库已建立"
    assert at.title[0].value == "江苏省 · 2025年 领导简报"  # the briefing opens, with cards from the demo
    cards = list(cards_shown(at).values())
    assert len(cards) >= 3 and all(c["value"].endswith("%") for c in cards[:3])
    assert demo_badges(at) == 1


def test_no_demo_badge_on_a_store_without_demo_data(app):
    assert demo_badges(app()) == 0


def test_catalogue_page_lists_every_target_and_finds_one(app):
    at = app()
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.exception
    assert at.title[0].value == "指标目录"
    assert counts_shown(at) == {"目标": "55", "政策文件": "5", "统计指标": "44", "对象名单": "9"}
    # how targets are assessed, then a panel per document saying how many targets it sets: the first open (its
    # table built), the others built when opened; a target's record once its row is picked
    assert "点选表中的一行" in at.caption[1].value and "**" not in "".join(m.value for m in at.main.markdown[1:])
    method = at.expander[0].markdown[0].value
    assert "单位增幅严格高于基准才算达标" in method and "R ≥ 0.95" in method
    sections = at.expander[1:]
    assert len(sections) == 6 and sum(section_count(e.label) for e in sections) == 55  # five documents, an example
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == section_count(sections[0].label)
    at.session_state["catalogue.section.document...1"] = True  # the second document's panel opened
    at.run()
    assert len(at.dataframe) == 2 and len(at.dataframe[1].value) == section_count(at.expander[2].label)
    at.text_input(key="catalogue_search").input("sr_gigabit").run()
    assert [e.label for e in at.expander[1:]] == ["上饶市“十四五”乡村振兴重点帮扶村工作实施方案（征求意见稿）（无文号，2021-09-23）"
                                                  "（1 个目标）"]
    assert at.dataframe[0].value["规则"].tolist() == ["已实现“双千兆网络覆盖”的单位占比 ≥ 80%"]
    [detail] = [m.value for m in at.main.markdown if "orange-background" in m.value]  # one left: shown at once
    assert detail.startswith("**")  and "`sr_gigabit_80`" in detail.split("\n")[0]
    assert "**:orange-background[实现“双千兆”网络覆盖80%以上行政村]**" in detail
    assert "上饶市 · 单位：行政村（村委会）" in detail


def test_catalogue_page_by_theme_and_plan(app):
    at = app()
    at.switch_page("app_pages/catalogue.py").run()
    at.segmented_control(key="catalogue_group_by").set_value("theme").run()
    assert [e.label.split("（")[0] for e in at.expander[1:4]] == ["收入与集体经济", "产业发展", "生态宜居"]
    at.selectbox(key="catalogue_plan").set_value("poverty_2018_2020").run()
    assert sum(section_count(e.label) for e in at.expander[1:]) == 17


def section_count(label: str) -> int:
    """How many targets a catalogue panel says it holds: '…（12 个目标）' → 12."""
    return int(label.rsplit("（", 1)[1].split(" ")[0])


def test_a_broken_catalogue_stops_the_app_and_names_every_problem(store_path, open_app):
    at = open_app(store_path, catalogue=ROOT / "tests" / "broken_catalogues" / "several_problems.yaml")
    assert at.error[0].value == "指标目录（indicators.yaml）有 3 处问题，系统未启动："
    problems = at.code[0].value
    assert "unknown measure 'tap_water'" in problems and "unknown group 'nobody'" in problems
    assert len(at.title) == 0  # no page ran


def test_data_management_checks_then_publishes_an_upload(tmp_path, store_path, users_file, open_app):
    import shutil

    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, db)
    # once data is loaded, only a signed-in user sees it
    at = open_app(db, users=users_file, user="admin", page="data_management")
    assert at.title[0].value == "数据管理"
    limits = next(c.value for c in at.caption if "MB" in c.value)
    assert ".xls）" in limits and "“Upload”即“上传”" in limits and "“50MB per file • CSV, TXT, XLSX, XLS”" in limits  # what is accepted; the English control explained
    assert not at.info  # the batches' tab is built once shown
    at.session_state["data.tab"] = "导入批次"
    at.run()
    assert at.info[0].value == "还没有导入过报表。"
    at.session_state["data.tab"] = "上传与发布"
    at.run()
    content = (ROOT / "tests" / "returns" / "bad_values.csv").read_bytes()
    before = db.read_bytes()
    at.get("file_uploader")[0].upload("bad_values.csv", content, "text/csv").run()
    at.button(key="check_button").click().run()
    assert r"bad\_values\.csv** · 检查完成，尚未发布" in at.warning[0].value
    assert {m.label: m.value for m in at.metric}["拒收数值"] == "6"
    assert "本次将新增 6 个数值，替换 0 个现有数值，0 个与现有数值相同。" in [m.value for m in at.markdown]
    assert at.dataframe[0].value["原因"].iloc[0] == "“maybe”不是“是/否”"  # the upload tab's rejects
    assert db.read_bytes() == before  # checking wrote nothing
    assert "大部分行被拒收（3 行中 2 行）" in at.warning[1].value  # held back unless the loader confirms
    at.button(key="publish_button").click().run()
    assert "未发布（大部分行被拒收）" in at.warning[0].value and db.read_bytes() == before
    at.checkbox(key="accept_rejections").check().run()
    at.button(key="publish_button").click().run()
    assert r"bad\_values\.csv** · 已导入，批次 1" in at.warning[0].value
    [rejects] = (d.value for d in at.dataframe)  # the other tabs are built once shown
    assert len(rejects) == 6
    at.session_state["data.tab"] = "导入批次"
    at.run()
    history, batch_rejects = (d.value for d in at.dataframe)
    assert history[["批次", "文件", "导入数值", "拒收数值"]].values.tolist() == [[1, "bad_values.csv", 6, 6]]
    assert batch_rejects["原值"].tolist() == ["maybe", "1.5", "-3", "120", "12%", "九十"]
    at.text_input(key="source_code").input("361127100204").run()
    sources = at.dataframe[2].value
    assert sources[["指标", "年份", "数值", "文件", "行", "当前值"]].values.tolist() == [
        ["characteristic_industries", 2024, 2.0, "bad_values.csv", 3, True],
        ["gigabit_fiber", 2024, 1.0, "bad_values.csv", 3, True]]


def test_a_refused_upload_is_said_in_the_readers_language(tmp_path, store_path, users_file, open_app):
    import shutil

    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, db)
    content = "区划代码,年份,自来水普及率（%）\n361127100203,2024,92\n361127100204,2024,90,5,6\n".encode()
    for lang, words in (("zh", r"bad\.csv** · 整份拒收：bad\.csv：第 3 行无法按 CSV 读取：这一行的逗号比表头多"),
                        ("en", r"bad\.csv** · refused: bad\.csv\: line 3 cannot be read as CSV\: it has more commas")):
        at = open_app(db, users=users_file, user="admin", page="data_management", params={"lang": lang})
        at.get("file_uploader")[0].upload("bad.csv", content, "text/csv").run()
        at.button(key="check_button").click().run()
        assert not at.exception
        assert words in at.error[0].value, at.error[0].value


def test_an_edited_catalogue_is_assessed_again_before_any_page_reads(tmp_path, store_path, open_app):
    import shutil

    import duckdb

    from tracker.core.catalogue import load_catalogue

    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, db)
    edited = tmp_path / "indicators.yaml"
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    edited.write_text(text + "\n# a comment changes nothing assessed\n", encoding="utf-8")
    assert load_catalogue(edited).sha256 == load_catalogue(ROOT / "indicators.yaml").sha256
    edited.write_text(text.replace("deadline: 2030", "deadline: 2029", 1), encoding="utf-8")
    at = open_app(db, catalogue=edited)
    assert not at.exception
    assert at.title[0].value == "江苏省 · 2025年 领导简报"
    con = duckdb.connect(str(db), read_only=True)
    meta = dict(con.execute("select key, value from store_meta").fetchall())
    assert meta["assessed_catalogue_sha256"] == load_catalogue(edited).sha256 != load_catalogue(ROOT / "indicators.yaml").sha256


def test_a_batch_of_many_rejected_rows_is_paged_and_its_excel_has_them_all(tmp_path, store_path, users_file,
                                                                             open_app):
    """导入批次 read every rejected row of a batch on each visit (1.1 M rows: 5.5 GB); now a page at a time, and the
    Excel is written from the store a chunk at a time."""
    import io
    import shutil

    import openpyxl
    import pandas as pd

    from etl.load import load_files
    from tests.conftest import read_store
    from tracker.core.catalogue import load_catalogue
    from tracker.core.xlsx import xlsx_streamed
    from tracker.present.reasons import rejects_table
    from tracker.queries import provenance

    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, db)
    sent = tmp_path / "bad.csv"  # 1,201 rows, each a code the store does not know
    sent.write_text("区划代码,年份,自来水普及率\n" + "".join(f"3611279{i:05d},2024,90\n" for i in range(1201)),
                    encoding="utf-8")
    [report] = load_files(db, [sent], accept_rejections=True)
    assert report.rows_rejected == 1201
    at = open_app(db, users=users_file, user="admin", page="data_management")
    assert not at.dataframe  # the batches' tab is built once shown
    at.session_state["data.tab"] = "导入批次"
    at.run()
    shown = at.dataframe[1].value  # the batches' list is the first; the first page of the rejected rows next
    assert len(shown) == 500 and shown["行"].tolist()[:2] == [2, 3]
    assert any("1,201" in c.value or "1201" in c.value for c in at.caption), [c.value for c in at.caption]
    at.number_input(key="rejects_page_1").set_value(3).run()
    assert at.dataframe[1].value["行"].tolist() == list(range(1002, 1203))  # the last 201 rows
    # the download: the store's rows a chunk at a time into a workbook written in constant memory (what
    # data.batch_rejects_xlsx does), here with sheets of 500 rows so the table goes on over three sheets
    con, cat = read_store(db), load_catalogue()
    columns = list(rejects_table(pd.DataFrame(), "zh", cat).columns)
    chunks = (rejects_table(c, "zh", cat) for c in provenance.batch_reject_chunks(con, 1, vectors=1))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_streamed("未导入的行", columns, chunks, rows=500)), read_only=True)
    assert book.sheetnames == ["未导入的行", "未导入的行 (2)", "未导入的行 (3)"]
    rows = [r for sheet in book.worksheets for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r[1] for r in rows] == list(range(2, 1203))  # every rejected row, in file order
    assert rows[0][-1] == rejects_table(provenance.batch_rejects(con, 1, 1), "zh", cat).iloc[0, -1]
