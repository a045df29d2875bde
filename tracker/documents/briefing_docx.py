"""The briefing as a Word document, in the layout of Chinese official documents (GB/T 9704-2012).

A4, margins 37 / 35 / 28 / 26 mm (top, bottom, left, right); title in 方正小标宋简体 二号, section
headings in 黑体 三号, body in 仿宋_GB2312 三号, tables in 宋体 五号; page numbers centred in the
footer. The fonts are named, not embedded: they are the standard ones government offices have
(Word falls back to a similar face where one is missing). Status cells are shaded in the pages'
colours and also say the status in words.
"""

from __future__ import annotations

import io
from typing import BinaryIO

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from tracker.core.assess import STATUSES
from tracker.core.clock import today
from tracker.core.i18n import t
from tracker.documents.briefing import Briefing, shortened, target_table
from tracker.views.overview import LAGGING_K

TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT, NOTE_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312", "宋体", "楷体_GB2312"
LATIN_FONT = "Times New Roman"
NUMERALS = "一二三四五六七八九十"


def _font(run, name: str, size: float, bold: bool = False, colour: str | None = None) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def _paragraph(doc, text: str, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, colour: str | None = None, indent: bool = True):
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.line_spacing = Pt(28)  # 28 pt lines: the usual for 三号 text
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold, colour)
    return p


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc, frame: pd.DataFrame, widths: list[float] | None = None, status_column: str | None = None,
           statuses: list[str] | None = None) -> None:
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, frame.columns):
        _font(cell.paragraphs[0].add_run(str(name)), HEADING_FONT, 10.5)
        _shade(cell, "#EEEEEE")
    for i, values in enumerate(frame.itertuples(index=False)):
        cells = table.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, values)):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            colour = None
            if status_column is not None and frame.columns[j] == status_column and statuses:
                _shade(cell, STATUSES[statuses[i]].colour)
                colour = STATUSES[statuses[i]].ink
            _font(cell.paragraphs[0].add_run(text), TABLE_FONT, 10.5, colour=colour)
    if widths:  # Word reads the cells' widths, LibreOffice the grid's: set both, and keep them fixed
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Mm(width)


def _heading(doc, n: int, text: str) -> None:
    _paragraph(doc, f"{NUMERALS[n]}、{text}", HEADING_FONT, 16, indent=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def _page_numbers(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), LATIN_FONT, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    _font(p.add_run(" —"), LATIN_FONT, 14)


def write_docx(b: Briefing, out: BinaryIO | str) -> None:
    """Write the briefing as .docx to a path or a binary stream."""
    lang = b.view.lang
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_numbers(section)
    if b.view.demo:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(header.add_run(t("briefing.demo_header", lang)), HEADING_FONT, 10.5, colour="#B2182B")

    _paragraph(doc, b.title, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, t("briefing.dates", lang, loaded=b.view.loaded_at or "—", assessed=b.view.assessed_at or "—",
                      today=today().isoformat()), NOTE_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if b.view.demo:
        _paragraph(doc, t("briefing.demo_notice", lang), HEADING_FONT, 14, colour="#B2182B", indent=False)

    _heading(doc, 0, t("briefing.section.summary", lang))
    for sentence in b.view.summary():
        _paragraph(doc, sentence)

    _heading(doc, 1, t("briefing.section.targets", lang))
    if b.view.cards:
        table = target_table(b)
        table.insert(0, t("briefing.col.n", lang), range(1, len(table) + 1))
        _table(doc, table, [10, 50, 16, 19, 16, 21, 24],
               t("table.col.status", lang), [c.status for c in b.view.cards])
    else:
        _paragraph(doc, t("summary.none", lang, area=b.view.area_name, year=b.view.year))

    n = 2
    if b.charts:
        _heading(doc, n, t("briefing.section.charts", lang))
        for caption, png in b.charts:
            doc.add_picture(io.BytesIO(png), width=Mm(150))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _paragraph(doc, caption, NOTE_FONT, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        n += 1

    _heading(doc, n, t("briefing.section.behind", lang, units=t(f"level.{b.behind_level}", lang), n=len(b.behind)))
    if b.behind.empty:
        _paragraph(doc, t("briefing.none_behind", lang))
    else:
        _table(doc, shortened(b.behind, lang, 3), [19, 18, 11, 11, 11, 14, 16, 56])

    _heading(doc, n + 1, t("briefing.section.villages", lang, n=len(b.view.lagging), k=LAGGING_K, shown=len(b.villages)))
    if b.villages.empty:
        _paragraph(doc, t("summary.no_lagging", lang, k=3))
    else:
        _table(doc, shortened(b.villages, lang, 3), [27, 22, 17, 17, 13, 60])

    _heading(doc, n + 2, t("briefing.section.sources", lang))
    _table(doc, b.sources, [32, 36, 16, 28, 44])
    _paragraph(doc, t("briefing.method_note", lang), NOTE_FONT, 12, indent=False)
    doc.save(out)
