"""The exported ledger: 台帐 layout, hidden machine columns, styles, and no text ever becoming a formula."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from minsheng.reporting.domain.workbook import (
    COLUMNS,
    LEDGER_STATUSES,
    CellError,
    LedgerRow,
    error_report_bytes,
    read_ledger_workbook,
    write_ledger_workbook,
)
from minsheng.reporting.domain.workbook_parse import unescape_ooxml
from minsheng.reporting.domain.xlsx_safety import FORMULA_GUARD
from minsheng.reporting.tests.workbook_samples import column_index, export, sample_row, sample_rows

LEDGER_HEADERS = [
    "序号",
    "任务内容",
    "目标",
    "牵头单位",
    "责任单位",
    "完成时限",
    "进展情况",
    "存在问题",
    "下步打算",
    "状态",
]
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.example","点击")',
    "+86 138",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "\n=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
    "=cmd|' /C calc'!A0",
]


def _sheet(data: bytes) -> Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["台帐"]
    assert isinstance(sheet, Worksheet)
    return sheet


def test_layout_is_the_usual_ledger() -> None:
    sheet = _sheet(export(sample_rows(3)))
    assert sheet["A1"].value == "2024年度民生任务台帐"
    assert "A1:M1" in {str(r) for r in sheet.merged_cells.ranges}
    headers = [c.value for c in sheet[2]]
    assert headers[:10] == LEDGER_HEADERS
    assert headers[10:13] == ["目标值", "计量单位", "完成值"]
    assert headers[13:] == ["_item_code", "_target_code", "_period", "_version", "_locked"]
    assert sheet.freeze_panes == "C3"
    assert sheet.auto_filter.ref == "A2:M5"
    assert sheet.max_row == 5


def _column(sheet: Worksheet, index: int) -> tuple[bool, float]:
    """(hidden, width) of the 1-based column; Excel groups equal neighbours into one <col> range."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= index <= dimension.max:
            return bool(dimension.hidden), float(dimension.width)
    raise AssertionError(f"column {index} has no width")


def test_machine_columns_are_hidden_and_visible_ones_are_sized() -> None:
    sheet = _sheet(export(sample_rows(1)))
    for index, column in enumerate(COLUMNS, start=1):
        hidden, width = _column(sheet, index)
        assert hidden == column.hidden, column.header
        assert width == pytest.approx(column.width, abs=1)
    assert [c.hidden for c in COLUMNS].index(True) == 13  # N onwards


def test_cells_use_chinese_fonts_and_wrap_long_text() -> None:
    sheet = _sheet(export(sample_rows(1)))
    assert sheet["B2"].font.name == "黑体"
    assert sheet["B3"].font.name == "宋体"
    assert sheet["B3"].alignment.wrap_text
    assert sheet["G3"].alignment.wrap_text
    assert sheet["F3"].number_format == 'yyyy"年"m"月"d"日"'


def test_status_has_a_drop_down_list() -> None:
    sheet = _sheet(export(sample_rows(4)))
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1
    assert str(lists[0].sqref) == "J3:J6"
    assert lists[0].formula1 == '"' + ",".join(LEDGER_STATUSES) + '"'


def test_hostile_text_never_becomes_a_formula() -> None:
    rows = [
        sample_row(i, task_content=text, progress=text, problems=text, lead_unit=text, item_code=f"C{i}")
        for i, text in enumerate(HOSTILE, start=1)
    ]
    data = export(rows)
    sheet = _sheet(data)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    for r, text in enumerate(HOSTILE, start=3):
        for header in ("任务内容", "进展情况", "存在问题", "牵头单位"):
            cell = sheet.cell(row=r, column=column_index(header))
            assert cell.data_type == "s"
            assert unescape_ooxml(cell.value) == FORMULA_GUARD + text
            assert cell.quotePrefix
    result = read_ledger_workbook(data)
    assert result.ok, result.errors
    assert [r.task_content for r in result.rows] == HOSTILE


def test_numbers_stay_numbers_including_negative_and_percent() -> None:
    rows = [
        sample_row(1, goal_value=Decimal("-12.5"), reported_value=Decimal("-0.001")),
        sample_row(2, unit="%", goal_value=Decimal("85.3"), reported_value=Decimal("-3")),
        sample_row(3, goal_value=None, reported_value=None),
    ]
    sheet = _sheet(export(rows))
    goal, reported = column_index("目标值"), column_index("完成值")
    assert sheet.cell(3, goal).data_type == "n"
    assert sheet.cell(3, goal).value == -12.5
    assert sheet.cell(3, reported).value == -0.001
    assert sheet.cell(4, goal).value == pytest.approx(0.853)
    assert sheet.cell(4, goal).number_format == "0.00%"
    assert sheet.cell(4, reported).value == pytest.approx(-0.03)
    assert sheet.cell(5, goal).value is None
    assert isinstance(sheet.cell(3, column_index("完成时限")).value, datetime)
    assert sheet.cell(3, column_index("序号")).data_type == "n"
    assert sheet.cell(3, column_index("_version")).value == 2


def test_locked_rows_are_shaded() -> None:
    sheet = _sheet(export([sample_row(1), sample_row(2, locked=True)]))
    assert sheet.cell(4, 2).fill.fgColor.rgb.endswith("EDEDED")
    assert not sheet.cell(3, 2).fill.fgColor.rgb.endswith("EDEDED")
    assert sheet.cell(4, column_index("_locked")).value == 1


def test_rows_are_streamed_from_a_generator_to_a_file(tmp_path: Path) -> None:
    def rows() -> Iterator[LedgerRow]:
        for i in range(1, 301):
            yield sample_row(i)

    path = tmp_path / "台帐.xlsx"
    assert write_ledger_workbook(rows(), path, year=2025, title="2025年度十大民生实事台帐") == 300
    sheet = _sheet(path.read_bytes())
    assert sheet["A1"].value == "2025年度十大民生实事台帐"
    assert sheet.max_row == 302


def test_empty_ledger_still_has_title_and_header() -> None:
    sheet = _sheet(export([]))
    assert sheet["A1"].value == "2024年度民生任务台帐"
    assert sheet["A2"].value == "序号"
    result = read_ledger_workbook(export([]))
    assert result.ok
    assert result.rows == ()


def test_text_too_long_for_a_cell_is_refused_not_truncated() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        export([sample_row(1, progress="字" * 40_000)])


def test_instructions_sheet_lists_the_statuses() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export(sample_rows(1))))
    assert book.sheetnames == ["台帐", "填写说明"]
    text = "\n".join(str(c.value) for c in book["填写说明"]["A"])
    assert "、".join(LEDGER_STATUSES) in text
    assert "公式" in text


def test_error_report_neutralises_echoed_values() -> None:
    errors = [
        CellError(None, None, "整个文件有问题"),
        CellError(7, "进展情况", "单元格包含公式", '=HYPERLINK("http://evil")'),
        CellError(8, "完成值", "不是有效的数字", "-abc"),
    ]
    book = openpyxl.load_workbook(io.BytesIO(error_report_bytes(errors, source_name="江岸区.xlsx")))
    sheet = book["错误报告"]
    assert "江岸区.xlsx" in str(sheet["A1"].value)
    assert [c.value for c in sheet[3]] == ["行号", "列", "错误说明", "原值"]
    assert sheet["A4"].value == "整个文件"
    assert sheet["A5"].value == 7
    assert sheet["D5"].value == FORMULA_GUARD + '=HYPERLINK("http://evil")'
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_column_table_matches_the_row_dataclass() -> None:
    assert {c.field for c in COLUMNS} == set(LedgerRow.__dataclass_fields__)
