"""Files people take away: tables as Excel workbooks, and CSV whose text cannot turn into a formula."""

from __future__ import annotations

import io

import pandas as pd

# A name or value that starts with "=" (or looks like a link) is written as the text it is, never as an
# Excel formula or hyperlink: files people send must not become formulas in the files we hand back.
TEXT_ONLY = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads a cell's formula from


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or
    a carriage return) written as text: a leading apostrophe, as spreadsheets themselves mark text. Numbers are
    left as they are (a negative number is a number); for every CSV a user or a script receives."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = [("'" + v) if isinstance(v, str) and v.startswith(FORMULA_START) else v
                            for v in safe[column]]
    return safe


SHEET_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, the header included


def sheet_parts(name: str, frame: pd.DataFrame, rows: int = SHEET_ROWS) -> list[tuple[str, pd.DataFrame]]:
    """A table as one sheet, or as several ('名称 (2)', ...) when it has more rows than a sheet holds."""
    if len(frame) <= rows:
        return [(name[:31], frame)]
    parts = range(0, len(frame), rows)
    return [(f"{name[:24]} ({i + 1})", frame.iloc[start:start + rows]) for i, start in enumerate(parts)]


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (header bold, first row frozen, columns widened); a table longer
    than a sheet goes on as many sheets as it needs."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=TEXT_ONLY) as writer:
        for name, whole in sheets.items():
            for part, frame in sheet_parts(name, whole):
                frame.to_excel(writer, sheet_name=part, index=False)
                sheet = writer.sheets[part]
                sheet.freeze_panes(1, 0)
                for i, column in enumerate(frame.columns):
                    width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2
                    sheet.set_column(i, i, min(width * 1.6, 60))
    return buffer.getvalue()
