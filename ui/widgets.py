"""Pieces several pages draw the same way: the target cards, a short table, a row of counts, a chart, the status
matrix, an Excel download, the "why this colour" panel and a link to a village's profile."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_bytes
from tracker.present.matrix import StatusMatrix
from tracker.present.scorecard import Card, cards_html
from tracker.present.tables import counts_html, html_table
from ui import filters, svg_drawing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cards(shown: list[Card], area: str, lang: str) -> None:
    """The target cards as one HTML block (tracker.present.scorecard.cards_html): a briefing's dozen cards are one
    element to send and draw, and each card's reasons open in the browser without running the page again."""
    st.html(cards_html(shown, area, lang))


TABLE_ROWS = 30  # a table longer than this is a grid to scroll, sort and search; a shorter one is read as a report


def table(frame: pd.DataFrame, words: Iterable[str] = ()) -> None:
    """A table read as a report is read (the first column names the row; `words` are its text columns, the rest
    figures) as one HTML block (tracker.present.tables.html_table); one of more than TABLE_ROWS rows, a grid."""
    if len(frame) > TABLE_ROWS:
        st.dataframe(frame, hide_index=True)
    else:
        st.html(html_table(frame, words))


def counts(shown: list[tuple[str, int | str]]) -> None:
    """A row of counts (label over number, as st.metric shows one) as one HTML block."""
    st.html(counts_html(shown))


def chart(data: dict, name: str, lang: str) -> None:
    """A chart (tracker.present.charts' data), drawn by the browser as an SVG, with its download named for the view."""
    svg_drawing.draw(data, f"chart.{name}", lang, name)


def status_matrix(m: StatusMatrix) -> None:
    """The status matrix as its HTML table (a cell's reason on hover)."""
    st.html(m.html())


def xlsx_button(label: str, sheets: dict[str, pd.DataFrame], file_name: str, key: str) -> None:
    """A download button for tables as one Excel workbook, written only when clicked (a 6,000-row work
    list takes half a second to write; the page should not pay that on every render)."""
    file_button(label, lambda: xlsx_bytes(sheets), file_name, XLSX, key)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_button(label: str, write, file_name: str, mime: str, key: str) -> None:
    """A download button whose file is written only when clicked (`write` returns its bytes)."""
    st.download_button(label, write, file_name=file_name, mime=mime, key=key, icon=":material/download:",
                        on_click="ignore")


MIME = {"docx": DOCX, "html": "text/html", "csv": "text/csv", "xlsx": XLSX}


def download_row(files: list[tuple[str, object, str, str]]) -> None:
    """Download buttons side by side: (label, a function writing the bytes, file name, key) each, the type
    read from the file name's suffix; nothing is written until its button is clicked."""
    for column, (label, write, file_name, key) in zip(st.columns(len(files)), files):
        with column:
            file_button(label, write, file_name, MIME[file_name.rsplit(".", 1)[-1]], key)


def folded(label: str, key: str, icon: str | None = None):
    """An expander whose content the page builds only while it is open (`with folded(...) as box: if box.open:
    ...`): opening it runs the page again, and a page switch neither builds nor sends what nobody opened. Its label
    is part of what Streamlit knows it by: a label that changes with the data (a count in it) makes a new panel, and
    an open one closes, so a label names what the panel holds, not how many."""
    return st.expander(label, key=key, icon=icon, on_change="rerun")


def why_panel(cells: pd.DataFrame, lang: str, key: str) -> None:
    """Pick any coloured cell (target and region) and read the parts behind its colour."""
    if cells.empty:
        return
    with folded(t("why.title", lang), f"{key}.open", icon=":material/help:") as box:
        if not box.open:
            return
        left, right = st.columns(2)
        target = left.selectbox(t("why.target", lang), cells["target"].unique().tolist(), key=f"{key}.target")
        options = cells[cells["target"] == target]
        region = right.selectbox(t("why.region", lang), options["region"].tolist(), key=f"{key}.region")
        row = options[options["region"] == region].iloc[0]
        st.markdown(f"**{md_escape(region)} · {target}**: {row['text']}（{t('figure.target', lang)} {row['target_text']}）")
        st.markdown("\n".join(f"- {line}" for line in row["why"]))


def village_link(code: str, name: str, lang: str) -> None:
    """A link that opens a village's profile (the URL carries the village, so it can be shared)."""
    f = filters.current()
    st.page_link("app_pages/village.py", label=t("village.open", lang, name=md_escape(name)), icon=":material/home_pin:",
                 query_params={**filters.url_params(f), "village": code})


def open_village(code: str) -> None:
    """Go to a village's profile now (after a click on the map or the work list)."""
    st.session_state["kept.village"] = code
    filters.switch_page("app_pages/village.py", {**filters.url_params(filters.current()), "village": code})
