"""The briefing as a Word document, in the layout of Chinese official documents (tracker.documents.layout_docx)."""

from __future__ import annotations

import io
from typing import BinaryIO

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from tracker.core.clock import today
from tracker.core.i18n import t
from tracker.documents.briefing import Briefing, shortened, target_table
from tracker.documents.layout_docx import HEADING_FONT, NOTE_FONT, TITLE_FONT, document, heading, paragraph, table
from tracker.views.overview import LAGGING_K


def write_docx(b: Briefing, out: BinaryIO | str) -> None:
    """Write the briefing as .docx to a path or a binary stream."""
    lang = b.view.lang
    doc = document(b.view.demo, lang)
    paragraph(doc, b.title, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    paragraph(doc, t("briefing.dates", lang, loaded=b.view.loaded_at or "—", assessed=b.view.assessed_at or "—",
                     today=today().isoformat()), NOTE_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if b.view.demo:
        paragraph(doc, t("briefing.demo_notice", lang), HEADING_FONT, 14, colour="#B2182B", indent=False)

    heading(doc, 0, t("briefing.section.summary", lang))
    for sentence in b.view.summary():
        paragraph(doc, sentence)

    heading(doc, 1, t("briefing.section.targets", lang))
    if b.view.cards:
        targets = target_table(b)
        targets.insert(0, t("briefing.col.n", lang), range(1, len(targets) + 1))
        table(doc, targets, [10, 50, 16, 19, 16, 21, 24],
              t("table.col.status", lang), [c.status for c in b.view.cards])
    else:
        paragraph(doc, t("summary.none", lang, area=b.view.area_name, year=b.view.year))

    n = 2
    if b.charts:
        heading(doc, n, t("briefing.section.charts", lang))
        for caption, png in b.charts:
            doc.add_picture(io.BytesIO(png), width=Mm(150))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph(doc, caption, NOTE_FONT, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        n += 1

    heading(doc, n, t("briefing.section.behind", lang, units=t(f"level.{b.behind_level}", lang), n=len(b.behind)))
    if b.behind.empty:
        paragraph(doc, t("briefing.none_behind", lang))
    else:
        table(doc, shortened(b.behind, lang, 3), [19, 18, 11, 11, 11, 14, 16, 56])

    heading(doc, n + 1, t("briefing.section.villages", lang, n=len(b.view.lagging), k=LAGGING_K, shown=len(b.villages)))
    if b.villages.empty:
        paragraph(doc, t("summary.no_lagging", lang, k=3))
    else:
        table(doc, shortened(b.villages, lang, 3), [27, 22, 17, 17, 13, 60])

    heading(doc, n + 2, t("briefing.section.sources", lang))
    table(doc, b.sources, [32, 36, 16, 28, 44])
    paragraph(doc, t("briefing.method_note", lang), NOTE_FONT, 12, indent=False)
    doc.save(out)
