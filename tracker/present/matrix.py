"""The status matrix — targets × regions (or years), each cell coloured by its status and saying its figure — as an
HTML table, not a chart: a page with it opens without starting a chart library (a chart library took seconds to
start in each new tab, and the briefing, the page a leader opens from a link, has no chart), and it reads as a table
does: a screen reader walks its rows, a cell's reason shows on hover, it copies into a document.

Colours and words come from tracker.core.status.STATUSES, as on every chart and map; the legend names each colour
shown, so no status is told by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from tracker.core.i18n import t
from tracker.core.status import STATUSES
from tracker.core.status import label as status_label
from tracker.present.charts import FONT

UPRIGHT_HEADERS = 6  # more columns than this: their labels stand vertically (as a Chinese form's do)


@dataclass(frozen=True)
class Cell:
    text: str  # the figure shown
    status: str | None  # None: the target does not apply there
    why: str  # what hovering says, plain text, a line each


@dataclass(frozen=True)
class StatusMatrix:
    title: str
    rows: list[str]
    columns: list[str]
    cells: list[list[Cell]]  # by row, then column
    legend: list[tuple[str, str]]  # (the status in words, its colour) for each status shown, worst first

    def html(self) -> str:
        """The matrix as one HTML block (inline styles only: Streamlit's st.html keeps them)."""
        upright = len(self.columns) <= UPRIGHT_HEADERS
        head_style = "font-weight:normal;padding:2px 4px;vertical-align:bottom;" + (
            "white-space:nowrap" if upright else "writing-mode:vertical-rl;white-space:nowrap;text-align:left")
        heads = "".join(f'<th scope="col" style="{head_style}">{escape(c)}</th>' for c in self.columns)
        body = []
        for row, cells in zip(self.rows, self.cells):
            tds = "".join(_td(cell) for cell in cells)
            body.append('<tr><th scope="row" style="text-align:left;font-weight:normal;white-space:nowrap;'
                        f'position:sticky;left:0;background:#FFFFFF;padding:2px 8px 2px 0">{escape(row)}</th>{tds}</tr>')
        legend = "".join(f'<span style="margin-right:14px;white-space:nowrap"><span style="display:inline-block;'
                         f'width:12px;height:12px;background:{colour};border:1px solid #666;vertical-align:-1px;'
                         f'margin-right:4px"></span>{escape(name)}</span>' for name, colour in self.legend)
        return (f'<div class="status-matrix" style="font-family:{FONT["family"]};font-size:13px;color:#262730">'
                f'<div style="font-size:15px;font-weight:600;margin:0 0 6px">{escape(self.title)}</div>'
                '<div style="overflow-x:auto"><table style="border-collapse:separate;border-spacing:2px;border:none">'
                f'<thead><tr><th></th>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
                f'<div style="margin-top:6px">{legend}</div></div>')


def _td(cell: Cell) -> str:
    style = "padding:3px 8px;text-align:center;white-space:nowrap;min-width:44px;border:none"
    if cell.status is None:
        return f'<td title="{escape(cell.why)}" style="{style};background:#FFFFFF"></td>'
    s = STATUSES[cell.status]
    return f'<td title="{escape(cell.why)}" style="{style};background:{s.colour};color:{s.ink}">{escape(cell.text)}</td>'


def status_matrix(cells: pd.DataFrame, rows: str, columns: str, row_order: list[str], column_order: list[str],
                  title: str, lang: str = "zh") -> StatusMatrix:
    """A rows × columns matrix of `cells` (tracker.present.scorecard.cell_frame: the `rows` and `columns` fields plus
    status, status_label, text and hover). A place with no cell is left white and says the target does not apply."""
    lookup = {(r[rows], r[columns]): r for r in cells.to_dict("records")}
    none_text = t("chart.not_applicable", lang)
    grid = []
    for row in row_order:
        line = []
        for col in column_order:
            found = lookup.get((row, col))
            if found is None:
                line.append(Cell("", None, f"{row} · {col}\n{none_text}"))
                continue
            lines = found["hover"].split("\n")
            line.append(Cell(found["text"], found["status"], "\n".join(lines[:1] + [found["status_label"]] + lines[1:])))
        grid.append(line)
    shown = sorted(set(cells["status"]), key=lambda s: STATUSES[s].rank)
    legend = [(status_label(s, lang), STATUSES[s].colour) for s in shown]
    return StatusMatrix(title, list(row_order), list(column_order), grid, legend)
