"""Files people take away: tables as Excel workbooks."""

from __future__ import annotations

import io

import pandas as pd


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (header bold, first row frozen, columns widened)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes(1, 0)
            for i, column in enumerate(frame.columns):
                width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2
                sheet.set_column(i, i, min(width * 1.6, 60))
    return buffer.getvalue()
