"""Files people take away: tables as Excel workbooks, and CSV whose text cannot turn into a formula."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import xlsxwriter

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


def xlsx_streamed(name: str, columns: list[str], chunks: Iterable[pd.DataFrame], rows: int = SHEET_ROWS) -> bytes:
    """A one-table workbook written chunk by chunk in constant memory (xlsxwriter's constant_memory mode, through a
    temporary file): a table longer than a sheet goes on in '名称 (2)', … Text cells are text, as in xlsx_bytes."""
    with tempfile.TemporaryDirectory(prefix="tracker-xlsx-") as folder:
        path = Path(folder) / "table.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **TEXT_ONLY["options"]})
        bold = book.add_format({"bold": True})
        sheet, written, part = None, rows, 0
        for chunk in chunks:
            for values in chunk.itertuples(index=False, name=None):
                if written >= rows:
                    part += 1
                    sheet = book.add_worksheet(name[:31] if part == 1 else f"{name[:24]} ({part})")
                    sheet.write_row(0, 0, columns, bold)
                    sheet.freeze_panes(1, 0)
                    written = 0
                written += 1
                sheet.write_row(written, 0, [_cell(v) for v in values])
        if sheet is None:  # no rows: the header alone
            book.add_worksheet(name[:31]).write_row(0, 0, columns, bold)
        book.close()
        return path.read_bytes()


def _cell(value: object) -> object:
    """A value xlsxwriter writes as it is: None for missing, plain Python numbers for numpy's."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value
