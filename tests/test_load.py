"""Loading returns: realistic broken files, provenance, revisions, idempotence, atomic publish."""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from etl.load import check_files, load_files
from etl.template import write_template
from tests.conftest import ROOT

RETURNS = Path(__file__).parent / "returns"
V1, V2, V3 = "361127100203", "361127100204", "361127100205"


@pytest.fixture
def db(store_path, tmp_path) -> Path:
    """A private copy of the session's empty store."""
    path = tmp_path / "tracker.duckdb"
    shutil.copyfile(store_path, path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# file -> (status, values loaded, values rejected, {reason: count}, (row, column, words in the first reason))
EXPECTED = {
    "good_long_utf8_bom.csv": ("checked", 6, 0, {}, None),
    "good_wide_gbk_title_notes.csv": ("checked", 9, 0, {}, None),
    "codes_in_many_forms.xlsx": ("checked", 5, 0, {}, None),
    "tab_separated.txt": ("checked", 2, 0, {}, None),
    "blank_cells.csv": ("checked", 2, 0, {}, None),
    "lossy_scientific_codes.csv": ("checked", 1, 2, {"code_unreadable": 2},
                                   (2, "区划代码", "科学计数法，已丢失末位数字")),
    "unknown_codes.csv": ("checked", 1, 3, {"unknown_code": 1, "wrong_level": 1, "code_unreadable": 1},
                          (2, "区划代码", "361127999201 不在2023年统计用区划代码中")),
    "wrong_county.csv": ("checked", 1, 1, {"wrong_county": 1}, (3, "区划代码", "不属于本行所填的县（市、区）361127")),
    "unknown_measure_long.csv": ("checked", 1, 2, {"unknown_measure": 2}, (2, "measure", "“tap_water”不是指标目录中的指标")),
    "year_outside.csv": ("checked", 1, 3, {"year_outside": 2, "year_unreadable": 1}, (2, "年份", "年份 2016 不在可报送的年份")),
    "bad_values.csv": ("checked", 6, 6, {"out_of_range": 2, "not_a_number": 2, "not_yes_no": 1, "not_whole": 1},
                       (2, "双千兆网络覆盖", "“maybe”不是“是/否”")),
    "wrong_level.csv": ("checked", 2, 1, {"wrong_level": 1}, (2, "农村居民人均可支配收入", "按县（市、区）、市、省填报")),
    "duplicates.csv": ("checked", 2, 2, {"conflicting_duplicate": 2}, (4, "自来水普及率", "（第4行、第5行）")),
    "blank_lines_inside.csv": ("checked", 2, 1, {"out_of_range": 1}, (4, "自来水普及率", "数值 101 超出")),
    "groups.csv": ("checked", 2, 5, {"unknown_group": 1, "group_fixed": 1, "wrong_member_level": 1,
                                     "outside_group_region": 1, "unknown_code": 0} , (5, "分组", "“重点村”不是指标目录中的对象名单")),
    # 序号, 乡镇 and 备注 are read past; a name that is not the code's village is rejected; the note is skipped
    "form_with_serial_numbers.csv": ("checked", 4, 1, {"name_mismatch": 1},
                                     (5, "村名", "代码与村名不符：区划代码 361127100205 是“眠山村民委员会”，本行填写的是“瓜畲村”")),
    "no_header.csv": ("refused", 0, 0, {}, "找不到表头"),
    "header_only.csv": ("refused", 0, 0, {}, "表头之下没有可读的数据行"),
    "not_a_workbook.xlsx": ("refused", 0, 0, {}, "无法读取这个 Excel 文件"),
    "report.pdf": ("refused", 0, 0, {}, "不支持的文件类型“.pdf”"),
}
EXPECTED["groups.csv"] = ("checked", 2, 4, {"unknown_group": 1, "group_fixed": 1, "wrong_member_level": 1,
                                            "outside_group_region": 1}, (5, "分组", "“重点村”不是指标目录中的对象名单"))


def test_every_file_in_the_folder_has_an_expected_outcome():
    assert {p.name for p in RETURNS.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_return_gets_the_expected_outcome_and_checking_writes_nothing(db, name):
    status, loaded, rejected, reasons, first = EXPECTED[name]
    before = sha(db)
    [report] = check_files(db, [RETURNS / name])
    assert sha(db) == before
    assert report.status == status, report.message
    if status == "refused":
        assert first in report.message and name in report.message
        return
    assert (report.values_loaded, report.values_rejected) == (loaded, rejected)
    assert report.by_reason() == reasons
    if first:
        r = report.rejects.iloc[0]
        assert (r.row_number, r.column) == first[:2]
        assert first[2] in r.reason


@pytest.mark.parametrize("max_key_bits", [None, 0])
def test_repeated_codes_found_alike_by_bits_and_by_grouping(db, monkeypatch, max_key_bits):
    """A repeat found by the bits of the cells' keys, or (a file whose keys could be too many for bits) by grouping
    them: the same 90 collapsed into row 2, 80 and 85 both rejected with both rows named, 70 kept."""
    if max_key_bits is not None:
        monkeypatch.setattr("etl.load.MAX_KEY_BITS", max_key_bits)
    [report] = load_files(db, [RETURNS / "duplicates.csv"])
    assert (report.values_loaded, report.values_rejected, report.duplicates_collapsed) == (2, 2, 1)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 2)
    assert report.rejects[["row_number", "reason_code"]].values.tolist() == [[4, "conflicting_duplicate"],
                                                                             [5, "conflicting_duplicate"]]
    assert all("（第4行、第5行）" in r for r in report.rejects["reason"])
    assert rows(db, "select region_code, row_number, value from current_observation order by row_number") == [
        ("361127100203", 2, 90.0), ("361127100205", 6, 70.0)]


def test_a_code_repeated_thousands_of_times_is_rejected_naming_the_first_places_and_how_many(db, tmp_path):
    """A code filled down a long sheet: 4,000 rows of one village, measure and year with differing values. Every row
    is rejected (none is guessed), the sentence names the first ten rows and how many there are in all, in Chinese
    and in English, and the load keeps within its memory (every place listed in every cell once ran it out)."""
    from tracker.core.catalogue import load_catalogue
    from tracker.present.reasons import rejects_table

    path = tmp_path / "filled-down.csv"
    path.write_text("区划代码,年份,自来水普及率\n" + "".join(f"{V1},2024,{50 + i % 40}\n" for i in range(4000))
                    + f"{V2},2024,91\n", encoding="utf-8")
    [report] = load_files(db, [path], accept_rejections=True)  # mostly rejected: published once the loader has looked
    assert report.status == "loaded" and (report.values_loaded, report.values_rejected) == (1, 4000)
    assert report.reasons == {"conflicting_duplicate": 4000}
    first = report.rejects["reason"].iloc[0]
    assert "（第2行、第3行、第4行、第5行、第6行、第7行、第8行、第9行、第10行、第11行……共4000处）" in first
    english = rejects_table(report.rejects.head(1), "en", load_catalogue())["Reason"].iloc[0]
    assert "(row 2, row 3, row 4, row 5, row 6, row 7, row 8, row 9, row 10, row 11 … 4000 in all)" in english
    assert rows(db, "select region_code, value from current_observation") == [(V2, 91.0)]


def test_values_are_cleaned_by_the_stated_rules(db):
    [report] = load_files(db, [RETURNS / "good_long_utf8_bom.csv"])
    assert report.status == "loaded" and report.batch_id == 1
    got = dict(((m, c), v) for m, c, v in rows(db, "select measure_id, region_code, value from current_observation"))
    assert got == {("tap_water_rate", V1): 95.0, ("gigabit_fiber", V1): 1.0, ("collective_operating_income", V1): 12.5,
                   ("tap_water_rate", V2): 88.0, ("gigabit_fiber", V2): 0.0, ("rural_income_per_capita", "361127"): 21350.0}


def test_codes_in_every_form_land_on_the_right_unit(db):
    load_files(db, [RETURNS / "codes_in_many_forms.xlsx"])
    got = rows(db, "select region_code, sheet, row_number, value from observation order by row_number")
    assert got == [(V1, "数据", 2, 90.0), (V2, "数据", 3, 91.0), (V3, "数据", 4, 92.0),
                   ("361127100207", "数据", 5, 93.0), ("361127", "数据", 6, 21350.0)]


def test_blank_cells_are_missing_not_zero(db):
    [report] = load_files(db, [RETURNS / "blank_cells.csv"])
    assert report.blank_cells == 7
    assert rows(db, "select region_code, measure_id, value from observation order by 1, 2") == [
        (V1, "gigabit_fiber", 1.0), (V2, "sanitary_toilet_rate", 80.0)]


def test_rejected_rows_are_kept_with_their_reason(db):
    [report] = load_files(db, [RETURNS / "bad_values.csv"], accept_rejections=True)  # most rows rejected: confirmed
    kept = rows(db, 'select row_number, "column", raw_value, reason_code from rejected_row where batch_id = ? '
                    'order by row_number, "column"', [report.batch_id])
    assert kept == [(2, "双千兆网络覆盖", "maybe", "not_yes_no"), (2, "村特色产业数（个）", "1.5", "not_whole"),
                    (2, "村集体经营性收入（万元）", "-3", "out_of_range"), (2, "自来水普及率（%）", "120", "out_of_range"),
                    (3, "村集体经营性收入（万元）", "12%", "not_a_number"), (3, "自来水普及率（%）", "九十", "not_a_number")]
    batch = rows(db, "select source_name, rows_read, rows_loaded, rows_rejected, values_loaded, values_rejected, status "
                     "from batch")
    assert batch == [("bad_values.csv", 3, 2, 2, 6, 6, "loaded")]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_later_file_supersedes_and_history_stays(db, tmp_path):
    first = _write(tmp_path / "余干县2024年报.csv", f"区划代码,年份,自来水普及率\n{V1},2024,90\n{V2},2024,80\n")
    second = _write(tmp_path / "余干县2024年报（更正）.csv", f"区划代码,年份,自来水普及率\n{V2},2024,82\n")
    load_files(db, [first])
    load_files(db, [second])
    current = rows(db, "select region_code, value, batch_id, row_number from current_observation order by 1")
    assert current == [(V1, 90.0, 1, 2), (V2, 82.0, 2, 2)]
    history = rows(db, "select o.value, b.source_name, o.row_number from observation o join batch b using (batch_id) "
                       "where region_code = ? order by batch_id", [V2])
    assert history == [(80.0, "余干县2024年报.csv", 3), (82.0, "余干县2024年报（更正）.csv", 2)]


def test_loading_the_same_file_again_changes_nothing(db):
    load_files(db, [RETURNS / "good_wide_gbk_title_notes.csv"])
    before = sha(db)
    [again] = load_files(db, [RETURNS / "good_wide_gbk_title_notes.csv"])
    assert again.status == "unchanged" and "already loaded as batch 1" in again.message
    assert sha(db) == before


def test_a_refused_file_leaves_the_store_exactly_as_it_was(db):
    before = sha(db)
    reports = load_files(db, [RETURNS / "no_header.csv", RETURNS / "not_a_workbook.xlsx"])
    assert [r.status for r in reports] == ["refused", "refused"]
    assert sha(db) == before


def test_files_of_one_call_publish_together_and_a_refused_one_is_skipped(db):
    reports = load_files(db, [RETURNS / "no_header.csv", RETURNS / "duplicates.csv", RETURNS / "tab_separated.txt"])
    assert [r.status for r in reports] == ["refused", "loaded", "loaded"]
    assert rows(db, "select batch_id, source_name from batch order by 1") == [(1, "duplicates.csv"), (2, "tab_separated.txt")]


def test_rows_outside_the_reporting_area_are_rejected(db):
    [report] = load_files(db, [RETURNS / "wrong_county.csv"], scope="361128")
    assert report.by_reason() == {"outside_scope": 1, "wrong_county": 1}
    assert "不属于本次报送的地区 361128" in report.rejects.iloc[0].reason


def test_group_lists_replace_the_groups_members_and_respect_parents(db, tmp_path):
    [report] = load_files(db, [RETURNS / "groups.csv"], accept_rejections=True)
    assert rows(db, "select region_code, batch_id from group_member where group_id = 'sr_key_village' order by 1") == [
        (V1, 1), (V2, 1)]
    second = _write(tmp_path / "名单.csv", f"区划代码,分组\n{V3},sr_key_village\n{V3},sr_key_village_provincial\n"
                                          f"{V1},sr_key_village_provincial\n")
    [report] = load_files(db, [second])
    assert rows(db, "select group_id, region_code from group_member where batch_id is not null order by 1, 2") == [
        ("sr_key_village", V3), ("sr_key_village_provincial", V3)]
    assert report.by_reason() == {"not_in_parent": 1}
    assert "不在上级名单" in report.rejects.iloc[0].reason


def test_the_template_filled_in_by_hand_loads_with_no_rejected_row(db, tmp_path):
    form = tmp_path / "余干县报表.xlsx"
    counts = write_template(form, region="361127", year=2024)
    assert counts == {"村级数据": 326, "乡镇数据": 28, "县市级数据": 1, "分组名单": 0}
    book = openpyxl.load_workbook(form)
    sheet = book["村级数据"]
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["区划代码", "名称", "年份", "村农民人均可支配收入（元）"]
    filled = 0
    for r in range(4, 4 + 326):
        for j, h in enumerate(headers[3:], start=4):
            sheet.cell(r, j).value = "是" if "是/否" in h else (1 if h.endswith(("（个）", "（户）")) else 2.5)  # counts are whole
            filled += 1
    book["县市级数据"]["D4"] = 21350
    book.save(form)
    [report] = load_files(db, [form])
    assert report.values_rejected == 0 and report.rejects.empty
    assert report.values_loaded == filled + 1
    assert rows(db, "select count(distinct region_code) from observation where year = 2024")[0][0] == 327


def test_the_form_of_the_year_being_reported_loads_for_that_year(db, tmp_path):
    """The 15th plan's first year: `etl template --year 2026` fills its year column with 2026, and a return made
    from it loads as 2026's."""
    form = tmp_path / "余干县-2026-填报模板.xlsx"
    code = subprocess.run([sys.executable, "-m", "etl", "template", "--region", "361127", "--year", "2026",
                           "--out", str(form)], cwd=ROOT, capture_output=True, text=True)
    assert code.returncode == 0, code.stderr
    book = openpyxl.load_workbook(form)
    villages = book["村级数据"]
    assert {villages.cell(r, 3).value for r in range(4, 4 + 326)} == {2026}
    headers = [c.value for c in villages[3]]
    column = headers.index("自来水普及率（%）") + 1
    for r in range(4, 4 + 20):
        villages.cell(r, column).value = 95.5
    book.save(form)
    [report] = load_files(db, [form])
    assert report.status == "loaded" and report.values_loaded == 20 and report.values_rejected == 0
    assert rows(db, "select count(*), min(year), max(year) from observation where year = 2026")[0] == (20, 2026, 2026)


def test_a_killed_load_leaves_the_store_unchanged(db, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write("区划代码,年份,自来水普及率\n")
        line = f"{V1},2024,90\n"
        f.write(line * 1_500_000)
    before = sha(db)
    proc = subprocess.Popen([sys.executable, "-m", "etl", "load", "--db", str(db), str(big)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not list(db.parent.glob(".building-*")):
        assert proc.poll() is None, "the load ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.1)  # inside the load: the staging copy exists until the publish
    assert proc.poll() is None, "the load ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert sha(db) == before
    assert rows(db, "select count(*) from batch")[0][0] == 0
    load_files(db, [RETURNS / "tab_separated.txt"])  # the next load clears the leftovers
    assert not list(db.parent.glob(".building-*"))


def test_cli_load_exit_codes_and_summary(db):
    ok = subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db), str(RETURNS / "duplicates.csv")],
                        cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0
    assert "duplicates.csv: loaded as batch 1 — 5 rows read, 2 loaded, 2 with rejections" in ok.stdout
    assert "conflicting_duplicate (重复且数值不同) 2" in ok.stdout
    assert "第4行 自来水普及率: 同一地区、指标和年份在本文件中出现多次且数值不同（第4行、第5行）" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db), str(RETURNS / "no_header.csv")],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "refused — no_header.csv：找不到表头" in bad.stdout


def test_a_pipe_or_a_folder_is_refused_without_being_read_and_the_good_file_is_published(db, tmp_path):
    """A FIFO given to `etl load` used to block for ever with the store's write lock held (every other publish
    waited). Now a path that is not a regular file is refused at once, named, and the other files load."""
    import os

    pipe = tmp_path / "returns.csv"
    os.mkfifo(pipe)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    done = subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db), str(pipe), str(folder),
                           str(RETURNS / "duplicates.csv")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr  # refused files, the good one published
    assert "returns.csv：不是普通文件（管道、设备或文件夹），未读取" in done.stdout
    assert "folder.csv：不是普通文件" in done.stdout
    assert "duplicates.csv: loaded as batch 1" in done.stdout and f"published {db}" in done.stdout
    [report] = check_files(db, [pipe])  # checking alike, in the reader's language
    assert report.refused and report.message_key == "data.refused.not_a_file"


def test_the_same_values_in_another_file_change_nothing_and_say_so(db, tmp_path):
    """The same table sent as UTF-8 CSV, then as GBK CSV with other bytes: no second batch, 'values unchanged'."""
    first = tmp_path / "returns.csv"
    first.write_text("区划代码,年份,自来水普及率（%）\n361127100203,2024,92.5\n361127100204,2024,89\n", encoding="utf-8")
    again = tmp_path / "returns-gbk.csv"
    again.write_text("统计表\n区划代码,年份,自来水普及率（%）\n361127100203,2024,92.50\n361127100204,2024,89\n",
                     encoding="gbk")
    assert [r.status for r in load_files(db, [first])] == ["loaded"]
    checked = check_files(db, [again])[0]
    assert checked.status == "unchanged" and checked.message_key == "data.unchanged.same_values"
    assert (checked.values_new, checked.values_replaced, checked.values_same) == (0, 0, 2)
    before = db.read_bytes()
    report = load_files(db, [again])[0]
    assert report.status == "unchanged" and "values unchanged" in report.message
    assert db.read_bytes() == before  # nothing published
    assert rows(db, "select count(*) from batch") == [(1,)]


def test_a_csv_in_gbk_past_a_head_of_plain_ascii_is_read_as_gbk_and_one_in_neither_is_refused(db, tmp_path):
    """The encoding is told from the file's head (the rest is checked as DuckDB reads it): a GBK file whose Chinese
    first comes after that head is read again as GBK, its values and its rejections' words intact; a file that is
    neither UTF-8 nor GBK past its head is refused for its encoding, and nothing is published."""
    from etl.returns import HEAD_BYTES

    filler = "361127100203,2024,tap_water_rate,\n" * (HEAD_BYTES // 30)  # blank cells: skipped
    late = tmp_path / "late-gbk.csv"
    late.write_bytes(("region_code,year,measure,value\n" + filler
                      + "361127100204,2024,自来水普及率,88\n361127100205,2024,自来水普及率,大约90\n").encode("gbk"))
    assert late.read_bytes()[:HEAD_BYTES].isascii()
    [report] = load_files(db, [late])
    assert report.status == "loaded" and report.detail["encoding"] == "gbk"
    assert rows(db, "select value from observation where region_code = ? and year = 2024", [V2]) == [(88.0,)]
    assert report.reasons == {"not_a_number": 1}
    assert "“大约90”" in report.rejects["reason"].iloc[0]
    neither = tmp_path / "neither.csv"
    neither.write_bytes(("region_code,year,measure,value\n" + filler).encode() + b"361127100204,2024,\xff\xfe\xff,1\n")
    before = db.read_bytes()
    [refused] = load_files(db, [neither])
    assert refused.status == "refused" and refused.message_key == "data.refused.encoding"
    assert db.read_bytes() == before


def test_the_check_says_how_many_current_values_a_load_replaces_and_the_largest_change(db, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("区划代码,年份,自来水普及率（%）\n361127100203,2024,92.5\n361127100204,2024,89\n", encoding="utf-8")
    load_files(db, [first])
    second = tmp_path / "b.csv"
    second.write_text("区划代码,年份,自来水普及率（%）\n361127100203,2024,93\n361127100204,2024,45\n"
                      "361127100205,2024,91\n", encoding="utf-8")
    report = check_files(db, [second])[0]
    assert (report.values_new, report.values_replaced, report.values_same) == (1, 2, 0)
    change = report.largest_change
    assert (change["code"], change["name"], change["measure_id"], change["year"], change["before"],
            change["value"]) == ("361127100204", "周家村民委员会", "tap_water_rate", 2024, 89.0, 45.0)
    assert "2 replaced" in report.summary() and "89 -> 45" in report.summary()


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_rejected_rows_show_the_rows_code_and_name_and_read_in_the_interface_language(db):
    from tracker.core.catalogue import load_catalogue
    from tracker.present.reasons import rejects_table
    from tracker.queries.provenance import batch_rejects

    load_files(db, [RETURNS / "bad_values.csv", RETURNS / "form_with_serial_numbers.csv", RETURNS / "duplicates.csv",
                    RETURNS / "wrong_level.csv", RETURNS / "unknown_codes.csv", RETURNS / "groups.csv"],
               accept_rejections=True)
    con = duckdb.connect(str(db), read_only=True)
    cat = load_catalogue()
    zh = rejects_table(batch_rejects(con, 1), "zh", cat).set_index("原值")
    assert list(zh.columns) == ["工作表", "行", "区划代码", "村（地区）名称", "列", "原因"]
    assert zh.loc["maybe", "区划代码"] == "361127100203" and zh.loc["maybe", "村（地区）名称"] == "南关村民委员会"
    assert zh.loc["maybe", "原因"] == "“maybe”不是“是/否”"
    en = rejects_table(batch_rejects(con, 1), "en", cat).set_index("Value sent")
    assert en.loc["maybe", "Reason"] == "“maybe” is not yes or no"
    assert en.loc["120", "Reason"] == "The value 120 is outside the valid range of “Tap-water coverage” (0-100 %)"
    every = pd.concat([rejects_table(batch_rejects(con, b), "en", cat) for b in range(1, 7)])
    assert len(every) >= 15 and not every["Reason"].str.contains("_").any()  # no reason codes
    # no Chinese in an English reason but what the file or the store wrote (names, raw text)
    leftover = [r for r, raw, name in zip(every["Reason"], every["Value sent"], every["Village or region"])
                if CJK.search(r.replace(str(raw), "").replace(str(name), ""))]
    assert not leftover, leftover


def test_a_file_with_most_rows_rejected_is_held_back_until_the_loader_confirms(db):
    before = db.read_bytes()
    [held] = load_files(db, [RETURNS / "bad_values.csv"])  # 2 of its 3 rows have rejections
    assert held.status == "held" and held.rows_rejected > held.rows_read / 2
    assert "most rows rejected (2 of 3)" in held.message and db.read_bytes() == before
    [report] = load_files(db, [RETURNS / "bad_values.csv"], accept_rejections=True)
    assert report.status == "loaded" and rows(db, "select count(*) from batch") == [(1,)]


def test_the_command_line_exits_non_zero_for_a_held_file(db):
    """A script must be able to tell a held file from a published one: 3 when held, 0 once accepted."""
    run = [sys.executable, "-m", "etl", "load", "--db", str(db), str(RETURNS / "bad_values.csv")]
    held = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert held.returncode == 3 and "held" in held.stdout and f"published {db}" not in held.stdout
    accepted = subprocess.run([*run, "--accept-rejections"], cwd=ROOT, capture_output=True, text=True)
    assert accepted.returncode == 0 and f"published {db}" in accepted.stdout


def test_a_county_group_list_replaces_members_inside_the_county_only(db, tmp_path):
    city = tmp_path / "city.csv"
    city.write_text("区划代码,分组\n361127100203,sr_key_village\n361127100204,sr_key_village\n"
                    "361128001200,sr_key_village\n", encoding="utf-8")
    assert load_files(db, [city], scope="3611")[0].status == "loaded"
    county = tmp_path / "county.csv"
    county.write_text("区划代码,分组\n361127100205,sr_key_village\n", encoding="utf-8")
    assert load_files(db, [county], scope="361127")[0].status == "loaded"
    members = {r[0] for r in rows(db, "select region_code from group_member where group_id = 'sr_key_village'")}
    assert members == {"361127100205", "361128001200"}  # 余干县's list replaced 余干县's members; 鄱阳县's kept
    county2 = tmp_path / "county2.csv"
    county2.write_text("区划代码,分组\n361127100203,sr_key_village\n", encoding="utf-8")
    load_files(db, [county2])  # no region given (an administrator): the list is the whole group
    assert {r[0] for r in rows(db, "select region_code from group_member where group_id = 'sr_key_village'")} == {
        "361127100203"}
