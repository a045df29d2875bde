"""Showing load reports on a page: one block per file, with its rejections to download."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import returns
from etl.load import FileReport, mostly_rejected, rejects_chunks
from tracker.core import audit
from tracker.core.clock import beijing_text
from tracker.core.i18n import md_escape, t
from tracker.core.numbers import number
from tracker.core.xlsx import xlsx_bytes, xlsx_streamed
from tracker.present.reasons import held_table, rejects_table
from ui import data, widgets

UPLOAD_PREFIX = "tracker-upload-"
UPLOADS_KEPT_HOURS = 12  # a session's folder left behind (the browser closed) is removed after this


def answer_frame(content: bytes, name: str, max_rows: int) -> pd.DataFrame:
    """An uploaded answer workbook (数据审核's findings with their 说明) as a table of text, read by the bounded
    reader every return goes through (etl.returns.read_rows); Refused as a return would be."""
    with tempfile.TemporaryDirectory(prefix=UPLOAD_PREFIX) as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(content)
        rows = returns.read_rows(path, max_rows)
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header, body = rows[0] + [""] * (width - len(rows[0])), [r + [""] * (width - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object).replace("", None)


def saved_uploads(files) -> list[Path]:
    """Write the uploaded files to this session's folder under their own names (the batch keeps the name),
    each in a folder of its own: two files of one name are two files. The session's earlier uploads are
    removed first, and so are folders that sessions left behind."""
    _sweep_old_uploads()
    folder = Path(st.session_state.setdefault("_upload_dir", tempfile.mkdtemp(prefix=UPLOAD_PREFIX)))
    for old in folder.iterdir():
        shutil.rmtree(old, ignore_errors=True)
    paths = []
    for i, f in enumerate(files):
        path = folder / str(i) / Path(f.name).name
        path.parent.mkdir()
        path.write_bytes(f.getvalue())
        paths.append(path)
    return paths


def discard_uploads() -> None:
    """Remove this session's uploaded files (at sign-out)."""
    folder = st.session_state.pop("_upload_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _sweep_old_uploads() -> None:
    cutoff = time.time() - UPLOADS_KEPT_HOURS * 3600
    for folder in Path(tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def change_lines(report: FileReport, lang: str, catalogue) -> str:
    """What the load does to the store's current values: added, replaced (the largest change), the same."""
    text = t("data.changes", lang, new=f"{report.values_new:,}", n=report.values_replaced, same=f"{report.values_same:,}")
    if report.members_loaded:
        text += t("data.members", lang, n=report.members_loaded)
    change = report.largest_change
    if change:
        measure = catalogue.measures.get(change["measure_id"])
        unit = measure.value_unit(lang) if measure else ""
        text += t("data.largest_change", lang, region=md_escape(change["name"]), code=change["code"],
                  year=change["year"], measure=measure.name(lang) if measure else change["measure_id"],
                  before=number(change["before"], unit, lang), after=number(change["value"], unit, lang))
    return text


def show_report(report: FileReport, lang: str, key: str, catalogue) -> None:
    """One file's outcome: status, counts, reasons, the rejected rows and their download."""
    status = t(f"data.status.{report.status}", lang)
    if report.refused:
        said = md_escape(t(report.message_key, lang, **report.message_args))  # it names the file, as it was sent
        st.error(t("data.report_said", lang, file=md_escape(report.source_name), status=status, said=said))
        return
    if report.status == "held":
        st.warning(t("data.report_said", lang, file=md_escape(report.source_name), status=status,
                     said=t(report.message_key, lang, **report.message_args)))
    elif report.status == "unchanged":
        args = dict(report.message_args)
        if "at" in args:
            args["at"] = beijing_text(args["at"], lang)
        st.info(t("data.report_said", lang, file=md_escape(report.source_name), status=status,
                  said=t(report.message_key, lang, **args)))
        return
    else:
        box = st.success if report.values_rejected == 0 else st.warning
        batch = t("data.batch", lang, n=report.batch_id) if report.batch_id else ""
        box(f"**{md_escape(report.source_name)}** · {status}{batch}")
    if report.status == "checked" and mostly_rejected(report):
        st.warning(t("data.mostly_rejected", lang, n=report.rows_rejected, rows=report.rows_read))
    counts = [("rows_read", report.rows_read), ("values_loaded", report.values_loaded),
              ("values_held", report.values_held), ("values_rejected", report.values_rejected),
              ("blank_cells", report.blank_cells), ("rows_skipped", report.rows_skipped)]
    for column, (name, n) in zip(st.columns(len(counts)), counts):
        column.metric(t(f"data.count.{name}", lang), f"{n:,}")
    st.markdown(change_lines(report, lang, catalogue))
    if report.values_held:
        show_held(report, lang, catalogue, key)
    if report.rejects.empty:
        return
    reasons = report.by_reason()
    st.caption(t("data.by_reason", lang) + t("data.joiner", lang).join(f"{audit.reason_name(c, lang, catalogue)} {n:,}" for c, n in reasons.items()))
    def write_all() -> bytes:
        if report.batch_id:  # published: every rejected row is in the store
            return data.batch_rejects_xlsx(report.batch_id, lang)
        # checked: those the report holds, or all of them from the file the check wrote
        return xlsx_streamed(t("data.sheet.rejected", lang), list(rejects_table(pd.DataFrame(), lang, catalogue).columns),
                             (rejects_table(chunk, lang, catalogue) for chunk in rejects_chunks(report)))
    show_rejects(report.rejects, lang, catalogue, key, t("file.rejects", lang, name=Path(report.source_name).stem) + ".xlsx",
                 write_all, total=report.values_rejected)


def show_held(report: FileReport, lang: str, catalogue, key: str) -> None:
    """The values a verify rule holds for 核实 (or will, once published): how many by rule, the first few hundred,
    and all of them as Excel."""
    rules = report.held["rule_id"].value_counts()
    named = t("data.joiner", lang).join(f"{catalogue.audit[r].title(lang) if r in catalogue.audit else r} {n:,}"
                                        for r, n in rules.items())
    st.warning(t("data.held.loaded" if report.status == "loaded" else "data.held.checked", lang,
                 n=report.values_held, rules=named))
    st.dataframe(held_table(report.held.head(SHOWN_REJECTS), lang, catalogue), hide_index=True, key=f"held_{key}")
    widgets.file_button(t("data.download_held", lang), lambda: xlsx_bytes(
        {t("data.sheet.held", lang): held_table(report.held, lang, catalogue)}),
                        t("file.held", lang, name=Path(report.source_name).stem) + ".xlsx", widgets.XLSX, f"download_held_{key}")


SHOWN_REJECTS = 500  # rows drawn on the page; the download has them all


def show_rejects(rejects, lang: str, catalogue, key: str, file_name: str, write_all=None, total: int | None = None) -> None:
    """Rejected rows as a reader sees them (the row's code and name, the value as sent, the reason in the
    interface language), the first few hundred on the page (saying so when there are more, `total`), every one in
    the Excel file made on click (by `write_all` when the rows shown are a page of more)."""
    if total is not None and total > SHOWN_REJECTS:
        st.caption(t("data.rejects_shown", lang, shown=f"{min(len(rejects), SHOWN_REJECTS):,}", n=f"{total:,}"))
    st.dataframe(rejects_table(rejects.head(SHOWN_REJECTS), lang, catalogue), hide_index=True, key=f"rejects_{key}")
    widgets.file_button(t("data.download_rejects", lang), write_all or (
        lambda: xlsx_bytes({t("data.sheet.rejected", lang): rejects_table(rejects, lang, catalogue)})),
                        file_name, widgets.XLSX, f"download_{key}")
