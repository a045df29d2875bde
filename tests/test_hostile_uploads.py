"""Uploads read as hostile until read within limits: a far-away cell, a sheet too large, a malformed CSV are
refused with a message naming the file and where, before anything large is allocated; the other files of
the same load are published."""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl import returns
from etl.load import check_files, load_files
from tests.conftest import ROOT

GOOD = ROOT / "tests" / "returns" / "good_long_utf8_bom.csv"


@pytest.fixture
def db(store_path, tmp_path) -> Path:
    path = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, path)
    return path


FAR = 'r="XFD1048576"'


def far_cell_workbook(path: Path, stated: str | None, address: str = FAR, row: bytes | None = None) -> Path:
    """A 2 KB workbook: a header, one data row, and one cell at XFD1048576; `stated` rewrites the sheet's
    dimension (None: leave openpyxl's true one), `address` how the far cell's address is written (XML allows '
    quotes and space around "="; the reader takes lowercase letters), `row` replaces the far cell's row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区划代码", "年份", "自来水普及率（%）"])
    ws.append(["361127100203", 2024, 92])
    ws["XFD1048576"] = "x"
    wb.save(path)
    if stated is not None:
        forged = path.with_suffix(".forged.xlsx")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{stated}"'.encode(), data)
                    data = data.replace(FAR.encode(), address.encode())
                    if row is not None:
                        data = re.sub(rb'<row r="1048576".*?</row>', row, data, flags=re.S)
                out.writestr(item, data)
        return forged
    return path


# the true dimension, one that hides the far cell, and that with the far cell's address written as the reader
# also takes it (each of the last two made the reader ask for half a terabyte and abort the whole process)
@pytest.mark.parametrize(("stated", "address"), [
    (None, FAR), ("A1:C2", FAR), ("A1:C2", "r='XFD1048576'"), ("A1:C2", 'r = "xfd1048576"'),
    ("A1:C2", 'r="&#88;FD1048576"'), ("A1:C2", 'r="&#x58;&#x46;D1048576"')])  # character references, as XML reads them
def test_a_cell_at_the_far_corner_is_refused_before_reading(db, tmp_path, stated, address):
    path = far_cell_workbook(tmp_path / "far.xlsx", stated, address)
    assert path.stat().st_size < 10_000
    report = check_files(db, [path])[0]
    assert report.status == "refused"
    assert "有 1,048,576 行、16,384 列，超过单个工作表 300 列" in report.message and path.name in report.message


TOO_BIG = "读取这个 Excel 文件所需的内存或时间超过上限"


def test_a_workbook_the_extent_check_misses_is_refused_and_the_server_lives_on(db, tmp_path, monkeypatch):
    # a far cell written in some way the check does not know yet: the reader, in its own process, asks for half a
    # terabyte and aborts there; the load goes on
    monkeypatch.setattr(returns, "check_xlsx_extent", lambda *args: None)
    far = far_cell_workbook(tmp_path / "far.xlsx", "A1:C2")
    reports = load_files(db, [far, GOOD])
    assert [r.status for r in reports] == ["refused", "loaded"]
    assert reports[0].message.startswith(far.name + "：" + TOO_BIG)


def test_cells_without_addresses_by_the_million_are_refused_within_the_readers_memory(db, tmp_path, monkeypatch):
    # a row of 1,000,000 cells without addresses (15 MB of XML in a 50 KB file): the reader places them one after
    # the other, past any address the check could see; with 64 MB of room it fails in its own process
    monkeypatch.setattr(returns, "EXCEL_MEMORY", 64 << 20)
    path = far_cell_workbook(tmp_path / "wide.xlsx", "A1:C2", row=b"<row>" + b"<c><v>1</v></c>" * 1_000_000 + b"</row>")
    assert path.stat().st_size < 100_000
    [report] = check_files(db, [path])
    assert report.status == "refused" and report.message.startswith(path.name + "：" + TOO_BIG)


def test_a_reader_past_its_time_is_ended_and_an_error_in_it_is_raised_here(tmp_path, monkeypatch):
    def slow(path, *args):
        time.sleep(30)

    def broken(path, *args):
        raise ValueError(f"{path.name}: something unforeseen")

    path = far_cell_workbook(tmp_path / "slow.xlsx", "A1:C3", address='r="C3"')  # no far cell
    monkeypatch.setattr(returns, "EXCEL_SECONDS", 1)
    monkeypatch.setattr(returns, "_read_workbook", slow)
    started = time.perf_counter()
    with pytest.raises(returns.Refused, match=path.name + "：" + TOO_BIG):
        returns.read_return(path, {}, tmp_path)
    assert time.perf_counter() - started < 20  # ended, not waited for
    monkeypatch.setattr(returns, "_read_workbook", broken)
    with pytest.raises(ValueError, match=path.name + ": something unforeseen"):
        returns.read_return(path, {}, tmp_path)


def test_a_sheet_over_the_cell_limit_is_refused_and_the_others_publish(db, tmp_path, monkeypatch):
    monkeypatch.setattr(returns, "MAX_CELLS", 1000)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区划代码", "年份"] + [f"列{i}" for i in range(18)])
    for _ in range(100):
        ws.append(["abc"] * 20)
    big = tmp_path / "big.xlsx"
    wb.save(big)
    reports = load_files(db, [big, GOOD])
    assert [r.status for r in reports] == ["refused", "loaded"]
    assert "有 101 行、20 列" in reports[0].message


@pytest.mark.parametrize(("body", "line", "words"), [
    ("361127100203,2024,92\n361127100204,2024,90,5,6\n", 5, "逗号比表头多"),
    ('361127100203,2024,92\n361127100205,2024,"91\n361127100204,2024,90\n', 5, "引号未闭合"),
])
def test_a_malformed_csv_is_refused_naming_its_line_and_the_others_publish(db, tmp_path, body, line, words):
    path = tmp_path / "bad.csv"
    path.write_text("余干县报表\n填报单位：余干县\n区划代码,年份,自来水普及率（%）\n" + body, encoding="utf-8")
    reports = load_files(db, [path, GOOD])
    assert [r.status for r in reports] == ["refused", "loaded"]
    assert f"bad.csv：第 {line} 行无法按 CSV 读取" in reports[0].message and words in reports[0].message
    assert "/tmp" not in reports[0].message and "Traceback" not in reports[0].message


def test_a_table_longer_than_a_sheet_goes_on_several_sheets():
    import pandas as pd

    from tracker.core.xlsx import sheet_parts

    frame = pd.DataFrame({"x": range(25)})
    parts = sheet_parts("未导入的行", frame, rows=10)
    assert [name for name, _ in parts] == ["未导入的行 (1)", "未导入的行 (2)", "未导入的行 (3)"]
    assert [len(p) for _, p in parts] == [10, 10, 5] and sheet_parts("x", frame)[0][1] is frame


def test_rejected_rows_are_seen_inside_their_region_and_codeless_ones_by_their_loader(db, tmp_path):
    from tracker.core import store
    from tracker.queries.provenance import batch_rejects

    path = tmp_path / "mixed.csv"
    path.write_text("区划代码,年份,自来水普及率（%）\n361127100203,2024,92\n361127100204,2024,120\n"
                    "320703004200,2024,130\n,2024,95\n361199999999,2024,95\n", encoding="utf-8")
    [report] = load_files(db, [path], loaded_by="admin_clerk", accept_rejections=True)
    assert report.status == "loaded"
    reader = store.StoreReader(db)
    everything = set(batch_rejects(reader.cursor(""), 1)["row_number"])
    assert everything == {3, 4, 5, 6}
    shangrao = batch_rejects(reader.cursor("3611", "someone"), 1)
    assert set(shangrao["row_number"]) == {3}  # 上饶's own row; not 江苏's, not the rows naming no region
    loader = batch_rejects(reader.cursor("3611", "admin_clerk"), 1)
    assert set(loader["row_number"]) == {3, 5, 6}  # and the rows naming no region, to the one who loaded them
    jiangsu = batch_rejects(reader.cursor("32", "someone"), 1)
    assert set(jiangsu["row_number"]) == {4}


def test_two_uploads_of_one_name_stay_two_files(store_path, tmp_path, users_file, open_app):
    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, db)
    at = open_app(db, users=users_file, user="admin", page="data_management")
    uploader = at.get("file_uploader")[0]
    uploader.upload("returns.csv", "区划代码,年份,自来水普及率（%）\n361127100203,2024,92\n".encode(), "text/csv")
    uploader.upload("returns.csv", "区划代码,年份,自来水普及率（%）\n361127100203,2024,93\n361127100204,2024,94\n"
                    .encode(), "text/csv")
    at.run()
    at.button(key="check_button").click().run()
    loaded = [m.value for m in at.metric if m.label == "导入数值"]
    assert loaded == ["1", "2"], loaded  # each report is of its own file


def test_tables_cannot_be_exported_as_csv_where_a_cell_would_become_a_formula():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_an_address_the_reader_cannot_place_is_a_refusal_not_a_traceback(db, tmp_path, monkeypatch):
    """With the extent check out of the way, a far cell written as a character reference made calamine raise
    CalamineError: the command line printed a traceback and the good file loaded with it was not published."""
    monkeypatch.setattr(returns, "check_xlsx_extent", lambda *args: None)
    far = far_cell_workbook(tmp_path / "far.xlsx", "A1:C2", 'r="&#88;FD1048576"')
    reports = load_files(db, [far, GOOD])
    assert [r.status for r in reports] == ["refused", "loaded"]
    assert reports[0].message.startswith(far.name + "：") and "Traceback" not in reports[0].message


def test_an_answered_findings_workbook_goes_through_the_bounded_reader(tmp_path):
    """数据审核's answer upload read the workbook in the server's process with pandas (a 1.6 KB file took a process to
    3.5 GB); it is now read as every return is."""
    from ui.load_report import answer_frame

    far = far_cell_workbook(tmp_path / "answer.xlsx", "A1:C2")
    with pytest.raises(returns.Refused, match="1,048,576 行、16,384 列"):
        answer_frame(far.read_bytes(), "answer.xlsx", 20_002)
    wb = openpyxl.Workbook()
    wb.active.append(["编号", "说明"])
    wb.active.append([7, "新建水厂通水"])
    wb.active.append([8, None])
    good = tmp_path / "good.xlsx"
    wb.save(good)
    frame = answer_frame(good.read_bytes(), "good.xlsx", 20_002)
    assert frame["编号"].tolist() == ["7", "8"] and frame["说明"].tolist()[0] == "新建水厂通水"
    assert frame["说明"].isna().tolist() == [False, True]


def test_no_traceback_reaches_a_page():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # the details go to the server's log only


def test_a_file_of_many_rejections_keeps_a_small_report_and_loses_no_row(db, tmp_path):
    """30,000 rows of codes no region has: the check's and the load's reports hold the first REPORT_REJECTS rows and
    count all of them by reason; the check writes every one to its file (read back in chunks for the Excel), the
    load to the store (导入批次 pages and streams them). A million of them checked took 1.2 GB at peak, not 2.8."""
    from etl.load import REPORT_REJECTS, rejects_chunks
    from tests.conftest import read_store

    path = tmp_path / "wrong-county.csv"
    path.write_text("区划代码,年份,自来水普及率（%）\n" + "".join(f"9{i:011d},2024,95\n" for i in range(30_000))
                    + "361127100203,2024,92\n", encoding="utf-8")
    [checked] = check_files(db, [path], rejects_dir=tmp_path / "rejects")
    assert (checked.values_rejected, len(checked.rejects), checked.by_reason()) == \
        (30_000, REPORT_REJECTS, {"unknown_code": 30_000})
    assert checked.rejects["row_number"].tolist()[:3] == [2, 3, 4]  # in file order
    chunks = list(rejects_chunks(checked, rows=10_000))
    assert len(chunks) > 1 and sum(map(len, chunks)) == 30_000
    assert chunks[-1]["row_number"].iloc[-1] == 30_001
    [loaded] = load_files(db, [path], accept_rejections=True)
    assert (loaded.status, loaded.values_loaded, loaded.values_rejected, len(loaded.rejects)) == \
        ("loaded", 1, 30_000, REPORT_REJECTS)
    assert read_store(db).execute("select count(*) from rejected_row where batch_id = ?",
                                  [loaded.batch_id]).fetchall() == [(30_000,)]
