"""The briefing as one self-contained HTML file: inline CSS, charts as data: URIs, no outside request,
laid out to print on one or two A4 pages (small type, two charts side by side, compact tables)."""

from __future__ import annotations

import base64
from html import escape

from tracker.core.clock import today
from tracker.core.i18n import t
from tracker.documents.briefing import Briefing, shortened, target_table
from tracker.documents.layout_html import cell, page, table
from tracker.views.overview import LAGGING_K

HTML_VILLAGES = 8  # the printable page lists fewer villages than the Word document


def write_html(b: Briefing) -> str:
    """The briefing as a complete HTML document (UTF-8 text)."""
    lang = b.view.lang
    parts = [f"<h1>{escape(b.title)}</h1>",
             f'<p class="dates">{escape(t("briefing.dates", lang, loaded=b.view.loaded_at or "—", assessed=b.view.assessed_at or "—", today=today().isoformat()))}</p>']
    if b.view.demo:
        parts.append(f'<p class="demo">{escape(t("briefing.demo_notice", lang))}</p>')
    parts.append(f"<h2>{escape(t('briefing.section.summary', lang))}</h2>")
    parts.append('<ul class="summary">' + "".join(f"<li>{escape(s)}</li>" for s in b.view.summary()) + "</ul>")
    parts.append(f"<h2>{escape(t('briefing.section.targets', lang))}</h2>")
    if b.view.cards:
        parts.append(table(target_table(b, note_first_part=True), t("table.col.status", lang), [c.status for c in b.view.cards]))
    if b.charts:
        parts.append(f"<h2>{escape(t('briefing.section.charts', lang))}</h2><div class=\"charts\">")
        for caption, png in b.charts[:2]:  # two side by side keep the page count down
            data = base64.b64encode(png).decode("ascii")
            parts.append(f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
                         f"<figcaption>{escape(caption)}</figcaption></figure>")
        parts.append("</div>")
    parts.append(f"<h2>{escape(t('briefing.section.behind', lang, units=t(f'level.{b.behind_level}', lang), n=len(b.behind)))}</h2>")
    parts.append(table(shortened(b.behind, lang, 2)) if not b.behind.empty else f"<p>{escape(t('briefing.none_behind', lang))}</p>")
    parts.append(f"<h2>{escape(t('briefing.section.villages', lang, n=len(b.view.lagging), k=LAGGING_K, shown=len(b.villages.head(HTML_VILLAGES))))}</h2>")
    parts.append(table(shortened(b.villages.head(HTML_VILLAGES), lang, 2)) if not b.villages.empty else
                 f"<p>{escape(t('summary.no_lagging', lang, k=3))}</p>")
    parts.append(f"<h2>{escape(t('briefing.section.sources', lang))}</h2>")
    parts.append('<ol class="sources">' + "".join(
        f"<li>{cell(r[0])}：{cell(r[1])}{'（' + cell(r[2]) + '）' if r[2] else ''}，{cell(r[3])}</li>"
        for r in b.sources.itertuples(index=False)) + "</ol>")
    parts.append(f'<p class="note">{escape(t("briefing.method_note", lang))} {escape(t("briefing.html_quotes", lang))}</p>')
    return page(b.title, parts, lang)
