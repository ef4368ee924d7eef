"""Cell parsers: Chinese number forms, units, percentages, dates, integers, flags, formulas, escapes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from minsheng.reporting.domain.workbook_parse import (
    CellProblem,
    cell_text,
    parse_date,
    parse_flag,
    parse_int,
    parse_number,
    parse_text,
    split_units,
    unescape_ooxml,
)
from minsheng.reporting.domain.xlsx_safety import FORMULA_GUARD


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("12.5", "万人", Decimal("12.5")),
        ("１２．５", "万人", Decimal("12.5")),  # full-width digits and point
        ("12.5万", "万人", Decimal("12.5")),
        ("12.5万人", "万人", Decimal("12.5")),
        ("125000人", "万人", Decimal("12.5")),
        ("125,000人", "万人", Decimal("12.5")),
        ("12.5万", "人", Decimal("125000")),
        ("12.5万人", "人", Decimal("125000")),
        ("1,234,567.5", "元", Decimal("1234567.5")),
        ("3亿元", "万元", Decimal("30000")),
        ("-3.2", "%", Decimal("-3.2")),
        ("－３.２", "", Decimal("-3.2")),  # full-width minus
        ("−3.2", "", Decimal("-3.2")),  # U+2212 minus sign
        ("85.3%", "%", Decimal("85.3")),
        ("85.3％", "%", Decimal("85.3")),
        (" 22 ", "万人", Decimal("22")),
        ("1 500", "场", Decimal("1500")),
        (".5", "", Decimal("0.5")),
        ("", "人", None),
        ("   ", "人", None),
        (None, "人", None),
        (22, "万人", Decimal("22")),
        (-12.5, "万人", Decimal("-12.5")),
        (0.1, "", Decimal("0.1")),
        (0.853, "%", Decimal("85.3")),  # a percentage cell holds the fraction
        (1, "%", Decimal("100")),
    ],
)
def test_numbers_are_read_in_the_items_unit(raw: object, unit: str, expected: Decimal | None) -> None:
    assert parse_number(raw, unit=unit) == expected


@pytest.mark.parametrize(
    ("raw", "unit", "fragment"),
    [
        ("abc", "人", "不是有效的数字"),
        ("12,50", "人", "千分位"),
        ("1,2345", "人", "千分位"),
        ("85%", "人", "不能填写百分数"),
        ("12.5公里", "万人", "不一致"),
        ("12.5万元", "万人", "不一致"),
        ("=A1*2", "人", "公式"),
        ("＝A1", "人", "公式"),
        ("1e20", "", "不一致"),
        ("9999999999999999", "", "过大"),
        (True, "人", "数字"),
        (datetime(2024, 1, 1), "人", "日期"),
        (float("nan"), "人", "无效"),
    ],
)
def test_bad_numbers_get_a_chinese_reason(raw: object, unit: str, fragment: str) -> None:
    with pytest.raises(CellProblem, match=fragment):
        parse_number(raw, unit=unit)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2024, 12, 31), date(2024, 12, 31)),
        (datetime(2024, 12, 31, 0, 0), date(2024, 12, 31)),
        ("2024-12-31", date(2024, 12, 31)),
        ("2024/6/30", date(2024, 6, 30)),
        ("2024.6.30", date(2024, 6, 30)),
        ("2024年6月30日", date(2024, 6, 30)),
        ("２０２４年６月３０日", date(2024, 6, 30)),
        ("20240630", date(2024, 6, 30)),
        ("2024年6月底", date(2024, 6, 30)),
        ("2024年2月底", date(2024, 2, 29)),
        ("2024年底", date(2024, 12, 31)),
        ("2024年12月", date(2024, 12, 31)),
        (45657, date(2024, 12, 31)),  # an Excel serial number without a date format
        (None, None),
        ("", None),
    ],
)
def test_dates_in_the_forms_officials_write(raw: object, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("2024-02-30", "日期不存在"),
        ("2024年13月底", "月份不存在"),
        ("年底", "不是有效的日期"),
        ("下半年", "不是有效的日期"),
        (45657.5, "应填写日期"),
        (-1, "应填写日期"),
        (True, "应填写日期"),
        ("=TODAY()", "公式"),
    ],
)
def test_bad_dates_get_a_chinese_reason(raw: object, fragment: str) -> None:
    with pytest.raises(CellProblem, match=fragment):
        parse_date(raw)


def test_integers_and_flags() -> None:
    assert parse_int(3) == 3
    assert parse_int(3.0) == 3
    assert parse_int("１２") == 12
    assert parse_int(None) is None
    assert parse_int(" ") is None
    for bad in (3.5, "3.5", "三", "-1", object()):
        with pytest.raises(CellProblem):
            parse_int(bad)
    assert parse_flag(None) is False
    assert parse_flag(1) is True
    assert parse_flag(True) is True
    assert parse_flag("是") is True
    assert parse_flag("否") is False
    assert parse_flag("FALSE") is False
    with pytest.raises(CellProblem):
        parse_flag(2)
    with pytest.raises(CellProblem):
        parse_flag("也许")


def test_text_keeps_what_was_written() -> None:
    assert parse_text(None, max_len=10) == ""
    assert parse_text("  前后空格  ", max_len=20) == "  前后空格  "
    assert parse_text(2024, max_len=10) == "2024"
    assert parse_text(12.5, max_len=10) == "12.5"
    assert parse_text(datetime(2024, 1, 2), max_len=20) == "2024-01-02"
    assert parse_text(FORMULA_GUARD + "=1+1", max_len=10) == "=1+1"
    assert parse_text("-进展", max_len=10) == "-进展"  # neutralised again on every export
    assert parse_text("@提醒", max_len=10) == "@提醒"
    with pytest.raises(CellProblem, match="内容过长"):
        parse_text("字" * 11, max_len=10)


@pytest.mark.parametrize(
    "raw", ["=1+1", '=HYPERLINK("http://evil","点击")', "＝1+1", "_x003D_SUM(A1)", object()]
)
def test_formulas_in_text_are_refused(raw: object) -> None:
    with pytest.raises(CellProblem, match="公式"):
        cell_text(raw)


def test_ooxml_escapes_are_decoded() -> None:
    assert unescape_ooxml("a_x000D_b") == "a\rb"
    assert unescape_ooxml("_x005F_x0041_") == "_x0041_"
    assert unescape_ooxml("no escapes") == "no escapes"
    assert cell_text("x_x000D_\ny") == "x\r\ny"
    assert cell_text(FORMULA_GUARD + "_x000D_行") == "\r行"
    with pytest.raises(CellProblem, match="NUL"):
        cell_text("a_x0000_b")


def test_co_units_split_on_chinese_and_western_separators() -> None:
    assert split_units("市人社局、市财政局，各区;市民政局；\n市卫健委") == (
        "市人社局",
        "市财政局",
        "各区",
        "市民政局",
        "市卫健委",
    )
    assert split_units("") == ()
