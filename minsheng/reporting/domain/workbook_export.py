"""Write the annual task ledger (年度任务台帐) and import error reports as .xlsx, streaming.

xlsxwriter in `constant_memory` mode: each row goes to a temporary file as soon as it is written, so
memory stays flat however long the ledger. Every text goes through `write_string` after
`neutralise_text` (and with Excel's quote-prefix style when guarded): nothing written here is ever a
formula. Numbers are numeric cells (negative ones too), dates are date cells.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

import xlsxwriter

from minsheng.reporting.domain.workbook_schema import (
    CO_UNIT_SEPARATOR,
    COLUMNS,
    HEADER_ROW,
    LEDGER_SHEET,
    LEDGER_STATUSES,
    VISIBLE_COLUMNS,
    CellError,
    Kind,
    LedgerRow,
    is_percent_unit,
)
from minsheng.reporting.domain.xlsx_safety import needs_guard, neutralise_text

type XlsxTarget = str | os.PathLike[str] | BinaryIO

BODY_FONT = "宋体"
HEADER_FONT = "黑体"
GB2312_CHARSET = 134  # tells Excel the font is East Asian, so it picks the CJK face on every platform
EXCEL_CELL_MAX = 32_767
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0.00%"
LOCKED_FILL = "#EDEDED"

INSTRUCTIONS: tuple[str, ...] = (
    "填写说明",
    "1. 请在“台帐”表中填写“进展情况”“存在问题”“下步打算”“状态”“完成值”等内容；不要增加、删除行，不要修改或删除隐藏列。",
    "2. “状态”请从下拉列表中选择。",
    "3. “完成值”填写数字，可带“万”“亿”（如 12.5万），也可带与“计量单位”一致的单位（如 125000人）；"
    "计量单位为“%”的指标按百分数填写（如 85.3%）。",
    "4. “完成时限”填写日期，如 2024-12-31、2024年12月31日 或 2024年12月底。",
    "5. 系统不接受公式。需要以“=”开头的文字，请在前面加一个空格。",
    "6. 导入时逐行检查：只要有一处错误，系统不保存任何数据，并给出逐行错误报告（可下载为 Excel）；改正后重新上传即可。",
    "7. 灰色底纹的条目已审核锁定，不能在表格中修改；如需更正，请在系统中提交更正版本。",
)


_STYLES: dict[str, dict[str, Any]] = {
    "title": {
        "bold": True,
        "font_size": 16,
        "align": "center",
        "valign": "vcenter",
        "font_name": HEADER_FONT,
    },
    "header": {
        "bold": True,
        "font_name": HEADER_FONT,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
        "border": 1,
        "bg_color": "#D9E1F2",
    },
    "seq": {"align": "center", "valign": "top", "border": 1},
    "text": {"text_wrap": True, "valign": "top", "border": 1},
    "short": {"text_wrap": True, "align": "center", "valign": "top", "border": 1},
    "date": {"align": "center", "valign": "top", "border": 1, "num_format": DATE_FORMAT},
    "number": {"align": "right", "valign": "top", "border": 1},
    "percent": {"align": "right", "valign": "top", "border": 1, "num_format": PERCENT_FORMAT},
    "plain": {"valign": "top"},
    "note": {"text_wrap": True, "valign": "top"},
}


class _Formats:
    """xlsxwriter formats, created once per (style, guarded, locked) combination."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.cache: dict[tuple[str, bool, bool], Any] = {}

    def get(self, style: str, *, guarded: bool = False, locked: bool = False) -> Any:
        key = (style, guarded, locked)
        fmt = self.cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"font_charset": GB2312_CHARSET, "font_name": BODY_FONT, "font_size": 11}
            props.update(_STYLES[style])
            if guarded:
                props["quote_prefix"] = True  # Excel keeps the cell as text even when someone edits it
            if locked:
                props["bg_color"] = LOCKED_FILL
            fmt = self.cache[key] = self.book.add_format(props)
        return fmt


def _new_book(target: XlsxTarget, tmpdir: str | None) -> Any:
    options: dict[str, Any] = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "use_future_functions": False,
    }
    if tmpdir:
        options["tmpdir"] = tmpdir
    return xlsxwriter.Workbook(target, options)


def _write_text(
    sheet: Any, formats: _Formats, row: int, col: int, text: str, style: str, locked: bool = False
) -> None:
    """Write `text` as a string cell, neutralised; refuse to truncate silently."""
    guarded = needs_guard(text)
    value = neutralise_text(text)
    if len(value) > EXCEL_CELL_MAX:
        raise ValueError(
            f"text of {len(value)} characters does not fit an Excel cell (row {row + 1}, column {col + 1})"
        )
    if value:
        sheet.write_string(row, col, value, formats.get(style, guarded=guarded, locked=locked))
    else:
        sheet.write_blank(row, col, None, formats.get(style, locked=locked))


def _write_number(
    sheet: Any, formats: _Formats, row: int, col: int, value: Decimal | None, unit: str, locked: bool
) -> None:
    if value is None:
        sheet.write_blank(row, col, None, formats.get("number", locked=locked))
    elif is_percent_unit(unit):
        sheet.write_number(row, col, float(value / 100), formats.get("percent", locked=locked))
    else:
        sheet.write_number(row, col, float(value), formats.get("number", locked=locked))


_TEXT_STYLE = {Kind.TEXT: "text", Kind.SHORT: "short", Kind.STATUS: "short", Kind.CODE: "plain"}


def _write_row(sheet: Any, formats: _Formats, r: int, item: LedgerRow) -> None:
    locked = item.locked
    for c, column in enumerate(COLUMNS):
        kind = column.kind
        value = getattr(item, column.field)
        if kind in _TEXT_STYLE:
            _write_text(sheet, formats, r, c, value, _TEXT_STYLE[kind], locked and not column.hidden)
        elif kind is Kind.UNITS:
            _write_text(sheet, formats, r, c, CO_UNIT_SEPARATOR.join(value), "short", locked)
        elif kind is Kind.NUMBER:
            _write_number(sheet, formats, r, c, value, item.unit, locked)
        elif kind is Kind.DATE:
            sheet.write_datetime(r, c, value, formats.get("date", locked=locked))
        elif kind is Kind.SEQ:
            sheet.write_number(r, c, value, formats.get("seq", locked=locked))
        elif kind is Kind.INT:
            sheet.write_number(r, c, value, formats.get("plain"))
        elif kind is Kind.FLAG:
            sheet.write_number(r, c, 1 if value else 0, formats.get("plain"))


def _set_columns(sheet: Any, formats: _Formats) -> None:
    for c, column in enumerate(COLUMNS):
        options = {"hidden": True} if column.hidden else {}
        sheet.set_column(c, c, column.width, None, options)


def _instructions_sheet(book: Any, formats: _Formats, statuses: Sequence[str]) -> None:
    sheet = book.add_worksheet("填写说明")
    sheet.set_column(0, 0, 110)
    lines = list(INSTRUCTIONS)
    lines[2] = f"{lines[2]}可选：{'、'.join(statuses)}。"
    for r, line in enumerate(lines):
        _write_text(sheet, formats, r, 0, line, "title" if r == 0 else "note")


def write_ledger_workbook(
    rows: Iterable[LedgerRow],
    target: XlsxTarget,
    *,
    year: int,
    title: str | None = None,
    statuses: Sequence[str] = LEDGER_STATUSES,
    tmpdir: str | None = None,
) -> int:
    """Write the ledger for `year` to `target` (a path or a binary file); the number of rows written.

    Sheet "台帐": title row ("2024年度民生任务台帐" unless `title` is given), the header row (frozen, with a
    filter), then one row per item in the iterable's order; hidden columns N-R carry item code, target
    code, period, version and lock so the import can match rows exactly. Sheet "填写说明": instructions.
    Rows are streamed: memory does not grow with their number.
    """
    book = _new_book(target, tmpdir)
    try:
        formats = _Formats(book)
        sheet = book.add_worksheet(LEDGER_SHEET)
        _set_columns(sheet, formats)
        last_visible = len(VISIBLE_COLUMNS) - 1
        sheet.set_row(0, 32)
        sheet.merge_range(
            0, 0, 0, last_visible, neutralise_text(title or f"{year}年度民生任务台帐"), formats.get("title")
        )
        sheet.set_row(1, 30)
        for c, column in enumerate(COLUMNS):
            _write_text(sheet, formats, HEADER_ROW - 1, c, column.header, "header")
        first = HEADER_ROW  # 0-based index of the first data row
        count = 0
        for item in rows:
            _write_row(sheet, formats, first + count, item)
            count += 1
        last = first + max(count, 1) - 1
        status_col = next(i for i, c in enumerate(COLUMNS) if c.kind is Kind.STATUS)
        date_col = next(i for i, c in enumerate(COLUMNS) if c.kind is Kind.DATE)
        sheet.data_validation(
            first,
            status_col,
            last,
            status_col,
            {
                "validate": "list",
                "source": list(statuses),
                "input_title": "状态",
                "input_message": "请从下拉列表中选择",
                "error_title": "状态不在可选范围内",
                "error_message": "请选择：" + "、".join(statuses),
            },
        )
        sheet.data_validation(
            first,
            date_col,
            last,
            date_col,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": date(2000, 1, 1),
                "maximum": date(2100, 12, 31),
                "error_type": "warning",
                "error_title": "完成时限",
                "error_message": "请填写日期，如 2024-12-31",
            },
        )
        sheet.freeze_panes(HEADER_ROW, 2)
        sheet.autofilter(HEADER_ROW - 1, 0, last, last_visible)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(HEADER_ROW - 1)
        sheet.print_area(0, 0, last, last_visible)
        sheet.set_footer("&C第 &P 页，共 &N 页")
        _instructions_sheet(book, formats, statuses)
    finally:
        book.close()
    return count


def ledger_workbook_bytes(rows: Iterable[LedgerRow], *, year: int, title: str | None = None) -> bytes:
    """`write_ledger_workbook` into memory (fine for tests and small ledgers; stream big ones to a file)."""
    buffer = io.BytesIO()
    write_ledger_workbook(rows, buffer, year=year, title=title)
    return buffer.getvalue()


ERROR_HEADERS: tuple[tuple[str, float], ...] = (("行号", 8), ("列", 14), ("错误说明", 70), ("原值", 40))


def write_error_report(
    errors: Iterable[CellError], target: XlsxTarget, *, source_name: str = "", tmpdir: str | None = None
) -> int:
    """Write the import's errors as an .xlsx (行号, 列, 错误说明, 原值); the number of errors written.

    The original values are echoed, so they are neutralised like every exported text: a formula that was
    refused on import stays inert text in the report.
    """
    book = _new_book(target, tmpdir)
    try:
        formats = _Formats(book)
        sheet = book.add_worksheet("错误报告")
        for c, (_, width) in enumerate(ERROR_HEADERS):
            sheet.set_column(c, c, width)
        heading = "台帐导入错误报告" + (f"：{source_name}" if source_name else "")
        sheet.merge_range(0, 0, 0, len(ERROR_HEADERS) - 1, neutralise_text(heading), formats.get("title"))
        note = "以下错误改正前，系统未保存本次上传的任何数据。"
        sheet.merge_range(1, 0, 1, len(ERROR_HEADERS) - 1, neutralise_text(note), formats.get("note"))
        for c, (header, _) in enumerate(ERROR_HEADERS):
            _write_text(sheet, formats, 2, c, header, "header")
        count = 0
        for error in errors:
            r = 3 + count
            if error.row is None:
                _write_text(sheet, formats, r, 0, "整个文件", "short")
            else:
                sheet.write_number(r, 0, error.row, formats.get("seq"))
            _write_text(sheet, formats, r, 1, error.column or "", "short")
            _write_text(sheet, formats, r, 2, error.message, "text")
            _write_text(sheet, formats, r, 3, error.value, "text")
            count += 1
        sheet.freeze_panes(3, 0)
    finally:
        book.close()
    return count


def error_report_bytes(errors: Iterable[CellError], *, source_name: str = "") -> bytes:
    """`write_error_report` into memory."""
    buffer = io.BytesIO()
    write_error_report(errors, buffer, source_name=source_name)
    return buffer.getvalue()
