"""Short things as one HTML block each: a table of a few rows whose first column names the row and whose others are
figures (目标测算's candidates side by side), and a row of counts (终期评估's outcomes). Streamlit's data grid and
metrics are an element each with a canvas or a dozen nodes to lay out; a page of them takes the browser longer to
draw than its script takes to run, and a table of three rows needs no sorting, search or full screen.

Every text is HTML-escaped; inline styles only (st.html keeps them), in the page's own font.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from tracker.present.charts import INK

RULE = "1px solid rgba(49,51,63,0.2)"


def html_table(frame: pd.DataFrame) -> str:
    """`frame` as an HTML table: its header, then a row per row, the first cell naming the row (left), the others its
    figures (right, as numbers line up). Cells are shown as given (format them first); missing ones are blank."""
    cell = "padding:4px 10px;border-bottom:" + RULE + ";white-space:nowrap"
    heads = "".join(f'<th scope="col" style="{cell};text-align:{"left" if i == 0 else "right"};font-weight:600">'
                    f"{escape(str(c))}</th>" for i, c in enumerate(frame.columns))
    rows = []
    for values in frame.itertuples(index=False):
        texts = ["" if pd.isna(v) else str(v) for v in values]
        first, rest = (texts[0], texts[1:]) if texts else ("", [])
        rows.append(f'<tr><th scope="row" style="{cell};text-align:left;font-weight:normal">{escape(first)}</th>'
                    + "".join(f'<td style="{cell};text-align:right">{escape(v)}</td>' for v in rest) + "</tr>")
    return (f'<div class="tracker-table" style="overflow-x:auto;font-size:14px;color:{INK}">'
            '<table style="border-collapse:collapse;border:none">'
            f'<thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def counts_html(counts: list[tuple[str, int | str]]) -> str:
    """Counts side by side, each its label over its number (as st.metric shows one), wrapping on a narrow page."""
    items = "".join(f'<div class="count" style="min-width:7rem"><div class="label" style="font-size:14px">'
                    f'{escape(label)}</div><div class="value" style="font-size:2.25rem;line-height:1.3">{escape(str(n))}'
                    "</div></div>" for label, n in counts)
    return f'<div class="tracker-counts" style="display:flex;flex-wrap:wrap;gap:0.5rem 2rem;color:{INK}">{items}</div>'
