"""The final assessment (终期评估) as a report: Word in the official layout, one HTML file, or CSV.

Built from the 终期评估 page's own view model (tracker.views.final), so the page, the documents and the
CSV say the same numbers. Sections: 一、总体情况 (sentences from the numbers) 二、主要目标完成情况 (the table)
三、分领域情况 (by theme) 四、存在的问题 (targets not achieved, where, how far, the villages behind them)
五、附表 (each year's values; counties × targets; for a running plan the path required).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from tracker.core.catalogue import Catalogue
from tracker.core.clock import today
from tracker.core.i18n import t
from tracker.core.xlsx import formula_safe
from tracker.documents import layout_docx as word
from tracker.documents import layout_html as html
from tracker.views.final import Final, outcome_statuses

APPENDIX_COLUMNS = 12  # sub-areas per table of the counties × targets appendix (Word: landscape A4)


def _main_table(f: Final) -> pd.DataFrame:
    """二、主要目标完成情况: the table without the yearly values (those go to the appendix)."""
    lang = f.lang
    table = f.table()
    keep = [t("final.col.target", lang), t("final.col.base", lang, year=f.plan.base_year), f.final_column,
            *(t(k, lang) for k in ("final.col.target_value", "final.col.outcome", "final.col.progress",
                                   "final.col.first_met", "final.col.note", "table.col.outlook"))]
    table = table[[c for c in keep if c in table.columns]]
    table.insert(0, t("briefing.col.n", lang), range(1, len(table) + 1))
    return table


def _yearly(f: Final) -> pd.DataFrame:
    table = f.table()
    years = [c for c in table.columns if c.isdigit()]
    first = [t("final.col.target", f.lang), t("final.col.base", f.lang, year=f.plan.base_year)]
    return table[[*first, *years]]


def _appendix_parts(f: Final) -> list[pd.DataFrame]:
    """The counties × targets table turned to targets × counties, in slices narrow enough for a page."""
    if f.appendix.empty:
        return []
    turned = f.appendix.set_index(f.appendix.columns[0]).T.reset_index()
    turned = turned.rename(columns={turned.columns[0]: t("final.col.target", f.lang)})
    turned.columns.name = None
    names = list(turned.columns[1:])
    return [turned[[turned.columns[0], *names[i:i + APPENDIX_COLUMNS]]] for i in range(0, len(names), APPENDIX_COLUMNS)]


def _dates(f: Final) -> str:
    return t("briefing.dates", f.lang, loaded=f.loaded_at or "—", assessed=f.assessed_at or "—",
             today=today().isoformat())


def write_docx(f: Final, catalogue: Catalogue, out: BinaryIO | str) -> None:
    """Write the final assessment as .docx to a path or a binary stream."""
    lang = f.lang
    doc = word.document(f.demo, lang)
    word.paragraph(doc, f.title, word.TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    word.paragraph(doc, _dates(f), word.NOTE_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if f.demo:
        word.paragraph(doc, t("briefing.demo_notice", lang), word.HEADING_FONT, 14, colour="#B2182B", indent=False)

    word.heading(doc, 0, t("final.section.summary", lang))
    for sentence in f.summary():
        word.paragraph(doc, sentence)

    word.heading(doc, 1, t("final.section.targets", lang))
    if f.results:
        word.table(doc, _main_table(f), [9, 42, 15, 15, 18, 14, 12, 14, 17], t("final.col.outcome", lang),
                   outcome_statuses(f.results))
    else:
        word.paragraph(doc, t("final.summary.none", lang, area=f.area_name, plan=f.plan.name(lang)))

    word.heading(doc, 2, t("final.section.themes", lang))
    for i, (theme, sentence) in enumerate(f.by_theme(catalogue)):
        word.paragraph(doc, t("final.theme_line", lang, n=word.NUMERALS[i], theme=theme, text=sentence))

    word.heading(doc, 3, t("final.section.problems", lang))
    problems = f.problems()
    for sentence in problems or [f.no_problems]:
        word.paragraph(doc, sentence)

    word.heading(doc, 4, t("final.section.appendix", lang))
    section = doc.add_section()  # the appendix on landscape pages
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(20), Mm(25), Mm(25)
    titles = dict(f.appendices())  # 附表 numbered in the order they come
    word.paragraph(doc, titles["yearly"], word.HEADING_FONT, 14, indent=False)
    yearly = _yearly(f)
    word.table(doc, yearly, [70] + [177 / (len(yearly.columns) - 1)] * (len(yearly.columns) - 1))
    for part in _appendix_parts(f):
        word.paragraph(doc, titles["units"], word.HEADING_FONT, 14, indent=False)
        word.table(doc, part, [67] + [15] * (len(part.columns) - 1))
    if not f.paths.empty:
        word.paragraph(doc, titles["paths"], word.HEADING_FONT, 14, indent=False)
        word.table(doc, f.paths, [70] + [177 / (len(f.paths.columns) - 1)] * (len(f.paths.columns) - 1))
    word.paragraph(doc, t("final.method_note", lang), word.NOTE_FONT, 12, indent=False)
    doc.save(out)


def write_html(f: Final, catalogue: Catalogue) -> str:
    """The final assessment as one complete HTML document (UTF-8 text)."""
    lang = f.lang
    parts = [f"<h1>{escape(f.title)}</h1>", f'<p class="dates">{escape(_dates(f))}</p>']
    if f.demo:
        parts.append(f'<p class="demo">{escape(t("briefing.demo_notice", lang))}</p>')
    parts.append(f"<h2>{escape(t('final.section.summary', lang))}</h2>")
    parts.append('<ul class="summary">' + "".join(f"<li>{escape(s)}</li>" for s in f.summary()) + "</ul>")
    parts.append(f"<h2>{escape(t('final.section.targets', lang))}</h2>")
    if f.results:
        parts.append(html.table(_main_table(f), t("final.col.outcome", lang), outcome_statuses(f.results)))
    parts.append(f"<h2>{escape(t('final.section.themes', lang))}</h2><ul class=\"summary\">")
    parts += ["<li>" + t("label.value", lang, label=f"<b>{escape(theme)}</b>", value=escape(sentence)) + "</li>"
              for theme, sentence in f.by_theme(catalogue)]
    parts.append("</ul>")
    parts.append(f"<h2>{escape(t('final.section.problems', lang))}</h2><ul class=\"summary\">")
    parts += [f"<li>{escape(s)}</li>" for s in (f.problems() or [f.no_problems])]
    parts.append("</ul>")
    parts.append(f"<h2>{escape(t('final.section.appendix', lang))}</h2>")
    titles = dict(f.appendices())  # 附表 numbered in the order they come
    parts.append(f"<h3>{escape(titles['yearly'])}</h3>{html.table(_yearly(f))}")
    slices = _appendix_parts(f)
    if slices:
        parts.append(f"<h3>{escape(titles['units'])}</h3>")
        parts += [html.table(part) for part in slices]
    if not f.paths.empty:
        parts.append(f"<h3>{escape(titles['paths'])}</h3>{html.table(f.paths)}")
    parts.append(f'<p class="note">{escape(t("final.method_note", lang))}</p>')
    return html.page(f.title, parts, lang)


def csv_bytes(f: Final) -> bytes:
    """The report as CSV, a row per target (target_id, base_value, final_value, target_value, achieved
    yes/no/no_data, ...): UTF-8 with a byte-order mark, so Excel reads it as UTF-8; the page's download and the
    command line's file are these bytes."""
    return formula_safe(f.csv_frame()).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def write_csv(f: Final, out) -> None:
    """Write csv_bytes(f) to a path or a binary file."""
    if hasattr(out, "write"):
        out.write(csv_bytes(f))
    else:
        Path(out).write_bytes(csv_bytes(f))
