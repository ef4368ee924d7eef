"""Importing an edited ledger: every validation rule, all or nothing, and the row-by-row error report."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from minsheng.reporting.domain.workbook import (
    ImportResult,
    LedgerRow,
    error_report_bytes,
    read_ledger_workbook,
)
from minsheng.reporting.tests.workbook_samples import (
    FIRST_DATA_ROW,
    column_index,
    edit,
    export,
    insert_title_rows,
    sample_row,
    sample_rows,
)


def _only_error(result: ImportResult) -> tuple[int | None, str | None, str]:
    assert not result.ok
    assert result.rows == ()
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    return error.row, error.column, error.message


def _lookup(rows: list[LedgerRow]) -> dict[str, LedgerRow]:
    return {r.item_code: r for r in rows}


def test_unchanged_export_imports_exactly() -> None:
    rows = sample_rows(5)
    result = read_ledger_workbook(export(rows), lookup_item=_lookup(rows).get)
    assert result.ok
    assert list(result.rows) == rows
    assert result.rows_read == 5


def test_edits_made_in_a_spreadsheet_program_are_read() -> None:
    rows = sample_rows(3)
    data = edit(
        export(rows),
        {
            (4, "进展情况"): "上半年新增就业12.1万人",
            (4, "完成值"): "12.1万",
            (4, "状态"): "已完成",
            (5, "存在问题"): "资金拨付偏慢",
            (5, "完成时限"): "2024年9月底",
        },
    )
    result = read_ledger_workbook(data, lookup_item=_lookup(rows).get)
    assert result.ok, result.errors
    second, third = result.rows[1], result.rows[2]
    assert second.progress == "上半年新增就业12.1万人"
    assert second.reported_value == Decimal("12.1")
    assert second.status == "已完成"
    assert third.problems == "资金拨付偏慢"
    assert third.deadline == date(2024, 9, 30)
    assert result.rows[0] == rows[0]


def test_one_bad_row_means_nothing_is_accepted() -> None:
    rows = sample_rows(5)
    data = edit(export(rows), {(6, "状态"): "差不多了"})
    row, column, message = _only_error(read_ledger_workbook(data))
    assert row == 6
    assert column == "状态"
    assert "差不多了" in message
    assert "序时推进" in message


def test_every_problem_in_the_file_is_listed_with_row_and_column() -> None:
    data = edit(
        export(sample_rows(4)),
        {
            (3, "完成值"): "十二万",
            (3, "完成时限"): "2024-02-30",
            (5, "任务内容"): None,
            (6, "序号"): "第四",
        },
    )
    result = read_ledger_workbook(data)
    assert result.rows == ()
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "完成值"), (3, "完成时限"), (5, "任务内容"), (6, "序号")}
    by_place = {(e.row, e.column): e for e in result.errors}
    assert by_place[(3, "完成值")].value == "十二万"
    assert "日期不存在" in by_place[(3, "完成时限")].message
    assert "必填" in by_place[(5, "任务内容")].message


def test_error_report_can_be_written_back_as_xlsx() -> None:
    data = edit(export(sample_rows(2)), {(3, "完成值"): "=B3*2"})
    result = read_ledger_workbook(data)
    report = openpyxl.load_workbook(io.BytesIO(error_report_bytes(result.errors)))["错误报告"]
    assert [c.value for c in report[4]][:2] == [3, "完成值"]
    assert "公式" in str(report["C4"].value)
    assert report["D4"].data_type == "s"


def test_formula_cells_are_refused() -> None:
    data = edit(export(sample_rows(2)), {(3, "进展情况"): "=SUM(1,2)", (4, "完成值"): "=A1*2"})
    result = read_ledger_workbook(data)
    assert {(e.row, e.column) for e in result.errors} == {(3, "进展情况"), (4, "完成值")}
    assert all("公式" in e.message for e in result.errors)


def test_text_typed_with_a_leading_equals_is_refused_with_advice() -> None:
    data = edit(export(sample_rows(1)), {(3, "存在问题"): "=资金缺口较大"}, literal=True)
    row, column, message = _only_error(read_ledger_workbook(data))
    assert (row, column) == (3, "存在问题")
    assert "空格" in message


def test_array_formulas_are_refused() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("台帐")
    original = openpyxl.load_workbook(io.BytesIO(export(sample_rows(1))))["台帐"]
    for r, values in enumerate(original.iter_rows(values_only=True)):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write_array_formula(
        2, column_index("进展情况") - 1, 2, column_index("进展情况") - 1, "{=SUM(A1:A2*2)}"
    )
    book.close()
    result = read_ledger_workbook(out.getvalue())
    assert [(e.row, e.column) for e in result.errors] == [(3, "进展情况")]
    assert "公式" in result.errors[0].message


def test_dde_and_at_prefixed_text_is_accepted_as_text_and_neutralised_again_on_export() -> None:
    data = edit(export(sample_rows(1)), {(3, "下步打算"): "@联系各区", (3, "存在问题"): "-资金"})
    result = read_ledger_workbook(data)
    assert result.ok
    assert result.rows[0].next_steps == "@联系各区"
    again = openpyxl.load_workbook(io.BytesIO(export(list(result.rows))))["台帐"]
    assert again.cell(3, column_index("下步打算")).value == "\u200b@联系各区"


@pytest.mark.parametrize(
    ("unit", "typed", "expected"),
    [
        ("万人", "１２．５万", Decimal("12.5")),
        ("人", "12.5万", Decimal("125000")),
        ("万人", "125,000人", Decimal("12.5")),
        ("%", "85.3%", Decimal("85.3")),
        ("%", 0.853, Decimal("85.3")),
        ("万元", "-3.5", Decimal("-3.5")),
    ],
)
def test_numbers_in_the_forms_people_type(unit: str, typed: object, expected: Decimal) -> None:
    data = edit(export([sample_row(1, unit=unit)]), {(3, "完成值"): typed})
    result = read_ledger_workbook(data)
    assert result.ok, result.errors
    assert result.rows[0].reported_value == expected


def test_unit_mismatch_is_explained() -> None:
    data = edit(export([sample_row(1, unit="万人")]), {(3, "完成值"): "12.5公里"})
    row, column, message = _only_error(read_ledger_workbook(data))
    assert (row, column) == (3, "完成值")
    assert "万人" in message


def test_percentage_for_a_count_is_refused() -> None:
    data = edit(export([sample_row(1, unit="人")]), {(3, "完成值"): "85%"})
    _, _, message = _only_error(read_ledger_workbook(data))
    assert "百分数" in message


def test_text_over_its_limit_is_refused() -> None:
    data = edit(export(sample_rows(1)), {(3, "进展情况"): "进" * 5001})
    row, column, message = _only_error(read_ledger_workbook(data))
    assert (row, column) == (3, "进展情况")
    assert "5001" in message


def test_custom_status_set() -> None:
    rows = [sample_row(1, status="办结")]
    assert read_ledger_workbook(export(rows), statuses=("在办", "办结")).ok
    assert not read_ledger_workbook(export(rows)).ok


def test_unknown_item_is_refused() -> None:
    rows = sample_rows(2)
    row, column, message = _only_error(read_ledger_workbook(export(rows), lookup_item=_lookup(rows[:1]).get))
    assert row == 4
    assert column == "条目编码（隐藏列）"
    assert "无权" in message


def test_stale_version_is_refused() -> None:
    rows = sample_rows(2)
    current = _lookup([rows[0], replace(rows[1], version=3)])
    row, column, message = _only_error(read_ledger_workbook(export(rows), lookup_item=current.get))
    assert (row, column) == (4, "版本（隐藏列）")
    assert "重新导出" in message
    assert "3" in message


def test_period_change_is_refused() -> None:
    rows = sample_rows(1)
    current = _lookup([replace(rows[0], period="2024Q2")])
    _, column, _ = _only_error(read_ledger_workbook(export(rows), lookup_item=current.get))
    assert column == "报告期（隐藏列）"


def test_locked_item_cannot_be_changed_but_may_be_left_as_is() -> None:
    rows = [sample_row(1, locked=True), sample_row(2)]
    current = _lookup(rows)
    assert read_ledger_workbook(export(rows), lookup_item=current.get).ok
    data = edit(export(rows), {(3, "进展情况"): "改过了", (3, "_locked"): 0})
    row, column, message = _only_error(read_ledger_workbook(data, lookup_item=current.get))
    assert (row, column) == (3, "进展情况")
    assert "锁定" in message


def test_the_same_item_twice_is_refused() -> None:
    data = edit(export(sample_rows(2)), {(4, "_item_code"): sample_row(1).item_code})
    row, _, message = _only_error(read_ledger_workbook(data))
    assert row == 4
    assert "第 3 行" in message


def test_new_rows_without_a_code_are_refused() -> None:
    data = edit(export(sample_rows(1)), {(4, "任务内容"): "新增任务", (4, "状态"): "未启动"})
    result = read_ledger_workbook(data)
    columns = {e.column for e in result.errors if e.row == 4}
    assert "条目编码（隐藏列）" in columns
    assert not result.ok


def test_blank_rows_are_skipped() -> None:
    rows = sample_rows(2)
    book = openpyxl.load_workbook(io.BytesIO(export(rows)))
    book["台帐"].insert_rows(FIRST_DATA_ROW + 1, 3)
    out = io.BytesIO()
    book.save(out)
    result = read_ledger_workbook(out.getvalue())
    assert result.ok, result.errors
    assert list(result.rows) == rows


def test_header_is_found_by_name_even_when_rows_are_added_above() -> None:
    rows = sample_rows(2)
    result = read_ledger_workbook(insert_title_rows(export(rows), 2))
    assert result.ok, result.errors
    assert list(result.rows) == rows


def test_header_aliases_are_accepted() -> None:
    data = edit(export(sample_rows(1)), {(2, "进展情况"): "工作进展", (2, "下步打算"): "下一步打算"})
    assert read_ledger_workbook(data).ok


def test_missing_columns_are_named() -> None:
    data = edit(export(sample_rows(1)), {(2, "存在问题"): "备注", (2, "_version"): None})
    row, column, message = _only_error(read_ledger_workbook(data))
    assert row == 2
    assert column is None
    assert "存在问题" in message
    assert "版本" in message
    assert "隐藏列" in message


def test_duplicated_header_is_refused() -> None:
    data = edit(export(sample_rows(1)), {(2, "存在问题"): "进展情况"})
    _, _, message = _only_error(read_ledger_workbook(data))
    assert "进展情况" in message
    assert "不止一次" in message


def test_sheet_without_a_header_is_refused() -> None:
    book = openpyxl.Workbook()
    book.active.append(["随便", "一张表"])
    out = io.BytesIO()
    book.save(out)
    row, _, message = _only_error(read_ledger_workbook(out.getvalue()))
    assert row is None
    assert "表头" in message


def test_too_many_rows_are_refused() -> None:
    result = read_ledger_workbook(export(sample_rows(6)), expected_rows_max=5)
    row, _, message = _only_error(result)
    assert row == 8
    assert "上限" in message


def test_error_list_is_capped() -> None:
    data = edit(export(sample_rows(10)), {(r, "状态"): "?" for r in range(3, 13)})
    result = read_ledger_workbook(data, max_errors=4)
    assert result.errors_truncated
    assert len(result.errors) == 5
    assert "错误过多" in result.errors[-1].message


def test_rows_can_be_streamed_to_the_caller() -> None:
    rows = sample_rows(4)
    received: list[LedgerRow] = []
    result = read_ledger_workbook(export(rows), on_row=received.append)
    assert result.ok
    assert result.rows == ()
    assert received == rows


def test_control_characters_and_escapes_survive() -> None:
    text = "第一行\r\n第二行\t_x0041_\x01"
    rows = [sample_row(1, progress=text)]
    result = read_ledger_workbook(export(rows))
    assert result.ok
    assert result.rows[0].progress == text


def test_corrupt_sheet_xml_is_a_refusal_not_a_crash() -> None:
    data = export(sample_rows(1))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = content[: len(content) // 2]
            target.writestr(info.filename, content)
    result = read_ledger_workbook(out.getvalue())
    assert result.refusal is not None
    assert result.refusal.code == "corrupt_workbook"
    assert "重新保存" in result.errors[0].message
