"""The blank return form counties fill in: one sheet per level, a group list, and an explanation.

Every sheet has a title row, a note, and the header on row 3 (which the loader finds by itself).
Code columns are formatted as text so Excel never shows a 12-digit code in scientific notation;
every measure column carries Excel data validation (a range, a whole number or 是/否).
Given a region, the rows are prefilled with its units' codes and names.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from etl.build import REGIONS_FILE
from etl.load import level_words
from tracker.core import settings
from tracker.core.catalogue import Catalogue, Measure, load_catalogue
from tracker.core.i18n import t
from tracker.core.xlsx import TEXT_ONLY

HEADER_ROW = 2  # zero-based: the header is on spreadsheet row 3
BLANK_ROWS = 2000  # rows with validation in a form that is not prefilled
TYPES_ZH = {"rate": "比率", "bool": "是/否", "count": "个数（整数）", "money": "金额", "number": "数值"}
SHEETS = [  # sheet name, levels of the units listed, title
    ("村级数据", ("village",), "村级数据"),
    ("乡镇数据", ("township",), "乡镇数据"),
    ("县市级数据", ("county", "city", "province"), "县（市、区）、市、省级数据"),
]


def header_text(m: Measure) -> str:
    """A measure's column header: its Chinese name and unit, e.g. 自来水普及率（%）."""
    return f"{m.zh}（{m.unit}）"


def _units(region: str | None, levels: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, name) of the units at `levels` in `region` (village level: 村委会 only)."""
    if region is None:
        return []
    con = settings.connect()
    rows = con.execute(
        """
        select code, name from read_parquet(?)
        where starts_with(code, ?) and list_contains(?, level)
          and (level <> 'village' or kind = 'village_committee')
        order by code
        """,
        [str(settings.REFERENCE_DIR / REGIONS_FILE), region, list(levels)],
    ).fetchall()
    return [(code, name) for code, name in rows]


def _validate(sheet, col: int, first: int, last: int, m: Measure) -> None:
    low, high = m.valid_range
    message = {"input_title": m.zh[:32], "input_message": f"{TYPES_ZH[m.type]}，单位：{m.unit}。空格 = 无数据（不是 0）"[:255]}
    if m.type == "bool":
        rule = {"validate": "list", "source": ["是", "否"]}
    elif m.type == "count":
        rule = {"validate": "integer", "criteria": "between", "minimum": int(low or 0), "maximum": int(high or 10**9)}
    else:
        rule = {"validate": "decimal", "criteria": "between", "minimum": low if low is not None else -1e12,
                "maximum": high if high is not None else 1e12}
    sheet.data_validation(first, col, last, col, {**rule, **message, "error_title": "数值无效",
                                                  "error_message": f"{m.zh}：有效范围 {low:g}—{high:g} {m.unit}"
                                                  if low is not None and high is not None else f"{m.zh}：请填数字"})


def write_template(out: Path | BinaryIO, region: str | None = None, year: int | None = None,
                   catalogue: Catalogue | None = None) -> dict[str, int]:
    """Write the form to a path or a binary file; returns how many prefilled rows each sheet has."""
    catalogue = catalogue or load_catalogue()
    book = xlsxwriter.Workbook(out if not isinstance(out, (str, Path)) else str(out),
                               {"in_memory": True, **TEXT_ONLY["options"]})
    title = book.add_format({"bold": True, "font_size": 14})
    note = book.add_format({"font_color": "#555555", "text_wrap": False})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})  # codes stay text
    counts: dict[str, int] = {}
    where = f"（{region}）" if region else ""
    for name, levels, label in SHEETS:
        measures = [m for m in catalogue.measures.values() if set(m.levels) & set(levels)]
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, f"乡村振兴目标监测 · {label}报表{where}{f' · {year}年' if year else ''}", title)
        sheet.write(1, 0, "填表说明：一行一个单位一年；空格表示无数据（不是 0）；是/否 指标填“是”或“否”；"
                          "区划代码为文本，请勿改成数字。各指标的含义见“指标说明”表。", note)
        headers = ["区划代码", "名称", "年份"] + [header_text(m) for m in measures]
        sheet.write_row(HEADER_ROW, 0, headers, head)
        sheet.set_row(HEADER_ROW, 45)
        sheet.set_column(0, 0, 15, text)
        sheet.set_column(1, 1, 24)
        sheet.set_column(2, 2, 8)
        sheet.set_column(3, 2 + len(measures), 14)
        sheet.freeze_panes(HEADER_ROW + 1, 3)
        units = _units(region, levels)
        for i, (code, unit_name) in enumerate(units):
            row = HEADER_ROW + 1 + i
            sheet.write_string(row, 0, code, text)
            sheet.write_string(row, 1, unit_name)
            if year:
                sheet.write_number(row, 2, year)
        last = HEADER_ROW + max(len(units), BLANK_ROWS)
        lo, hi = min(p.base_year for p in catalogue.plans.values()), max(p.end_year for p in catalogue.plans.values())
        sheet.data_validation(HEADER_ROW + 1, 2, last, 2, {"validate": "integer", "criteria": "between",
                                                            "minimum": lo, "maximum": hi,
                                                            "error_message": f"年份：{lo}—{hi}"})
        for j, m in enumerate(measures):
            _validate(sheet, 3 + j, HEADER_ROW + 1, last, m)
        counts[name] = len(units)

    groups = [g for g in catalogue.groups.values() if g.members is None]
    sheet = book.add_worksheet("分组名单")
    sheet.write(0, 0, "乡村振兴目标监测 · 对象名单", title)
    sheet.write(1, 0, "一行一个成员：区划代码和名单名称。一份文件里出现的名单，会整体替换该名单原有的成员。", note)
    sheet.write_row(HEADER_ROW, 0, ["区划代码", "名称", "分组"], head)
    sheet.set_column(0, 0, 15, text)
    sheet.set_column(1, 2, 40)
    sheet.data_validation(HEADER_ROW + 1, 2, HEADER_ROW + BLANK_ROWS, 2,
                          {"validate": "list", "source": [g.zh for g in groups][:50]})
    counts["分组名单"] = 0

    sheet = book.add_worksheet("指标说明")
    sheet.write(0, 0, "指标说明（本表不导入）", title)
    columns = ["指标代码", "指标名称", "单位", "填报层级", "类型", "有效范围", "说明"]
    sheet.write_row(HEADER_ROW, 0, columns, head)
    for i, m in enumerate(catalogue.measures.values()):
        low, high = m.valid_range
        sheet.write_row(HEADER_ROW + 1 + i, 0, [
            m.id, m.zh, m.unit, level_words(m.levels, "zh"), TYPES_ZH[m.type],
            f"{low:g}—{high:g}" if low is not None and high is not None else "", m.description])
    for i, g in enumerate(groups):
        sheet.write_row(HEADER_ROW + 3 + len(catalogue.measures) + i, 0,
                        [g.id, g.zh, "名单", t(f"level_name.{g.level}", "zh"), "对象名单", g.region, g.note])
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 5, 14)
    sheet.set_column(6, 6, 60)
    book.close()
    return counts
