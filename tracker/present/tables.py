"""What is only read, as one HTML block each: a table whose first column names the row, and a row of counts (where
the pages use them: ARCHITECTURE.md, "Many small things as one element"). Streamlit's data grid and metrics are an
element each, with a canvas or a dozen nodes to lay out: a page of them took the browser longer to draw than its
script took to run, and a table read as a report is read needs no sorting, search or full screen. A long list to sort
and search (a city's villages, the findings to answer; ui/widgets.table: more than TABLE_ROWS rows) stays a data grid,
and so does a wide table of long texts (终期评估's targets).

Every text is HTML-escaped; inline styles only (st.html keeps them), in the page's own font.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import pandas as pd

from tracker.present.charts import INK

RULE = "1px solid rgba(49,51,63,0.2)"
SHORT = 12  # characters: a text column no longer than this stays on one line; a longer one wraps


def html_table(frame: pd.DataFrame, words: Iterable[str] = ()) -> str:
    """`frame` as an HTML table: its header, then a row per row, the first cell naming the row (left, kept in view
    when the table scrolls sideways), the columns named in `words` as text (left; wrapped when longer than SHORT),
    the others figures (right, on one line, as numbers line up). Cells are shown as given (format them first);
    missing ones are blank."""
    words = set(words)
    texts = frame.astype(object).where(frame.notna(), "").astype(str)
    cell = "padding:4px 10px;border-bottom:" + RULE + ";vertical-align:top"

    def style(i: int, column: object) -> str:
        if i == 0:
            return f"{cell};text-align:left;min-width:10rem;position:sticky;left:0;background:#FFFFFF"
        if column not in words:
            return f"{cell};text-align:right;white-space:nowrap"
        long = len(texts) > 0 and texts[column].str.len().max() > SHORT
        return f"{cell};text-align:left;" + ("min-width:12rem;max-width:24rem" if long else "white-space:nowrap")

    styles = [style(i, c) for i, c in enumerate(frame.columns)]
    heads = "".join(f'<th scope="col" style="{s};font-weight:600">{escape(str(c))}</th>'
                    for s, c in zip(styles, frame.columns))
    rows = []
    for first, *rest in texts.itertuples(index=False):
        rows.append(f'<tr><th scope="row" style="{styles[0]};font-weight:normal">{escape(first)}</th>'
                    + "".join(f'<td style="{s}">{escape(v)}</td>' for s, v in zip(styles[1:], rest)) + "</tr>")
    return (f'<div class="tracker-table" style="overflow-x:auto;font-size:14px;color:{INK}">'
            '<table style="border-collapse:collapse;border:none">'
            f'<thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def counts_html(counts: list[tuple[str, int | str]]) -> str:
    """Counts side by side, each its label over its number (as st.metric shows one), wrapping on a narrow page."""
    items = "".join(f'<div class="count" style="min-width:7rem"><div class="label" style="font-size:14px">'
                    f'{escape(label)}</div><div class="value" style="font-size:2.25rem;line-height:1.3">'
                    f"{escape(str(n))}</div></div>" for label, n in counts)
    return f'<div class="tracker-counts" style="display:flex;flex-wrap:wrap;gap:0.5rem 2rem;color:{INK}">{items}</div>'
