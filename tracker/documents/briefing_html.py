"""The briefing as one self-contained HTML file: inline CSS, charts as data: URIs, no outside request,
laid out to print on one or two A4 pages (small type, two charts side by side, compact tables)."""

from __future__ import annotations

import base64
from html import escape

import pandas as pd

from tracker.core.assess import STATUSES
from tracker.core.clock import today
from tracker.core.i18n import t
from tracker.documents.briefing import Briefing, shortened, target_table
from tracker.views.overview import LAGGING_K

HTML_VILLAGES = 8  # the printable page lists fewer villages than the Word document

CSS = """
@page { size: A4; margin: 12mm 12mm 12mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif;
       font-size: 9pt; line-height: 1.4; color: #111; max-width: 190mm; margin: 0 auto; }
h1 { font-family: "方正小标宋简体", "Noto Serif CJK SC", "SimSun", serif; font-size: 17pt; text-align: center;
     margin: 0 0 2mm; font-weight: normal; }
h2 { font-size: 10.5pt; margin: 2.5mm 0 1mm; border-bottom: 1px solid #999; }
p.dates { text-align: center; color: #444; margin: 0 0 2mm; }
p.demo { color: #B2182B; font-weight: bold; border: 1.5px solid #B2182B; padding: 1mm 2mm; margin: 1mm 0; }
ul.summary { margin: 0; padding-left: 5mm; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; page-break-inside: auto; }
th, td { border: 1px solid #BBB; padding: 0.3mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #EEE; font-weight: bold; }
tr { page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
.charts { display: flex; gap: 3mm; }
.charts figure { margin: 0; flex: 1; text-align: center; }
.charts img { width: 100%; max-height: 55mm; object-fit: contain; }
figcaption { font-size: 8pt; color: #444; }
p.note { font-size: 8pt; color: #555; }
ol.sources { font-size: 7.5pt; color: #333; margin: 0; padding-left: 5mm; }
@media print { h2 { page-break-after: avoid; } }
"""


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return escape(str(value))


def _table(frame: pd.DataFrame, status_column: str | None = None, statuses: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, values in enumerate(frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, values):
            if column == status_column and statuses:
                status = STATUSES[statuses[i]]
                cells.append(f'<td style="background:{status.colour};color:{status.ink}">{_cell(value)}</td>')
            else:
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                cells.append(f'<td class="num">{_cell(value)}</td>' if numeric else f"<td>{_cell(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


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
        parts.append(_table(target_table(b, note_first_part=True), t("table.col.status", lang), [c.status for c in b.view.cards]))
    if b.charts:
        parts.append(f"<h2>{escape(t('briefing.section.charts', lang))}</h2><div class=\"charts\">")
        for caption, png in b.charts[:2]:  # two side by side keep the page count down
            data = base64.b64encode(png).decode("ascii")
            parts.append(f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
                         f"<figcaption>{escape(caption)}</figcaption></figure>")
        parts.append("</div>")
    parts.append(f"<h2>{escape(t('briefing.section.behind', lang, units=t(f'level.{b.behind_level}', lang), n=len(b.behind)))}</h2>")
    parts.append(_table(shortened(b.behind, lang, 2)) if not b.behind.empty else f"<p>{escape(t('briefing.none_behind', lang))}</p>")
    parts.append(f"<h2>{escape(t('briefing.section.villages', lang, n=len(b.view.lagging), k=LAGGING_K, shown=len(b.villages.head(HTML_VILLAGES))))}</h2>")
    parts.append(_table(shortened(b.villages.head(HTML_VILLAGES), lang, 2)) if not b.villages.empty else
                 f"<p>{escape(t('summary.no_lagging', lang, k=3))}</p>")
    parts.append(f"<h2>{escape(t('briefing.section.sources', lang))}</h2>")
    parts.append('<ol class="sources">' + "".join(
        f"<li>{_cell(r[0])}：{_cell(r[1])}{'（' + _cell(r[2]) + '）' if r[2] else ''}，{_cell(r[3])}</li>"
        for r in b.sources.itertuples(index=False)) + "</ol>")
    parts.append(f'<p class="note">{escape(t("briefing.method_note", lang))} {escape(t("briefing.html_quotes", lang))}</p>')
    return ("<!DOCTYPE html>\n<html lang=\"" + t("html.lang", lang) + "\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(b.title)}</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n")
