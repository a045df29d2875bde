"""The layout of Chinese official documents in Word (GB/T 9704-2012), shared by the briefing and the final
assessment: A4, margins 37 / 35 / 28 / 26 mm (top, bottom, left, right); title in 方正小标宋简体 二号, section
headings in 黑体 三号, body in 仿宋_GB2312 三号, tables in 宋体 五号; page numbers centred in the footer. The
fonts are named, not embedded: they are the standard ones government offices have (Word falls back to a
similar face where one is missing). Status cells are shaded in the pages' colours and also say the status in
words.
"""

from __future__ import annotations

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from tracker.core.i18n import t
from tracker.core.status import STATUSES

TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT, NOTE_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312", "宋体", "楷体_GB2312"
LATIN_FONT = "Times New Roman"
NUMERALS = "一二三四五六七八九十"


def font(run, name: str, size: float, bold: bool = False, colour: str | None = None) -> None:
    """Set a run's font: `name` for Chinese, Times New Roman for Latin text."""
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def paragraph(doc, text: str, face: str = BODY_FONT, size: float = 16, bold: bool = False,
              align=WD_ALIGN_PARAGRAPH.JUSTIFY, colour: str | None = None, indent: bool = True):
    """A paragraph of `text` in `face` at `size` points, on 28-point lines, first line indented two characters."""
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.line_spacing = Pt(28)  # 28 pt lines: the usual for 三号 text
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    font(p.add_run(text), face, size, bold, colour)
    return p


def shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def table(doc, frame: pd.DataFrame, widths: list[float] | None = None, status_column: str | None = None,
          statuses: list[str] | None = None) -> None:
    """A grid of `frame` (header shaded; the status column shaded in each row's status colour), widths in mm."""
    grid = doc.add_table(rows=1, cols=len(frame.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(grid.rows[0].cells, frame.columns):
        font(cell.paragraphs[0].add_run(str(name)), HEADING_FONT, 10.5)
        shade(cell, "#EEEEEE")
    for i, values in enumerate(frame.itertuples(index=False)):
        cells = grid.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, values)):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            colour = None
            if status_column is not None and frame.columns[j] == status_column and statuses:
                shade(cell, STATUSES[statuses[i]].colour)
                colour = STATUSES[statuses[i]].ink
            font(cell.paragraphs[0].add_run(text), TABLE_FONT, 10.5, colour=colour)
    if widths:  # Word reads the cells' widths, LibreOffice the grid's: set both, and keep them fixed
        grid.autofit = False
        for column, width in zip(grid.columns, widths):
            column.width = Mm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Mm(width)


def heading(doc, n: int, text: str) -> None:
    """一、… : a numbered section heading (n counts from 0)."""
    paragraph(doc, f"{NUMERALS[n]}、{text}", HEADING_FONT, 16, indent=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def page_numbers(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(p.add_run("— "), LATIN_FONT, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    font(p.add_run(" —"), LATIN_FONT, 14)


def document(demo: bool, lang: str):
    """A new A4 document with the official margins and page numbers (and a 演示数据 header on demo data)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    page_numbers(section)
    if demo:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(header.add_run(t("briefing.demo_header", lang)), HEADING_FONT, 10.5, colour="#B2182B")
    return doc
