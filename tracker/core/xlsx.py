"""Files people take away: tables as Excel workbooks."""

from __future__ import annotations

import io

import pandas as pd

# A name or value that starts with "=" (or looks like a link) is written as the text it is, never as an
# Excel formula or hyperlink: files people send must not become formulas in the files we hand back.
TEXT_ONLY = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (header bold, first row frozen, columns widened)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=TEXT_ONLY) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes(1, 0)
            for i, column in enumerate(frame.columns):
                width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2
                sheet.set_column(i, i, min(width * 1.6, 60))
    return buffer.getvalue()
