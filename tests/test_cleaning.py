"""The cleaning rules (etl/sql/cleaning.sql), table-driven, run in DuckDB as the load runs them."""

from __future__ import annotations

import duckdb
import pytest

from etl.returns import header_key

SQL = (__import__("pathlib").Path(__file__).resolve().parents[1] / "etl" / "sql" / "cleaning.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute(SQL)
    return c


def one(con, sql: str, *args):
    return con.execute(sql, list(args)).fetchall()[0][0]


@pytest.mark.parametrize("raw, text", [
    ("  abc 12 ", "abc 12"),  # plain ASCII: trimmed only
    ("ＡＢＣ１２　", "ABC12"),  # full-width letters, digits and space
    ("95％ ", "95%"), ("瓜畲村 ", "瓜畲村"),  # ASCII with one full-width sign; Chinese kept
    ("   ", None), ("　", None), ("", None), (None, None),
])
def test_clean_text(con, raw, text):
    assert one(con, "select clean_text(?::varchar)", raw) == text


@pytest.mark.parametrize(
    "raw, code",
    [
        ("361127100203", "361127100203"),
        ("361127100203.0", "361127100203"),  # a number cell written out by Excel
        ("3.61127100203E+11", "361127100203"),  # scientific notation that kept every digit
        ("3.61127E+11", None),  # scientific notation that lost digits: never guessed
        ("361127000000", "361127"),  # a county padded to 12 digits
        ("361127100000", "361127100"),
        ("361100000000", "3611"),
        ("360000000000", "36"),
        ("361127000", "361127"),
        (" ３６１１２７ ", "361127"),  # full-width digits and spaces
        ("3611271", None),
        ("36x127", None),
        ("", None),
    ],
)
def test_division_code(con, raw, code):
    assert one(con, "select division_code(?)", raw) == code


@pytest.mark.parametrize(
    "raw, percent, value",
    [
        ("95", False, 95.0), ("95.0", False, 95.0), ("95%", True, 95.0), ("95%", False, None),
        ("1,234.5", False, 1234.5), ("12,34", False, None), ("９５．５", False, 95.5), ("9.5E+01", False, 95.0),
        ("-3", False, -3.0), ("九十", False, None), ("abc", False, None),
    ],
)
def test_number_of(con, raw, percent, value):
    assert one(con, "select number_of(?, ?)", raw, percent) == value


@pytest.mark.parametrize("raw, year", [("2021", 2021), ("2021年", 2021), ("2021.0", 2021), ("21", None), ("去年", None)])
def test_year_of(con, raw, year):
    assert one(con, "select year_of(?)", raw) == year


@pytest.mark.parametrize("raw, value", [("是", 1), ("有", 1), ("Y", 1), ("√", 1), ("否", 0), ("无", 0), ("N", 0),
                                        ("FALSE", 0), ("maybe", None)])
def test_yes_no(con, raw, value):
    assert one(con, "select yes_no(?)", raw) == value


@pytest.mark.parametrize("raw, missing", [(None, True), ("", True), (" ", True), ("—", True), ("-", True), ("/", True),
                                          ("0", False), ("否", False)])
def test_blank_is_missing_never_zero(con, raw, missing):
    assert one(con, "select is_missing(?)", raw) is missing


@pytest.mark.parametrize("header", ["自来水普及率（%）", "自来水普及率(%)", " Tap_Water_Rate ", "村集体经营性收入（万元）", "ＡＢＣ"])
def test_header_keys_agree_in_python_and_sql(con, header):
    assert one(con, "select header_key(?)", header) == header_key(header)
