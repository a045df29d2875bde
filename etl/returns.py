"""Reading what counties send: CSV (UTF-8 with or without BOM, or GBK) and Excel workbooks.

`read_return(path, measures, groups)` finds, in each sheet, the header row (title rows above it
are skipped), tells the shape from the header (long, wide or group list) and returns the cells as
text with their spreadsheet row numbers. Nothing is cleaned here: that is SQL (etl/sql/). A file
that cannot be read at all raises Refused with a message for the person who sent it.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import multiprocessing
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from tracker.core.i18n import t

try:
    import resource  # imported here, not in the forked reader (another thread may hold the import lock at the fork)
except ImportError:  # Windows: no fork either
    resource = None

HEADER_SEARCH_ROWS = 30  # title rows above the header are tolerated, this many at most
CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

# Column roles by header text (compared with header_key). Measures are matched by id or name.
ROLE_NAMES: dict[str, set[str]] = {
    "code": {"region_code", "code", "区划代码", "统计用区划代码", "行政区划代码", "代码", "村代码", "地区代码",
             "单位代码", "村（居）委会代码"},
    "year": {"year", "年份", "年度", "统计年度", "报告年度"},
    "measure": {"measure", "measure_id", "指标", "指标名称", "指标代码", "统计指标"},
    "value": {"value", "数值", "值", "指标值", "数据"},
    "group": {"group", "group_id", "分组", "名单", "对象名单", "所属名单"},
    "county": {"county_code", "县代码", "所属县代码", "县（市、区）代码", "县区代码"},
    # the village's name beside its code: checked against the code (a mismatch is rejected, never guessed)
    "name": {"name", "名称", "村名称", "村名", "村（居）委会名称", "村（居）名称", "村委会名称", "村（社区）名称",
             "村民委员会名称", "行政村", "行政村名称"},
    # descriptive columns of Chinese forms: read past, never taken for a measure
    "ignored": {"序号", "序", "no", "no.", "编号", "行号", "乡镇", "乡镇名称", "乡镇（街道）", "乡镇/街道", "乡镇（街道）名称",
                "所属乡镇", "街道", "县", "县名", "县名称", "县（市、区）", "县（市、区）名称", "所属县", "所属县（市、区）",
                "市", "市名称", "备注", "说明", "备注说明", "note", "notes", "单位", "unit", "计量单位", "填报人",
                "联系电话", "填报日期"},
}


class Refused(Exception):
    """The whole file is refused, said in the sender's terms by a message of the catalogue (`key` with `values`,
    data.refused.*): the exception's text is its Chinese wording; a page shows it in the reader's language."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(t(key, "zh", **values))

    def __reduce__(self):  # sent whole from the workbook reader's process
        return _refused_again, (self.key, self.values)


def _refused_again(key: str, values: dict) -> Refused:
    return Refused(key, **values)


def header_key(text: object) -> str:
    """Header text compared loosely: full-width folded, lower case, no spaces, no unit in brackets."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    s = re.sub(r"[（(][^）)]*[）)]$", "", s)
    return re.sub(r"\s", "", s)


@dataclass
class Sheet:
    """One table found in a file: its header, its shape and its cells as text."""

    name: str | None  # sheet name; None for CSV
    header_row: int  # spreadsheet row number of the header
    headers: list[str]  # header texts as written
    roles: dict[int, str]  # column index -> code / year / measure / value / group / county / ignored
    measure_of_column: dict[int, str | None] = field(default_factory=dict)  # wide: column -> measure id (None: unknown)
    shape: str = "wide"  # wide / long / groups
    rows: pd.DataFrame | None = None  # row_number, then c0, c1, ... as text (None for the DuckDB fast path)
    csv_path: Path | None = None  # fast path: a UTF-8 CSV for DuckDB to read, data after `csv_skip` lines
    csv_skip: int = 0
    csv_delimiter: str = ","

    def column(self, role: str) -> int | None:
        """The index of the (first) column with `role`."""
        return next((i for i, r in self.roles.items() if r == role), None)


@dataclass
class ReturnFile:
    path: Path
    encoding: str | None
    sheets: list[Sheet]
    skipped_sheets: list[str]

    def transcode(self, workdir: Path, text: str | None = None) -> Path:
        """A UTF-8 copy, in `workdir`, of a CSV in GBK (`text`: the file decoded, when it is already), for DuckDB to
        read; the file's encoding is GBK from then on. Also for a CSV taken for UTF-8 by its head whose rest is not
        (DuckDB said so): refused when it is not GBK either."""
        if text is None:
            try:
                text = self.path.read_bytes().decode("gb18030")
            except UnicodeDecodeError:
                raise Refused("data.refused.encoding", file=self.path.name) from None
        target = workdir / (self.path.stem + ".utf8.csv")
        target.write_text(text, encoding="utf-8")
        self.encoding = "gbk"
        return target

    @property
    def detail(self) -> dict:
        """How the file was read, for the batch record."""
        return {
            "encoding": self.encoding,
            "sheets": [{"name": s.name, "header_row": s.header_row, "shape": s.shape} for s in self.sheets],
            "skipped_sheets": self.skipped_sheets,
        }


def _roles(headers: list[str], measure_keys: dict[str, str]) -> tuple[dict[int, str], dict[int, str | None]]:
    roles: dict[int, str] = {}
    measures: dict[int, str | None] = {}
    for i, h in enumerate(headers):
        key = header_key(h)
        role = next((r for r, names in ROLE_NAMES.items() if key in names), None)
        if role:
            roles[i] = role
        elif key in measure_keys:
            roles[i], measures[i] = "measure_column", measure_keys[key]
        elif key:
            roles[i], measures[i] = "measure_column", None  # an unknown measure: its cells are rejected
    return roles, measures


def find_header(rows: list[list[str]], measure_keys: dict[str, str]) -> tuple[int, Sheet] | None:
    """The first row (of the first HEADER_SEARCH_ROWS) that reads as a header, as (index, Sheet)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [str(c or "").strip() for c in row]
        roles, measures = _roles(headers, measure_keys)
        found = set(roles.values())
        if "code" not in found:
            continue
        if "group" in found:
            shape = "groups"
        elif {"measure", "value", "year"} <= found:
            shape = "long"
        elif "year" in found and "measure_column" in found:
            shape = "wide"
        else:
            continue
        if shape != "wide":
            measures = {}
            roles = {i: r for i, r in roles.items() if r != "measure_column"}
        return index, Sheet(name=None, header_row=index + 1, headers=headers, roles=roles,
                            measure_of_column=measures, shape=shape)
    return None


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text a person typed: 361127101213.0 -> '361127101213'."""
    if value.__class__ is float:  # most cells: tested first (a class test, not isinstance: half a million a sheet)
        return str(int(value)) if value.is_integer() and -1e15 < value < 1e15 else repr(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _frame(rows: list[list[object]], first_row_number: int, width: int) -> pd.DataFrame:
    """Rows below the header as a text frame: row_number, c0 .. c(width-1)."""
    data = {f"c{i}": [_cell_text(r[i]) if i < len(r) else None for r in rows] for i in range(width)}
    frame = pd.DataFrame(data, dtype="string")
    frame.insert(0, "row_number", range(first_row_number, first_row_number + len(rows)))
    return frame


BOM = b"\xef\xbb\xbf"
HEAD_BYTES = 200_000  # the part of a CSV read here, to find its header and tell its encoding


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(BOM):
        return raw[len(BOM):].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise Refused("data.refused.encoding", file=path.name) from None


def _decode_head(raw: bytes, path: Path) -> tuple[str, str]:
    """A CSV's text as far as it is decoded here, and its encoding. A head in UTF-8 makes the file UTF-8 and only the
    head is decoded (the whole took 0.5 s for 170 MB): DuckDB checks every byte as it reads, and a file whose rest is
    not UTF-8 is read again as GBK (ReturnFile.transcode). Any other file is decoded whole, as GBK."""
    start = len(BOM) if raw.startswith(BOM) else 0
    try:
        head = codecs.getincrementaldecoder("utf-8")().decode(raw[start:start + HEAD_BYTES],
                                                             final=len(raw) <= start + HEAD_BYTES)
        return head, "utf-8-sig" if start else "utf-8"
    except UnicodeDecodeError:
        return _decode(raw, path)


BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")


def _blank_line_inside(raw: bytes, lines_before: int) -> bool:
    """Whether a blank (or only spaces) line lies between the table's first line, after `lines_before` lines, and
    its last non-blank one. Searched in the bytes as read, without copying them (a newline, a space, a tab or a
    carriage return is the same byte in UTF-8 and GBK, and never part of another character)."""
    start = 0
    for _ in range(lines_before):
        start = raw.find(b"\n", start) + 1
        if start == 0:
            return False  # the file ends within the header
    end = len(raw)
    while end > start and raw[end - 1] in b"\r\n \t":
        end -= 1
    if start == 0:
        return BLANK_LINE.search(b"\n" + raw[:end]) is not None
    return BLANK_LINE.search(raw, start - 1, end) is not None


def _read_csv(path: Path, measure_keys: dict[str, str], workdir: Path) -> ReturnFile:
    raw = path.read_bytes()
    decoded, encoding = _decode_head(raw, path)
    head = decoded[:HEAD_BYTES]
    first_lines = "\n".join(head.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    delimiter = max(",\t;", key=first_lines.count)  # the separator used most near the top
    reader = csv.reader(io.StringIO(head), delimiter=delimiter)
    head_rows, line_after = [], []
    for row in reader:
        head_rows.append(row)
        line_after.append(reader.line_num)  # physical lines read up to the end of this record
        if len(head_rows) >= HEADER_SEARCH_ROWS:
            break
    found = find_header(head_rows, measure_keys)
    if found is None:
        raise Refused("data.refused.no_header", file=path.name)
    index, sheet = found
    lines_through_header = line_after[index]
    if _blank_line_inside(raw, lines_through_header):
        # Blank lines inside the table: DuckDB would skip them and shift the row numbers, so the
        # rows are read here, counting every line as a spreadsheet would.
        text, encoding = (decoded, encoding) if encoding == "gbk" else _decode(raw, path)
        body = text.split("\n", lines_through_header)[-1] if lines_through_header else text
        rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
        sheet.rows = _frame(rows, sheet.header_row + 1, len(sheet.headers))
        return ReturnFile(path, encoding, [sheet], [])
    sheet.csv_skip = lines_through_header
    sheet.csv_delimiter = delimiter
    returned = ReturnFile(path, encoding, [sheet], [])
    sheet.csv_path = returned.transcode(workdir, decoded) if encoding == "gbk" else path
    return returned


MAX_COLUMNS = 300  # per sheet; a return has a code, a year and at most a few dozen measures
MAX_CELLS = 10_000_000  # per sheet (rows × columns), read past only after it is checked
SCAN_CHUNK = 1 << 20
# a cell's address: the attribute r of <c> (the only attribute of a sheet's XML called r whose value has letters;
# a row's r is its number), as the reader takes it: quotes double or single, space around "=", letters of any case
# and number (r = 'xfd1048576' asks for the same half terabyte as r="XFD1048576")
CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]+)(\d+)["']""")
# the same address written with XML character references (r="&#88;FD1048576" is r="XFD1048576" to an XML parser)
ENTITY_REF = re.compile(rb"""\sr\s*=\s*["']([^"'<>]{0,200}&#[^"'<>]{0,200})["']""")
ADDRESS = re.compile(r"([A-Za-z]+)(\d+)")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"(?:[A-Z]+\d+:)?([A-Z]{1,3})(\d+)\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _xlsx_sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its XML part} of an .xlsx, from the workbook and its relationships (small files; the
    OOXML namespaces are matched by wildcard)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("{*}Relationship")}
    parts = {}
    for sheet in workbook.findall("{*}sheets/{*}sheet"):
        rel = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel, "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def check_xlsx_extent(path: Path, sheet_names: list[str] | None = None) -> None:
    """Refuse a workbook whose sheet is larger than a return can be, before anything allocates for it: the
    sheet's stated dimension first, then every cell address it holds (a 2 KB file with one cell at
    XFD1048576 states nothing, yet asks the reader for half a terabyte). Reads the sheet's XML in chunks."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = _xlsx_sheet_parts(book)
            for name, part in parts.items():
                if sheet_names is not None and name not in sheet_names:
                    continue
                last_row = last_column = 0
                with book.open(part) as xml:
                    tail = b""
                    while chunk := xml.read(SCAN_CHUNK):
                        text = tail + chunk
                        stated = DIMENSION.search(text) if last_row == 0 else None
                        if stated:
                            _refuse_extent(path, name, int(stated.group(2)), _column_number(stated.group(1)))
                        found = CELL_REF.findall(text) + _entity_addresses(text)
                        if found:  # a chunk holds thousands of cells in a few columns: each column's letters once
                            last_column = max(last_column, *map(_column_number, {letters for letters, _ in found}))
                            last_row = max(last_row, *map(int, [row for _, row in found]))
                        _refuse_extent(path, name, last_row, last_column)
                        tail = text[-256:]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return  # not a readable .xlsx package: calamine says so in its own refusal


def _entity_addresses(text: bytes) -> list[tuple[bytes, bytes]]:
    """The cell addresses written with character references, resolved as the reader resolves them."""
    if b"&#" not in text:
        return []
    found = []
    for raw in ENTITY_REF.findall(text):
        address = ADDRESS.fullmatch(html.unescape(raw.decode("utf-8", "replace")).strip())
        if address:
            found.append((address.group(1).encode(), address.group(2).encode()))
    return found


def _refuse_extent(path: Path, sheet: str, rows: int, columns: int) -> None:
    if columns > MAX_COLUMNS or rows * max(columns, 1) > MAX_CELLS:
        raise Refused("data.refused.sheet_too_big", file=path.name, sheet=sheet, rows=rows, columns=columns,
                      max_columns=MAX_COLUMNS, max_cells=MAX_CELLS)


EXCEL_MEMORY = 2 << 30  # bytes of address space the workbook's reader may add (a sheet at MAX_CELLS takes ~0.5 GB)
EXCEL_SECONDS = 600  # and the time it may take


def _read_excel(path: Path, measure_keys: dict[str, str], sheet_name: str | None, workdir: Path) -> ReturnFile:
    """An Excel file's tables, read by the bounded reader (_bounded)."""
    return _bounded(path, sheet_name, _read_workbook, path, measure_keys, sheet_name, workdir)


def read_rows(path: Path, max_rows: int) -> list[list[str]]:
    """The first sheet of an uploaded workbook as rows of text (at most `max_rows`, the header included), read by
    the same bounded reader as every return: a 数据审核 answer file, say. Refused as a return is."""
    return _bounded(path, None, _first_sheet_rows, path, max_rows)


def _first_sheet_rows(path: Path, max_rows: int) -> list[list[str]]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        _refuse_extent(path, book.sheet_names[0], sheet.height, sheet.width)
        return [[_cell_text(c) or "" for c in row] for _, row in zip(range(max_rows), sheet.iter_rows())]
    except (CalamineError, OSError, ValueError, IndexError) as e:
        raise Refused("data.refused.unreadable_excel", file=path.name, error=type(e).__name__) from None


def _bounded(path: Path, sheet_name: str | None, work, *args):
    """`work(*args)` on a workbook, run in a child process with EXCEL_MEMORY of room and EXCEL_SECONDS of time: a
    workbook that asks for more than a return can need (a far cell written in a way the extent check does not
    know, cells without addresses by the million) ends the child, not the server, and is refused. The extent
    check runs meanwhile (the usual far cell, said precisely; its refusal comes first)."""
    def check_extent() -> None:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            check_xlsx_extent(path, None if sheet_name is None else [sheet_name])

    if "fork" not in multiprocessing.get_all_start_methods():  # Windows: checked, then read in this process
        check_extent()
        return work(*args)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(target=_read_in_child, args=(sender, work, *args), daemon=True)
    reader.start()
    sender.close()
    try:
        check_extent()
        failed, result = receiver.recv() if receiver.poll(EXCEL_SECONDS) else (None, None)
    except EOFError:  # the reader ended without a word: killed by what it tried to allocate
        failed, result = None, None
    finally:
        receiver.close()
        reader.kill()  # this file's reader only (a finished one is gone already)
        reader.join()
    if failed is None:
        raise Refused("data.refused.reader_limit", file=path.name)
    if failed:
        raise result
    return result


def _read_in_child(sender, work, *args) -> None:
    """The workbook read in the reader's process, what it gives or the exception sent back."""
    _limit_memory()
    try:
        answer = (False, work(*args))
    except Exception as e:  # a refusal, or anything else: raised again in the server's process
        answer = (True, e)
    sender.send(answer)
    sender.close()


def _limit_memory() -> None:
    """In the reader's process: its address space capped at what it has now plus EXCEL_MEMORY, so an allocation past
    that fails there (where /proc tells the size; elsewhere the child still keeps a failure from the server)."""
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + EXCEL_MEMORY
    if hard == resource.RLIM_INFINITY or cap < hard:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _read_workbook(path: Path, measure_keys: dict[str, str], sheet_name: str | None, workdir: Path) -> ReturnFile:
    """The tables of an Excel file, each sheet's rows below its header written to a CSV in `workdir`."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as e:
        raise Refused("data.refused.unreadable_excel", file=path.name, error=type(e).__name__) from None
    names = book.sheet_names
    if sheet_name is not None:
        if sheet_name not in names:
            raise Refused("data.refused.no_such_sheet", file=path.name, sheet=sheet_name, sheets="、".join(names))
        names = [sheet_name]
    try:
        sheets, skipped = _sheets_to_csv(path, book, names, measure_keys, workdir)
    except (CalamineError, ValueError) as e:  # e.g. a cell address calamine cannot place: a refusal, not a traceback
        raise Refused("data.refused.unreadable_excel", file=path.name, error=type(e).__name__) from None
    if not sheets:
        raise Refused("data.refused.no_sheet_header", file=path.name, sheets="、".join(book.sheet_names))
    return ReturnFile(path, None, sheets, skipped)


def _sheets_to_csv(path: Path, book, names: list[str], measure_keys: dict[str, str],
                   workdir: Path) -> tuple[list[Sheet], list[str]]:
    """Each sheet with a header: its rows below the header written to a CSV in `workdir`; and the sheets without."""
    sheets, skipped = [], []
    for number, name in enumerate(names):
        sheet_data = book.get_sheet_by_name(name)
        _refuse_extent(path, name, sheet_data.height, sheet_data.width)  # an .xls states its range here
        rows = sheet_data.iter_rows()
        head = [[_cell_text(c) or "" for c in r] for _, r in zip(range(HEADER_SEARCH_ROWS), rows)]
        found = find_header(head, measure_keys)
        if found is None:
            skipped.append(name)
            continue
        index, sheet = found
        sheet.name = name
        # the rows below the header go to a UTF-8 CSV one at a time (memory stays bounded) and are read by
        # DuckDB as a CSV is; every row is written, blank ones too, so row numbers match the workbook's
        sheet.csv_path = workdir / f"{path.stem}.sheet{number}.csv"
        width = len(sheet.headers)
        with open(sheet.csv_path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for r in head[index + 1:]:
                writer.writerow([(r[i] if i < len(r) else "") for i in range(width)])
            text, blank = _cell_text, [""] * width
            for r in rows:  # a row of the sheet's width: its cells as typed, padded with blanks
                writer.writerow([text(c) or "" for c in r[:width]] + blank[len(r):])
        sheets.append(sheet)
    return sheets, skipped


def read_return(path: Path, measure_keys: dict[str, str], workdir: Path,
                sheet_name: str | None = None) -> ReturnFile:
    """Load: find the tables of a CSV or Excel file. Refused when nothing in it can be read."""
    path = Path(path)
    if not path.exists():
        raise Refused("data.refused.missing", file=str(path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, measure_keys, workdir)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, measure_keys, sheet_name, workdir)
    raise Refused("data.refused.unsupported", file=path.name, suffix=suffix)


def scratch_dir() -> tempfile.TemporaryDirectory:
    """A folder for transcoded copies, removed when the load ends."""
    return tempfile.TemporaryDirectory(prefix="tracker-load-")
