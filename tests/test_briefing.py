"""The briefing (.docx, .html) and the work list (.xlsx), written by the command line on the small world
whose numbers were worked out by hand (tests/assess/golden/), then opened as a reader would."""

from __future__ import annotations

import io
import shutil
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image, ImageChops

from tests.conftest import WORLD
from tracker.__main__ import main as tracker_cli
from tracker.core import store
from tracker.core.status import STATUSES
from tracker.documents import static_charts

GOLDEN = WORLD / "golden"


@pytest.fixture
def cli(use_settings):
    use_settings(catalogue=WORLD / "catalogue.yaml")

    def run(db: Path, *args: str) -> tuple[int, str]:
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            code = tracker_cli([*args, "--db", str(db)])
        return code, err.getvalue()

    return run


@pytest.fixture(scope="module")
def demo_world(world, tmp_path_factory) -> Path:
    """The world marked as demo data (as `etl demo` marks its store)."""
    db = tmp_path_factory.mktemp("demo-world") / "world.duckdb"
    shutil.copyfile(world, db)
    with store.writing(db) as con:
        con.execute("insert into store_meta values ('demo', 'true')")
    return db


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_word_briefing_has_the_numbers_in_an_official_layout(world, cli, tmp_path):
    out = tmp_path / "b.docx"
    code, said = cli(world, "briefing", "--region", "361123", "--year", "2022", "--out", str(out))
    assert code == 0 and "briefing for 玉山县 2022, 9 targets" in said
    doc = Document(str(out))
    section = doc.sections[0]
    mm = [round(length.mm) for length in (section.page_width, section.page_height, section.top_margin,
                                          section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4, GB/T 9704 margins (Word keeps twips, hence the rounding)
    title = doc.paragraphs[0]
    assert title.text == "玉山县乡村振兴重点目标2022年完成情况简报"
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "玉山县 2022 年纳入评估的 9 个目标" in text and "演示数据" not in text
    assert "重点村自来水90%：57.5%，目标 ≥ 90%，还差 32.5 个百分点" in text

    targets = table_rows(doc.tables[0])
    header, rows = targets[0], {r[1]: r for r in targets[1:]}
    water = dict(zip(header, rows["重点村自来水90%"]))
    county = pd.read_csv(GOLDEN / "water_county_2022.csv", dtype={"region_code": str}).set_index("region_code")
    assert water["数值"] == f"{county.loc['361123', 'aggregate_value']:.1f}%" == "57.5%"
    # B1, one of 玉山县's three key villages, reported only in the base year: the figure says 2 of 3 reported
    assert (water["目标值"], water["状态"], water["说明"]) == ("≥ 90%", "倒退", "2/3 个村已报；1/3 个村达标")
    assert dict(zip(header, rows["双千兆80%"]))["较上年"] == "-30.0 个百分点"
    status_cell = doc.tables[0].rows[list(rows).index("重点村自来水90%") + 1].cells[header.index("状态")]
    fill = status_cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == STATUSES["deteriorating"].colour.lstrip("#")  # shaded in the status colour, and said in words
    assert len(doc.inline_shapes) >= 2  # the trend with its target line, the ranking
    villages = table_rows(doc.tables[2])
    lagging = pd.read_csv(GOLDEN / "lagging_361123_2022.csv", dtype={"village_code": str})
    assert [r[0] for r in villages[1:]] == lagging.loc[lagging["targets_missed"] >= 1, "village_code"].head(15).tolist()[
        :len(villages) - 1]
    assert any(cell == "甲二村" for cell in villages[1])
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer  # page numbers


def test_a_demo_store_says_so_on_every_page_and_in_the_html(demo_world, cli, tmp_path):
    docx, html = tmp_path / "b.docx", tmp_path / "b.html"
    assert cli(demo_world, "briefing", "--region", "3611", "--year", "2022", "--out", str(docx))[0] == 0
    doc = Document(str(docx))
    assert doc.sections[0].header.paragraphs[0].text == "演示数据　非实际报送数据"
    assert any(p.text.startswith("【演示数据】") for p in doc.paragraphs)
    assert cli(demo_world, "briefing", "--region", "3611", "--year", "2022", "--out", str(html))[0] == 0
    assert "【演示数据】" in html.read_text(encoding="utf-8")


def test_html_briefing_is_self_contained(world, cli, tmp_path):
    out = tmp_path / "b.html"
    assert cli(world, "briefing", "--region", "361123", "--year", "2022", "--out", str(out))[0] == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "http://" not in page and "https://" not in page and "@import" not in page  # nothing fetched
    assert page.count('src="data:image/png;base64,') == 2
    assert "<td>重点村自来水90%</td><td>57.5%</td><td>≥ 90%</td>" in page
    assert "@page { size: A4;" in page


def test_work_list_workbook_has_a_line_per_missed_target_and_empty_follow_up(world, cli, tmp_path):
    out = tmp_path / "w.xlsx"
    code, said = cli(world, "worklist", "--region", "361123", "--year", "2022", "--out", str(out))
    assert code == 0 and "3 villages of 361123 miss at least 1 target(s) in 2022" in said
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["工作清单", "按村汇总", "说明"]
    sheet = book["工作清单"]
    header = [c.value for c in sheet[1]]
    assert header == ["区划代码", "村", "乡镇", "县（市、区）", "该村未达标目标数", "未达标的目标", "数值", "目标值", "差距",
                      "状态", "期限", "责任单位", "责任人", "整改措施", "完成时限", "跟进情况"]
    lines = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    lagging = pd.read_csv(GOLDEN / "lagging_361123_2022.csv", dtype={"village_code": str})
    assert len(lines) == lagging["targets_missed"].sum()  # one line per village and missed target
    jia2 = [line for line in lines if line["村"] == "甲二村"]
    assert {line["未达标的目标"] for line in jia2} == {"双千兆80%", "2022年完成村庄规划", "重点村自来水90%",
                                                           "每个重点村自来水90%", "半数重点村自来水90%",
                                                           "收入增幅高于本县平均"}
    water = next(line for line in jia2 if line["未达标的目标"] == "重点村自来水90%")
    assert (water["数值"], water["目标值"], water["差距"], water["状态"]) == ("45.0%", "≥ 90%", "45.0 个百分点", "倒退")
    assert all(line[c] is None for line in lines for c in ("责任单位", "责任人", "整改措施", "完成时限", "跟进情况"))
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "361123100202"  # codes are text, never numbers
    assert sheet.auto_filter.ref == f"A1:P{len(lines) + 1}" and sheet.freeze_panes == "A2"
    assert book["按村汇总"].max_row == len(lagging) + 1


def test_the_command_line_refuses_what_it_cannot_write(world, cli, tmp_path):
    code, said = cli(world, "briefing", "--region", "361123", "--year", "2022", "--out", str(tmp_path / "b.pdf"))
    assert code == 2 and "written as .docx or .html" in said
    with pytest.raises(SystemExit, match="give a province, city or county code"):
        cli(world, "briefing", "--region", "361123100", "--year", "2022", "--out", str(tmp_path / "b.docx"))
    with pytest.raises(SystemExit, match="no such region in the store"):
        cli(world, "worklist", "--region", "361125", "--year", "2022", "--out", str(tmp_path / "w.xlsx"))


def _png(text: str) -> Image.Image:
    frame = pd.DataFrame({"region": ["甲"], "year": [2022], "value": [50.0], "status": ["met"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for tofu
        png = static_charts.trend_png(frame, text, "%", 90.0, 2025)
    return Image.open(io.BytesIO(png)).convert("L")


def test_static_charts_draw_chinese_with_a_cjk_font():
    assert static_charts.cjk_font() == "Noto Sans CJK SC"
    # with a font lacking the glyphs every character is the same empty box, so two different titles of the
    # same length would draw the same picture; with the CJK font they differ
    one, other = _png("乡村振兴目标"), _png("自来水普及率")
    assert one.size == other.size
    assert ImageChops.difference(one, other).getbbox() is not None
    assert _png("乡村振兴目标").tobytes() == one.tobytes()  # and the same text draws the same pixels


def test_a_province_briefing_ranks_counties_while_its_page_matrix_shows_cities(world):
    """The page's matrix is by the level just below (a province's cities); the briefing's "furthest behind"
    and ranking compare counties, as 县区对比 does. Both come from the one overview view model."""
    from tracker.core.catalogue import load_catalogue
    from tracker.documents.briefing import build

    con, cat = store.StoreReader(world).cursor(), load_catalogue(WORLD / "catalogue.yaml")
    b = build(con, cat, "36", 2022, with_charts=False)
    assert b.view.sub_level == "city" and set(b.view.cells["region_code"]) == {"3611"}
    assert b.behind_level == "county" and set(b.behind["区划代码"]) <= {"361123", "361124"} and len(b.behind) == 2


def test_writers_refuse_an_existing_file_unless_forced_and_never_follow_a_link(world, cli, tmp_path):
    briefing = ["briefing", "--region", "361123", "--year", "2022", "--lang", "zh"]
    out = tmp_path / "b.html"
    assert cli(world, *briefing, "--out", str(out))[0] == 0
    first = out.read_bytes()
    out.write_bytes(b"an earlier briefing")
    code, said = cli(world, *briefing, "--out", str(out))
    assert code == 2 and "exists; give --force to replace it" in said and out.read_bytes() == b"an earlier briefing"
    assert cli(world, *briefing, "--out", str(out), "--force")[0] == 0 and out.read_bytes() == first
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(precious)
    code, said = cli(world, *briefing, "--out", str(link), "--force")
    assert code == 2 and "symbolic link" in said
    assert precious.read_text(encoding="utf-8") == "keep me" and link.is_symlink()
    code, said = cli(world, "worklist", "--region", "361123", "--year", "2022", "--out", str(link))
    assert code == 2 and precious.read_text(encoding="utf-8") == "keep me"
    from etl.__main__ import main as etl_cli

    form = tmp_path / "form.xlsx"
    form.write_bytes(b"a clerk's filled-in form")
    with redirect_stderr(io.StringIO()):
        assert etl_cli(["template", "--out", str(form)]) == 2
    assert form.read_bytes() == b"a clerk's filled-in form"
    assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name]  # nothing half-written left behind
