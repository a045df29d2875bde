"""Loading counties' returns into the store: validated, traceable, nothing lost.

`load_files` reads each file (etl/returns.py), stages its cells as text in DuckDB, judges every
cell with the cleaning and validation rules in SQL (etl/sql/), and saves what passed as a batch:
observations with their sheet, row and column, and every rejected row or cell with its reason.
All files of one call are published together by atomic rename (tracker.core.store.writing); a
refused file is reported and skipped; an error leaves the published store as it was.
`check_files` does the same without writing: the report a person sees before publishing.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl.returns import CSV_SUFFIXES, Refused, ReturnFile, Sheet, header_key, read_return, scratch_dir
from tracker.core import audit, codes, i18n, settings, store
from tracker.core.catalogue import Catalogue, load_catalogue
from tracker.core.i18n import t

MAX_ROWS = 5_000_000  # per file; the 数据管理 page states it

Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    pass


@dataclass
class FileReport:
    """What happened to one file: counts, reasons, and every rejected row."""

    source_name: str
    sha256: str
    status: str  # loaded / checked / unchanged / refused
    message: str = ""
    kind: str | None = None  # values / groups / values+groups
    batch_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0  # blank rows and notes below or inside the table
    values_loaded: int = 0
    values_rejected: int = 0
    members_loaded: int = 0  # of values_loaded, the group lists' members (the rest are statistics)
    blank_cells: int = 0
    duplicates_collapsed: int = 0
    detail: dict = field(default_factory=dict)
    # the first REPORT_REJECTS rejected rows (every one is in the store once published, or in `rejects_file` after a
    # check given a folder for it), and how many of each reason code
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    reasons: dict[str, int] = field(default_factory=dict)
    rejects_file: Path | None = None
    # against the store's current values: how many the load adds, replaces and leaves as they are, and the
    # largest change (region code and name, measure id, year, before, after)
    values_new: int = 0
    values_replaced: int = 0
    values_same: int = 0
    largest_change: dict | None = None
    # of the values loaded, those a verify rule holds for 核实 (audit.HELD_COLUMNS): loaded, not counted until a
    # 说明 is accepted on 数据审核
    held: pd.DataFrame = field(default_factory=pd.DataFrame)
    # a refused, held or unchanged file: what to say (data.refused.*, data.held, data.unchanged.*) and its values
    message_key: str | None = None
    message_args: dict = field(default_factory=dict)

    @classmethod
    def refused_by(cls, refusal: Refused, source_name: str, sha256: str) -> FileReport:
        """The report of a file refused whole, with the refusal's message (its key and values for other languages)."""
        return cls(source_name, sha256, "refused", str(refusal), message_key=refusal.key, message_args=refusal.values)

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    def by_reason(self) -> dict[str, int]:
        """How many rejections of each reason code, most first."""
        return dict(sorted(self.reasons.items(), key=lambda item: (-item[1], item[0])))

    def _add_rejects(self, rows: pd.DataFrame) -> None:
        """Count rejected rows by reason and keep them while the report holds fewer than REPORT_REJECTS."""
        for code, n in rows["reason_code"].value_counts().items():
            self.reasons[code] = self.reasons.get(code, 0) + int(n)
        room = REPORT_REJECTS - len(self.rejects)
        if room > 0:
            self.rejects = pd.concat([self.rejects, rows.head(room)], ignore_index=True)

    @property
    def values_held(self) -> int:
        return len(self.held)

    def summary(self, first: int = 5, catalogue: Catalogue | None = None) -> str:
        """The CLI's account of this file (each plausibility rule by its name with the catalogue)."""
        if self.status in ("refused", "unchanged", "held"):
            return f"{self.source_name}: {self.status} — {self.message}"
        verb = f"loaded as batch {self.batch_id}" if self.status == "loaded" else "checked (not published)"
        lines = [
            f"{self.source_name}: {verb} — {self.rows_read:,} rows read, {self.rows_loaded:,} loaded, "
            f"{self.rows_rejected:,} with rejections; {self.values_loaded:,} values loaded, "
            f"{self.values_rejected:,} rejected, {self.blank_cells:,} blank cells (missing, not zero), "
            f"{self.duplicates_collapsed:,} exact duplicates collapsed, {self.rows_skipped:,} blank or note rows skipped"
        ]
        lines.append(f"  against the store: {self.values_new:,} new, {self.values_replaced:,} replaced, "
                     f"{self.values_same:,} the same as now"
                     + (f"; {self.members_loaded:,} group members" if self.members_loaded else ""))
        if self.largest_change:
            c = self.largest_change
            lines.append(f"  largest change: {c['name']} ({c['code']}) {c['measure_id']} {c['year']}: "
                         f"{c['before']:g} -> {c['value']:g}")
        if self.by_reason():
            lines.append("  rejected by reason: " + ", ".join(
                f"{code} ({audit.reason_name(code, 'zh', catalogue)}) {n:,}" for code, n in self.by_reason().items()))
            for r in self.rejects.head(first).itertuples():
                lines.append(f"    {_where(r)}: {r.reason}")
        if self.values_held:
            rules = self.held["rule_id"].value_counts()
            verb = "held" if self.status == "loaded" else "would be held"
            lines.append(f"  {verb} for 核实 (loaded, not counted until a 说明 is accepted on 数据审核): "
                         f"{self.values_held:,} — " + ", ".join(
                             f"{_rule_name(rule, catalogue)} {n:,}" for rule, n in rules.items()))
            for r in self.held.head(first).itertuples():
                said = audit.message(catalogue, r._asdict(), "zh") if catalogue else r.rule_id
                lines.append(f"    {_where(r)} {r.region_name or r.region_code}: {said}")
        return "\n".join(lines)


def _where(row) -> str:
    """第4行 water, or 村级 第4行 water: where a cell is in its file."""
    return f"{row.sheet + ' ' if isinstance(row.sheet, str) and row.sheet else ''}第{row.row_number}行 {row.column}"


def _rule_name(rule: str, catalogue: Catalogue | None) -> str:
    """A plausibility rule by its Chinese name with the catalogue, else its id."""
    return catalogue.audit[rule].title("zh") if catalogue and rule in catalogue.audit else rule


IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def sql_with(template: str, **names: str | list[str] | int) -> str:
    """SQL text with identifiers filled in: generated table and column names (sheet_raw_0, c3) only,
    checked here, and whole numbers the code computed (a sheet's number, a row offset); every value from a file
    goes in as a parameter. A list fills in as a comma-separated list."""
    filled = {}
    for key, name in names.items():
        if isinstance(name, int) and not isinstance(name, bool):
            filled[key] = str(int(name))
            continue
        parts = name if isinstance(name, list) else [name]
        for part in parts:
            if not isinstance(part, str) or not IDENTIFIER.match(part):  # checked even under `python -O`
                raise ValueError(f"not a generated identifier: {part!r}")
        filled[key] = ", ".join(parts)
    return template.format(**filled)


def measure_keys(catalogue: Catalogue) -> dict[str, str]:
    """header_key of every measure id, Chinese and English name -> measure id."""
    keys: dict[str, str] = {}
    for m in catalogue.measures.values():
        # the name alone, and the name with its unit as the template heads a column: 名称（单位）
        for name in (m.id, m.zh, m.en, f"{m.zh}（{m.unit}）", f"{m.en} ({m.unit_en})"):
            keys[header_key(name)] = m.id
    return keys


def year_range(catalogue: Catalogue, today: date | None = None) -> tuple[int, int]:
    """Years a return may carry: the earliest plan's base year to this year (or the last plan's end)."""
    first = min(p.base_year for p in catalogue.plans.values())
    last = max(p.end_year for p in catalogue.plans.values())
    return first, min(last, (today or date.today()).year)


def reason_templates(lang: str) -> dict[str, str]:
    """{reason key: the sentence's template} in `lang` (the reject.* messages)."""
    ids = [m.id for m in i18n.catalogue(lang) if isinstance(m.id, str) and m.id.startswith("reject.")]
    return {key.removeprefix("reject."): t(key, lang) for key in ids}


def level_words(levels, lang: str) -> str:
    """'县（市、区）、市、省' — the levels a measure is reported at, in words."""
    return t("list.joiner", lang).join(t(f"level_name.{level}", lang) for level in levels)


def prepare(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    """The cleaning macros and the catalogue's measures and groups as temp tables."""
    con.execute(settings.sql_text("etl", "cleaning.sql"))
    con.execute(settings.sql_text("etl", "unit_code.sql"))
    # the clerk's sentences and the words they use, in Chinese, from the message catalogue (stored with each
    # rejection; the English is made from the same templates and the rejection's parts when shown)
    reasons = reason_templates("zh")
    con.execute("set variable row_ref = ?", [reasons.pop("row_ref")])
    con.execute("set variable more_places = ?", [reasons.pop("more_places")])
    con.execute("set variable list_joiner = ?", [t("list.joiner", "zh")])
    templates = pd.DataFrame({"key": list(reasons), "template": list(reasons.values())})
    # a level as a bit, a measure's levels as the sum of theirs: whether a unit may report a measure is one AND
    bit = {level: 1 << i for i, level in enumerate(codes.LEVELS)}
    words = pd.DataFrame({"level": codes.LEVELS, "word": [t(f"level_name.{level}", "zh") for level in codes.LEVELS],
                          "bit": [bit[level] for level in codes.LEVELS]})
    measures = pd.DataFrame([{
        "measure_id": m.id, "zh": m.zh, "unit": m.unit, "type": m.type, "percent": m.unit == "%",
        "lo": m.valid_range[0], "hi": m.valid_range[1], "levels": list(m.levels),
        "levels_zh": level_words(m.levels, "zh"), "level_mask": sum(bit[level] for level in m.levels),
    } for m in catalogue.measures.values()])
    aliases = pd.DataFrame([{"key": k, "measure_id": v} for k, v in measure_keys(catalogue).items()])
    groups = pd.DataFrame([{
        "group_id": g.id, "zh": g.zh, "level": g.level, "region": g.region,
        "fixed": g.members is not None, "parent": g.parent,
    } for g in catalogue.groups.values()], columns=["group_id", "zh", "level", "region", "fixed", "parent"])
    group_aliases = pd.DataFrame([{"key": header_key(name), "group_id": g.id}
                                  for g in catalogue.groups.values() for name in {g.id, g.zh, g.en}],
                                 columns=["key", "group_id"])
    for name, frame in (("measure_def", measures), ("measure_alias", aliases), ("group_def", groups),
                        ("group_alias", group_aliases), ("reason_template", templates), ("level_word", words)):
        con.register(f"{name}_frame", frame)
        con.execute(sql_with("create or replace temp table {t} as select * from {f}", t=name, f=f"{name}_frame"))
        con.unregister(f"{name}_frame")


CSV_ERROR_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _csv_refusal(file_name: str, error: duckdb.Error) -> Refused:
    """A malformed CSV refused in the sender's terms: the line, and what is wrong with it (never a traceback
    or a server path)."""
    text = str(error)
    if "Invalid unicode" in text:  # neither UTF-8 as its head was, nor GBK (ReturnFile.transcode)
        return Refused("data.refused.encoding", file=file_name)
    line = CSV_ERROR_LINE.search(text)
    if "unterminated quote" in text:
        what = "quote"
    elif "Expected Number of Columns" in text:
        what = "columns"
    else:
        what = "other"
    return Refused(f"data.refused.csv_{what}", file=file_name, line=line.group(1) if line else "?")


def _raw_table(con: duckdb.DuckDBPyConnection, sheet: Sheet, name: str, file_name: str) -> None:
    """The sheet's rows below its header as a text table `name` (c0 .. cN; names are generated here), in the
    sheet's order: a row's spreadsheet row number is its row id + the header's row + 1 (a row number computed
    by a window over the read would cost as much as the read itself)."""
    columns = [f"c{i}" for i in range(len(sheet.headers))]
    if sheet.csv_path is not None:
        sql = sql_with(
            "create or replace temp table {t} as "
            "select * from read_csv(?, header = false, skip = ?, delim = ?, quote = '\"', escape = '\"', "
            "null_padding = true, auto_detect = false, columns = ?)", t=name)
        try:
            con.execute(sql, [str(sheet.csv_path), sheet.csv_skip, sheet.csv_delimiter, {c: "VARCHAR" for c in columns}])
        except (duckdb.InvalidInputException, duckdb.ConversionException) as e:
            raise _csv_refusal(file_name, e) from None
    else:  # rows read in Python (a CSV with blank lines inside the table), numbered from the header's next row
        con.register(f"{name}_frame", sheet.rows)
        con.execute(sql_with("create or replace temp table {t} as select * exclude (row_number) from {f} "
                             "order by row_number", t=name, f=f"{name}_frame"))
        con.unregister(f"{name}_frame")


STAGE_COLUMNS = ["part", "row_number", "col_no", "code_raw", "year_raw", "county_raw", "name_raw", "measure_raw",
                 "value_raw"]


def stage(con: duckdb.DuckDBPyConnection, returned: ReturnFile, workdir: Path) -> int:
    """Stage every sheet's cells as text: the view stage_cells, one row per value cell as sent (blank cells
    included: the judge counts them), over the sheets' own tables; stage_part (a sheet: its name, the headers
    of its code, year and name columns, how many value columns a row has) and stage_column (a value column:
    its header and its measure's) describe them. A group list goes to stage_groups. The rows seen, below the headers."""
    con.execute("create or replace temp table stage_groups (sheet varchar, row_number integer, code_raw varchar, "
                "group_raw varchar, code_header varchar, group_header varchar)")
    con.execute("create or replace temp table stage_part (part integer, sheet varchar, code_header varchar, "
                "year_header varchar, name_header varchar, n_values integer)")
    con.execute("create or replace temp table stage_column (part integer, col_no integer, column_name varchar, "
                "measure_header varchar)")
    parts: list[str] = []
    rows_total = 0
    for i, sheet in enumerate(returned.sheets):
        raw = f"sheet_raw_{i}"
        try:
            _raw_table(con, sheet, raw, returned.path.name)
        except Refused as refused:  # a CSV in UTF-8 as far as its head, then not: GBK, or refused (transcode)
            if refused.key != "data.refused.encoding" or sheet.csv_path != returned.path:
                raise
            sheet.csv_path = returned.transcode(workdir)
            _raw_table(con, sheet, raw, returned.path.name)
        rows_total += con.execute(sql_with("select count(*) from {raw}", raw=raw)).fetchall()[0][0]
        code, year, county, name = (sheet.column(role) for role in ("code", "year", "county", "name"))
        col = lambda i_: f"c{i_}" if i_ is not None else "null"  # noqa: E731 - generated names only
        header = lambda i_: sheet.headers[i_] if i_ is not None else None  # noqa: E731
        names = {"part": i, "first": sheet.header_row + 1, "code": col(code), "year": col(year),
                 "county": col(county), "name": col(name), "raw": raw, "cells": f"sheet_cells_{i}"}
        if sheet.shape == "groups":
            group = sheet.column("group")
            con.execute(sql_with("insert into stage_groups select ?, (rowid + {first})::integer, {code}, {group}, "
                                 "?, ? from {raw}", group=col(group), **names),
                        [sheet.name, header(code), header(group)])
            continue
        if sheet.shape == "long":
            value, measure = sheet.column("value"), sheet.column("measure")
            con.execute("insert into stage_column values (?, ?, ?, ?)", [i, value, header(value), header(measure)])
            parts.append(sql_with("select {part}, (rowid + {first})::integer, {col_no}, {code}, {year}, {county}, "
                                  "{name}, {measure}, {value} from {raw}",
                                  col_no=value, measure=col(measure), value=col(value), **names))
            n_values = 1
        else:
            measure_columns = [i_ for i_, role in sheet.roles.items() if role == "measure_column"]
            con.executemany("insert into stage_column values (?, ?, ?, ?)",
                            [[i, c, sheet.headers[c], sheet.headers[c]] for c in measure_columns])
            # one row per cell, blank ones included; a cell's measure is its column's header
            con.execute(sql_with(
                "create or replace temp table {cells} as "
                "select u.row_number, u.code_raw, u.year_raw, u.county_raw, u.name_raw, "
                "c.col_no, c.measure_header as measure_raw, u.value_raw from (select "
                "(rowid + {first})::integer as row_number, {code} as code_raw, {year} as year_raw, "
                "{county} as county_raw, {name} as name_raw, {measures} "
                "from {raw}) unpivot include nulls (value_raw for col in ({measures})) as u "
                "join stage_column as c on c.part = {part} and 'c' || c.col_no = u.col",
                measures=[f"c{c}" for c in measure_columns], **names))
            parts.append(sql_with("select {part}, row_number, col_no, code_raw, year_raw, county_raw, name_raw, "
                                  "measure_raw, value_raw from {cells}", **names))
            n_values = len(measure_columns)
        con.execute("insert into stage_part values (?, ?, ?, ?, ?, ?)",
                    [i, sheet.name, header(code), header(year), header(name), n_values])
    # one view over the sheets' tables: a long sheet is read where it lies, not copied
    if not parts:
        parts = ["select " + ", ".join(["null::integer"] * 3 + ["null::varchar"] * 6) + " where false"]
    con.execute(sql_with("create or replace temp view stage_cells ({columns}) as ", columns=STAGE_COLUMNS)
                + " union all ".join(parts))
    return rows_total


def judge(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, scope: str | None) -> None:
    """Run the value and group judges over what is staged: the temp tables judged (every value cell: skipped,
    kept or rejected), judged_rejects (the worded rejections) and judged_groups."""
    lo, hi = year_range(catalogue)
    for name, value in (("judge_scope", scope), ("judge_year_lo", lo), ("judge_year_hi", hi)):
        con.execute(sql_with("set variable {name} = ?", name=name), [value])
    con.execute(settings.sql_text("etl", "judge_values.sql"))
    con.execute("set variable judge_repeats = ?", [_repeats(con)])
    con.execute(settings.sql_text("etl", "judge_repeats.sql"))
    con.execute(settings.sql_text("etl", "judge_rejects.sql"))
    con.execute(settings.sql_text("etl", "judge_groups.sql"), {"scope": scope})


MAX_KEY_BITS = 1 << 28  # 32 MB of bits: a file whose codes × measures × years could be more is grouped instead


def _repeats(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a code, measure and year is given more than once among the kept cells: a bit set for each cell's key,
    the bits counted (30 ms for 3.5 M cells, where grouping them takes 0.25 s)."""
    bits = con.execute("select getvariable('judge_key_bits')").fetchall()[0][0]
    if bits > MAX_KEY_BITS:
        return True  # judge_repeats.sql groups the keys
    return bool(con.execute("select count(*) <> coalesce(bit_count(bitstring_agg(key, 0, ?)), 0) from judged "
                            "where keep", [bits - 1]).fetchall()[0][0])


# the rejections of both judges, as rejected_row and the report list them
REJECTIONS = """
    select sheet, row_number, region_code, region_name, column_name as "column", raw_value, reason_code, reason, reason_key,
           reason_args from judged_rejects
    union all
    select sheet, row_number, region_code, region_name, column_name, raw_value, reason_code, reason, reason_key,
           reason_args from judged_groups
    where reason_code is not null and reason_code <> 'duplicate'"""


REPORT_REJECTS = 1000  # rejected rows a report holds (a page shows SHOWN_REJECTS); the rest are counted, and kept


def _counts(con: duckdb.DuckDBPyConnection, report: FileReport) -> None:
    """Count what the judges found: values and rows loaded and rejected, blank cells, repeats collapsed, and
    the rows read (every row with a value or a rejection, and each row with a code and only blank cells).
    A row of a long sheet is one cell, counted as it is; only wide sheets' cells are gathered into rows."""
    (report.values_loaded, report.duplicates_collapsed, report.blank_cells, report.rows_read,
     report.rows_loaded, report.rows_rejected) = (int(n or 0) for n in con.execute("""
        with cells as (
            select j.part, j.row_number, j.keep as loaded, j.skip is null and not j.keep
                       and coalesce(j.problem, '') <> 'duplicate' as rejected,
                   j.skip is null as judged, j.skip is not distinct from 'blank' as blank, p.n_values = 1 as alone
            from judged as j join stage_part as p on p.part = j.part
        ),
        per_row as (
            select loaded, rejected, judged, blank from cells where alone
            union all
            select bool_or(loaded), bool_or(rejected), bool_or(judged), bool_and(blank)
            from cells where not alone group by part, row_number
            union all
            select bool_or(keep), bool_or(coalesce(reason_code <> 'duplicate', false)), true, false
            from judged_groups group by sheet, row_number
        )
        select (select count(*) from judged where keep) + (select count(*) from judged_groups where keep),
               (select count(*) from judged where problem = 'duplicate')
                   + (select count(*) from judged_groups where reason_code = 'duplicate'),
               (select count(*) from judged where skip = 'blank'),
               count(*) filter (where judged or blank), count(*) filter (where loaded), count(*) filter (where rejected)
        from per_row""").fetchall()[0])
    report.members_loaded = int(con.execute("select count(*) from judged_groups where keep").fetchall()[0][0])
    report.reasons = dict(con.execute("select reason_code, count(*) from (" + REJECTIONS + ") group by all").fetchall())
    report.values_rejected = sum(report.reasons.values())  # a row's problem is one rejection, however many cells
    report.rejects = con.execute(REJECTIONS + ' order by sheet nulls first, row_number, "column" limit ?',
                                 [REPORT_REJECTS]).df()


def _changes(con: duckdb.DuckDBPyConnection, report: FileReport) -> None:
    """Compare the values the file would load with the store's current ones: new, replaced, the same, and
    the largest change (by how far it moves, relative to the value it replaces). When the store has no value in
    the range of codes and years the file brings (a first load, a new year's), every value is new."""
    *ranges, kept = con.execute("select min(code), max(code), min(year), max(year), count(*) from judged "
                                "where keep").fetchall()[0]
    if not store.holds_current(con, *ranges):
        report.values_new, report.values_replaced, report.values_same = kept, 0, 0
        return
    found = con.execute("""
        with kept as (
            select code, measure_id, year, value from judged where keep
        ),
        compared as materialized (
            select k.code, k.measure_id, k.year, k.value, c.value as before
            from kept k left join current_observation c
              on c.region_code = k.code and c.measure_id = k.measure_id and c.year = k.year
        )
        select count(*) filter (where before is null),
               count(*) filter (where before is not null and before <> value),
               count(*) filter (where before = value),
               arg_max(struct_pack(code, measure_id, year, before, value),
                       abs(value - before) / greatest(abs(before), 1e-9))
                   filter (where before is not null and before <> value)
        from compared""").fetchall()[0]
    report.values_new, report.values_replaced, report.values_same = (int(n) for n in found[:3])
    if found[3] is not None:
        largest = dict(found[3])
        name = con.execute("select name from region where code = ?", [largest["code"]]).fetchall()
        report.largest_change = {**largest, "name": name[0][0] if name else largest["code"]}


MOSTLY_REJECTED = 0.5  # a file with more than half its rows rejected is held back until the loader confirms


def mostly_rejected(report: FileReport) -> bool:
    """Whether most of a file's rows were rejected (the wrong form, the wrong county, a shifted column ...)."""
    return report.rows_read > 0 and report.rows_rejected > MOSTLY_REJECTED * report.rows_read


def _held_back(report: FileReport) -> None:
    """Mark a mostly rejected file as not published: the loader looks at it first, then confirms."""
    report.status = "held"
    report.message = (f"most rows rejected ({report.rows_rejected:,} of {report.rows_read:,}): not published; "
                      f"publish it anyway only after checking (--accept-rejections)")
    report.message_key, report.message_args = "data.held", {"n": report.rows_rejected, "rows": report.rows_read}


def _unchanged(report: FileReport) -> bool:
    """Whether a file would change nothing: every value it loads is already the current one, no group list."""
    return (report.values_loaded > 0 and report.values_new == report.values_replaced == 0
            and "groups" not in (report.kind or ""))


def _examine(con: duckdb.DuckDBPyConnection, returned: ReturnFile, path: Path, sha: str, catalogue: Catalogue,
             scope: str | None, workdir: Path) -> FileReport:
    """Stage and judge one file as read (nothing saved); a refused file comes back refused."""
    report = FileReport(path.name, sha, "checked")
    try:
        rows_total = stage(con, returned, workdir)
        if rows_total > MAX_ROWS:
            raise Refused("data.refused.too_many_rows", file=path.name, rows=rows_total, max_rows=MAX_ROWS)
        judge(con, catalogue, scope)
        _counts(con, report)
        report.rows_skipped = rows_total - report.rows_read
        _changes(con, report)
        if report.rows_read == 0:
            raise Refused("data.refused.no_rows", file=path.name)
    except Refused as e:
        return FileReport.refused_by(e, path.name, report.sha256)
    shapes = {s.shape for s in returned.sheets}
    report.kind = "+".join(([] if shapes == {"groups"} else ["values"]) + (["groups"] if "groups" in shapes else []))
    report.detail = returned.detail
    return report


def _save(con: duckdb.DuckDBPyConnection, report: FileReport, scope: str | None = None,
          loaded_by: str | None = None) -> None:
    """Save: the batch, its observations, its group members and every rejected row. A group list replaces
    the members of its groups inside the loader's region (`scope`) only: a county's list of its key villages
    leaves the other counties' members as they are."""
    batch_id = con.execute("select coalesce(max(batch_id), 0) + 1 from batch").fetchall()[0][0]
    con.execute("""insert into observation (measure_id, region_code, year, value, batch_id, sheet, row_number,
                                           column_name)
                   select measure_id, code, year, value, ?, sheet, row_number, column_name
                   from judged_place where keep""", [batch_id])
    store.supersede(con, batch_id)
    con.execute("""delete from group_member where batch_id is not null
                   and group_id in (select distinct group_id from judged_groups where keep)
                   and starts_with(region_code, coalesce(?, ''))""", [scope])
    con.execute("insert into group_member select group_id, code, ? from judged_groups where keep", [batch_id])
    # a sub-group's members must belong to its parent group (e.g. 308 provincial key villages)
    con.execute("""
        create or replace temp table orphans as
        select j.* from judged_groups j join group_def d on d.group_id = j.group_id
        where j.keep and d.parent is not null
          and not exists (select 1 from group_member p where p.group_id = d.parent and p.region_code = j.code)""")
    con.execute("delete from group_member where batch_id = ? and (group_id, region_code) in "
                "(select (group_id, code) from orphans)", [batch_id])
    orphans = con.execute("""
        select o.sheet, o.row_number, o.region_code, o.region_name, o.column_name as "column", o.raw_value,
               'not_in_parent' as reason_code,
               fill_reason(t.template, null, o.code, null, null, null, null, null, null, null, null, null, null, null,
                           null, null, null, null, p.zh) as reason,
               'not_in_parent' as reason_key, to_json(struct_pack(code := o.code, "group" := p.group_id)) as reason_args
        from orphans o join group_def d on d.group_id = o.group_id join group_def p on p.group_id = d.parent
        join reason_template t on t.key = 'not_in_parent'""").df()
    if not orphans.empty:
        report._add_rejects(orphans)
        report.values_loaded -= len(orphans)
        report.members_loaded -= len(orphans)
        report.values_rejected += len(orphans)
    con.execute("insert into rejected_row by name select ? as batch_id, * from (" + REJECTIONS + ")", [batch_id])
    if not orphans.empty:
        con.register("orphans_frame", orphans)
        con.execute("""insert into rejected_row by name
                       select ? as batch_id, sheet, row_number, "column", raw_value, reason_code, reason, reason_key,
                              reason_args, region_code, region_name from orphans_frame""", [batch_id])
        con.unregister("orphans_frame")
    con.execute("insert into batch values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?)", [
        batch_id, report.source_name, report.sha256, datetime.now(timezone.utc).replace(tzinfo=None),
        report.kind, report.rows_read, report.rows_loaded, report.rows_rejected, report.values_loaded,
        report.values_rejected, json.dumps(report.detail, ensure_ascii=False), loaded_by])
    report.batch_id = batch_id
    report.status = "loaded"


def _not_a_file(path: Path) -> FileReport | None:
    """A path that is not a regular file (a pipe, a device, a folder), refused before anything reads it: reading a
    pipe waits for a writer, and a load reads with the store's write lock held. None for a regular file (or one
    that is not there, which the reader refuses in its own words)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return None
    return FileReport.refused_by(Refused("data.refused.not_a_file", file=path.name), path.name, "")


def _report(con: duckdb.DuckDBPyConnection, path: Path, catalogue: Catalogue, scope: str | None, workdir: Path,
            sheet_name: str | None) -> FileReport:
    """What a file would do to the store (checking and loading alike): unchanged when its very bytes or all its
    values are there already, refused, or checked (counts, rejections, changes) and ready to save. A CSV is read
    while it is hashed (hashlib lets go of the GIL while the reader's Python scans the bytes: 0.25 s instead of 0.32
    for 168 MB; a CSV loaded before costs that read before it is reported); a workbook, whose read takes seconds, is
    read only once its hash is not known."""
    if (not_a_file := _not_a_file(path)) is not None:
        return not_a_file

    def read() -> ReturnFile | Refused:
        try:
            return read_return(path, measure_keys(catalogue), workdir, sheet_name)
        except Refused as refused:
            return refused

    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(store.file_sha256, path)
        returned = read() if path.suffix.lower() in CSV_SUFFIXES else None
        sha = digest.result()
    known = next(iter(con.execute("select batch_id, loaded_at from batch where sha256 = ?", [sha]).fetchall()), None)
    if known:
        return _already_loaded(path.name, sha, known)
    if returned is None:
        returned = read()
    if isinstance(returned, Refused):
        return FileReport.refused_by(returned, path.name, sha)
    report = _examine(con, returned, path, sha, catalogue, scope, workdir)
    if _unchanged(report):
        _say_unchanged(report)
    return report


def _already_loaded(name: str, sha: str, known: tuple) -> FileReport:
    """The report of a file whose very bytes were loaded before."""
    batch, at = known
    return FileReport(name, sha, "unchanged", f"already loaded as batch {batch} on {at:%Y-%m-%d %H:%M} UTC",
                      message_key="data.unchanged.same_file", message_args={"batch": batch, "at": at})


def _say_unchanged(report: FileReport) -> None:
    """Mark a file whose values are all the store's current ones: nothing is saved, and it says so."""
    report.status = "unchanged"
    report.message = f"values unchanged: all {report.values_loaded:,} values are the current ones; no new batch"
    report.message_key, report.message_args = "data.unchanged.same_values", {"n": report.values_loaded}


def _after_audit(con: duckdb.DuckDBPyConnection, reports: list[FileReport], refused: pd.DataFrame) -> None:
    """Count the values an error rule of the audit refused in their files' reports (and their batch rows), with the
    rule's words, and list the values a verify rule holds for 核实."""
    loaded = [r for r in reports if r.status == "loaded"]
    held = audit.held(con, tuple(r.batch_id for r in loaded))
    for report in loaded:
        if not refused.empty:
            _count_refused(con, report, refused[refused["batch_id"] == report.batch_id].drop(columns="batch_id"),
                           sql_with("select sheet, row_number from rejected_row where batch_id = {batch} "
                                    "and not starts_with(reason_code, 'audit_')", batch=int(report.batch_id)))
        report.held = held[held["batch_id"] == report.batch_id].drop(columns="batch_id").reset_index(drop=True)
        con.execute("update batch set values_loaded = ?, values_rejected = ?, rows_rejected = ? where batch_id = ?",
                    [report.values_loaded, report.values_rejected, report.rows_rejected, report.batch_id])


def _count_refused(con: duckdb.DuckDBPyConnection, report: FileReport, rows: pd.DataFrame, rejected_sql: str) -> None:
    """A file's values refused by the audit: counted as rejected (a row with no other rejection — none in
    `rejected_sql`, the file's other rejected rows — now has one), listed with its other rejections, and taken out of
    the new / replaced / same counts by the store's current value of each (before a load, or again current after its
    refusal): none — it would have been new; the same; another."""
    if rows.empty:
        return
    con.register("refused_values", rows[["sheet", "row_number", "region_code", "measure_id", "year", "value"]])
    new, same, rows_now = con.execute("with others as (" + rejected_sql + """)
        select count(*) filter (where c.value is null), count(*) filter (where c.value = r.value),
               (select count(*) from (select distinct sheet, row_number from refused_values) n
                where not exists (select 1 from others o
                                  where o.sheet is not distinct from n.sheet and o.row_number = n.row_number))
        from refused_values r left join current_observation c
          on c.region_code = r.region_code and c.measure_id = r.measure_id and c.year = r.year""").fetchall()[0]
    con.unregister("refused_values")
    report.rows_rejected += rows_now
    report.values_new -= new
    report.values_same -= same
    report.values_replaced -= len(rows) - new - same
    report.values_loaded -= len(rows)
    report.values_rejected += len(rows)
    report._add_rejects(rows.drop(columns=["measure_id", "year", "value"]))


class _NothingToPublish(Exception):
    """Every file was refused or already loaded: the published store stays as it is."""


def load_files(db: Path, paths: Sequence[Path], *, scope: str | None = None, sheet_name: str | None = None,
               catalogue: Catalogue | None = None, progress: Progress = _quiet,
               accept_rejections: bool = False, loaded_by: str | None = None) -> list[FileReport]:
    """Load files into the store at `db` and publish them together; one report per file. A file whose rows
    are mostly rejected is held back (status 'held') unless `accept_rejections`: the loader has looked."""
    db = Path(db)
    if not db.exists():
        raise FileNotFoundError(f"{db}: no store there; create one with `python -m etl init --db {db}`")
    catalogue = catalogue or load_catalogue()
    reports: list[FileReport] = []
    try:
        with store.writing(db) as con, scratch_dir() as workdir:
            prepare(con, catalogue)
            for i, path in enumerate(map(Path, paths)):
                progress(i / max(len(paths), 1), path.name)
                report = _report(con, path, catalogue, scope, Path(workdir), sheet_name)
                if report.status == "checked":
                    if mostly_rejected(report) and not accept_rejections:
                        _held_back(report)
                    else:
                        _save(con, report, scope, loaded_by)
                reports.append(report)
            if not any(r.status == "loaded" for r in reports):
                raise _NothingToPublish
            _drop_scratch(con)  # the files' cells are saved: their memory goes to the audit and the assessment
            progress(0.85, "auditing and assessing")
            refused, _ = audit.audit_and_assess(con, catalogue, tuple(r.batch_id for r in reports
                                                                      if r.status == "loaded"))
            _after_audit(con, reports, refused)  # the assessment is published with the data it comes from
            progress(0.97, "publishing")
    except _NothingToPublish:
        pass
    progress(1.0, "done")
    return reports


def _write_rejects(con: duckdb.DuckDBPyConnection, refused: pd.DataFrame, path: Path) -> Path:
    """Every rejected row of a checked file (the judges' and the audit's), in file order, to Parquet by DuckDB (in
    bounded memory, however many)."""
    columns = con.sql(REJECTIONS).columns
    con.register("refused_rows", refused[columns] if not refused.empty else pd.DataFrame(columns=columns, dtype=object))
    con.sql("select * from (" + REJECTIONS + ") union all by name select * from refused_rows "
            'order by sheet nulls first, row_number, "column"').write_parquet(str(path))
    con.unregister("refused_rows")
    return path


def rejects_chunks(report: FileReport, rows: int = 50_000):
    """Every rejected row of a checked file a chunk at a time (from its `rejects_file`, else the report's own)."""
    if report.rejects_file is None:
        yield report.rejects
        return
    con = settings.connect()
    result = con.execute("select * from read_parquet(?)", [str(report.rejects_file)])
    while not (chunk := result.fetch_df_chunk(max(rows // 2048, 1))).empty:
        yield chunk
    con.close()


def _drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables the files were read and judged in (a file's cells take hundreds of MB under the
    memory limit the audit and the assessment then need)."""
    names = [n for (n,) in con.execute("select table_name from duckdb_tables() where temporary").fetchall()]
    for name in names:
        con.execute(sql_with("drop table if exists temp.main.{t}", t=name))


def check_files(db: Path, paths: Sequence[Path], *, scope: str | None = None, sheet_name: str | None = None,
                catalogue: Catalogue | None = None, rejects_dir: Path | None = None) -> list[FileReport]:
    """The reports `load_files` would give, without writing anything to the store; with `rejects_dir`, a file with
    more rejections than its report holds has all of them written there (Parquet, `rejects_file`)."""
    catalogue = catalogue or load_catalogue()
    con = settings.connect()
    con.execute("attach ? as store (read_only)", [str(db)])
    con.execute("use store")
    reports = []
    with scratch_dir() as workdir:
        prepare(con, catalogue)
        for path in map(Path, paths):
            report = _report(con, path, catalogue, scope, Path(workdir), sheet_name)
            refused = pd.DataFrame()
            if report.status == "checked" and audit.has_findings(con):  # what the audit's rules would refuse or hold
                refused, report.held = audit.preview(con, catalogue)
                _count_refused(con, report, refused, REJECTIONS)
            if rejects_dir is not None and report.values_rejected > len(report.rejects):
                Path(rejects_dir).mkdir(parents=True, exist_ok=True)
                report.rejects_file = _write_rejects(con, refused, Path(rejects_dir) / f"rejects-{len(reports)}.parquet")
            reports.append(report)
    con.close()
    return reports
