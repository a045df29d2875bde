"""One self-contained HTML file (inline CSS, images as data: URIs, no outside request), laid out to print on
A4: shared by the briefing and the final assessment."""

from __future__ import annotations

from html import escape

import pandas as pd

from tracker.core.i18n import t
from tracker.core.status import STATUSES

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


def cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return escape(str(value))


def table(frame: pd.DataFrame, status_column: str | None = None, statuses: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, values in enumerate(frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, values):
            if column == status_column and statuses:
                status = STATUSES[statuses[i]]
                cells.append(f'<td style="background:{status.colour};color:{status.ink}">{cell(value)}</td>')
            else:
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                cells.append(f'<td class="num">{cell(value)}</td>' if numeric else f"<td>{cell(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def page(title: str, parts: list[str], lang: str) -> str:
    """A complete HTML document of `parts` (UTF-8 text)."""
    return ("<!DOCTYPE html>\n<html lang=\"" + t("html.lang", lang) + "\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n")
