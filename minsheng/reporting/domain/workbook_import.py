"""Read an edited ledger workbook back: safety check, header by name, every row validated, all or nothing.

The file first passes `xlsx_safety.check_xlsx` (zip bombs, DTDs, macros … never reach the parser). Then
openpyxl streams the sheet (`read_only=True`, `values_only=True`) with defusedxml underneath, and each row
is parsed with precompiled per-column parsers. Any error anywhere → `ImportResult.rows` is empty and
`errors` lists every problem (row, column, Chinese message), up to `max_errors`.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import pairwise
from typing import Any

import openpyxl

from minsheng.reporting.domain.workbook_parse import (
    CellProblem,
    parse_date,
    parse_flag,
    parse_int,
    parse_number,
    parse_text,
    split_units,
)
from minsheng.reporting.domain.workbook_schema import (
    COLUMN_BY_FIELD,
    COLUMNS,
    FIELDS_COMPARED_WHEN_LOCKED,
    HEADER_LOOKUP,
    HEADER_SEARCH_ROWS,
    LEDGER_SHEET,
    LEDGER_STATUSES,
    CellError,
    Column,
    ImportResult,
    Kind,
    LedgerRow,
    Refusal,
    normalise_header,
)
from minsheng.reporting.domain.xlsx_safety import (
    UnsafeWorkbookError,
    XlsxLimits,
    XlsxSource,
    check_xlsx,
    open_source,
)

type ItemLookup = Callable[[str], LedgerRow | None]
type RowSink = Callable[[LedgerRow], None]
# Like ItemLookup, given the whole row as read (the caller may need its period to find the report shown).
type RowLookup = Callable[[LedgerRow], LedgerRow | None]
# The caller's own rules for a row that passed every check here: (field name, Chinese message) pairs for the
# fields it refuses, given the row as read and as the system holds it (e.g. who may change which column).
type RowCheck = Callable[[LedgerRow, LedgerRow], Iterable[tuple[str, str]]]

DEFAULT_ROWS_MAX = 20_000
SHOWN_VALUE_MAX = 100
_REQUIRED = "此项为必填项，请填写。"


class _FileProblem(Exception):
    """A problem with the whole sheet (no header, missing columns, too many rows)."""

    def __init__(self, error: CellError) -> None:
        super().__init__(error.message)
        self.error = error


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return text[:SHOWN_VALUE_MAX]


def _defused() -> bool:
    """openpyxl parses through defusedxml (it does when defusedxml is installed and not disabled)."""
    return bool(getattr(openpyxl, "DEFUSEDXML", False))


def _refused(refusal: Refusal) -> ImportResult:
    return ImportResult(
        rows=(), errors=(CellError(None, None, refusal.message),), rows_read=0, refusal=refusal
    )


def _find_header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, dict[str, int]]:
    """The header row's number and each field's 0-based column index."""
    for number, values in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        found: dict[str, int] = {}
        duplicates: list[str] = []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            column = HEADER_LOOKUP.get(normalise_header(value))
            if column is None:
                continue
            if column.field in found:
                duplicates.append(column.shown)
            found[column.field] = index
        if len(found) < 3:
            continue
        if duplicates:
            message = f"表头中“{'、'.join(duplicates)}”出现了不止一次，请删除重复的列。"
            raise _FileProblem(CellError(number, None, message))
        missing = [c for c in COLUMNS if c.field not in found]
        if missing:
            visible = [c.header for c in missing if not c.hidden]
            hidden = [c.shown for c in missing if c.hidden]
            parts = []
            if visible:
                parts.append(f"缺少必需的列：{'、'.join(visible)}")
            if hidden:
                parts.append(
                    f"缺少系统隐藏列（{'、'.join(hidden)}），请使用系统导出的台帐填写，不要把内容复制到新表"
                )
            raise _FileProblem(CellError(number, None, "；".join(parts) + "。"))
        return number, found
    message = "找不到表头行（应包含“序号”“任务内容”“完成时限”“状态”等列）。请使用系统导出的台帐填写。"
    raise _FileProblem(CellError(None, None, message))


type _Parser = Callable[[object], object]


def _text_parser(column: Column) -> _Parser:
    max_len = column.max_len
    required = column.required

    def parse(value: object) -> object:
        text = parse_text(value, max_len=max_len)
        if required and not text.strip():
            raise CellProblem(_REQUIRED)
        return text

    return parse


def _code_parser(column: Column) -> _Parser:
    max_len = column.max_len
    required = column.required

    def parse(value: object) -> object:
        text = parse_text(value, max_len=max_len).strip()
        if required and not text:
            raise CellProblem("系统编码为空：不能在表格中新增条目，请在系统中新增后重新导出。")
        if not text.isprintable() or any(ch.isspace() for ch in text):
            raise CellProblem("系统编码被改动过（含有空格或不可见字符），请重新导出台帐后填写。")
        return text

    return parse


def _status_parser(statuses: Collection[str]) -> _Parser:
    allowed = frozenset(statuses)
    listed = "、".join(statuses)

    def parse(value: object) -> object:
        text = parse_text(value, max_len=50).strip()
        if not text:
            raise CellProblem(f"请选择状态：{listed}。")
        if text not in allowed:
            raise CellProblem(f"状态“{text}”不在可选范围内，请选择：{listed}。")
        return text

    return parse


def _units_parser(column: Column) -> _Parser:
    max_len = column.max_len

    def parse(value: object) -> object:
        return split_units(parse_text(value, max_len=max_len))

    return parse


def _seq(value: object) -> object:
    number = parse_int(value, minimum=1)
    if number is None:
        raise CellProblem(_REQUIRED)
    return number


def _version(value: object) -> object:
    number = parse_int(value, minimum=0)
    if number is None:
        raise CellProblem("版本号为空，请重新导出台帐后填写。")
    return number


def _deadline(value: object) -> object:
    parsed = parse_date(value)
    if parsed is None:
        raise CellProblem("请填写完成时限，如 2024-12-31。")
    return parsed


def _parsers(statuses: Collection[str]) -> dict[str, _Parser]:
    """One parser per field except the numbers (they depend on the row's unit)."""
    parsers: dict[str, _Parser] = {}
    for column in COLUMNS:
        kind = column.kind
        if kind in (Kind.TEXT, Kind.SHORT):
            parsers[column.field] = _text_parser(column)
        elif kind is Kind.CODE:
            parsers[column.field] = _code_parser(column)
        elif kind is Kind.UNITS:
            parsers[column.field] = _units_parser(column)
        elif kind is Kind.STATUS:
            parsers[column.field] = _status_parser(statuses)
        elif kind is Kind.DATE:
            parsers[column.field] = _deadline
        elif kind is Kind.SEQ:
            parsers[column.field] = _seq
        elif kind is Kind.INT:
            parsers[column.field] = _version
        elif kind is Kind.FLAG:
            parsers[column.field] = parse_flag
    return parsers


def _is_blank(values: tuple[Any, ...]) -> bool:
    return all(value is None or (type(value) is str and not value.strip()) for value in values)


def _check_against_current(number: int, row: LedgerRow, current: LedgerRow | None) -> list[CellError]:
    """Stale versions, a changed period, and edits to approved (locked) items."""
    code_column = COLUMN_BY_FIELD["item_code"].shown
    if current is None:
        message = f"未知或无权限的事项（编码 {row.item_code}）：系统中没有该条目，或您无权填报它；请重新导出台帐后填写。"
        return [CellError(number, code_column, message, _shown(row.item_code))]
    errors: list[CellError] = []
    if current.version != row.version:
        message = (
            f"该条目在导出后已在系统中更新（表内版本 {row.version}，系统当前版本 {current.version}）。"
            "为避免覆盖他人的修改，请重新导出台帐，在新表中填写后再上传。"
        )
        errors.append(CellError(number, COLUMN_BY_FIELD["version"].shown, message, str(row.version)))
    if current.period != row.period:
        message = f"报告期与系统不一致（表内 {row.period}，系统 {current.period}），请重新导出台帐后填写。"
        errors.append(CellError(number, COLUMN_BY_FIELD["period"].shown, message, _shown(row.period)))
    if current.locked:
        for name in FIELDS_COMPARED_WHEN_LOCKED:
            if getattr(row, name) != getattr(current, name):
                header = COLUMN_BY_FIELD[name].header
                message = f"该条目已审核锁定，不能修改“{header}”；如需更正，请在系统中提交更正版本。"
                errors.append(CellError(number, header, message, _shown(getattr(row, name))))
    return errors


def _caller_errors(number: int, row: LedgerRow, problems: Iterable[tuple[str, str]]) -> list[CellError]:
    errors = []
    for field, message in problems:
        column = COLUMN_BY_FIELD.get(field)
        shown = column.shown if column is not None else None
        value = getattr(row, field, "") if column is not None else ""
        errors.append(CellError(number, shown, message, _shown("" if value is None else value)))
    return errors


class _RowReader:
    """Parses data rows into LedgerRow with per-column parsers built once."""

    def __init__(self, positions: dict[str, int], statuses: Collection[str]) -> None:
        parsers = _parsers(statuses)
        self.plan: list[tuple[str, int, _Parser, str]] = [
            (c.field, positions[c.field], parsers[c.field], c.shown) for c in COLUMNS if c.field in parsers
        ]
        self.unit_index = positions["unit"]
        self.numbers = [(c.field, positions[c.field], c.header) for c in COLUMNS if c.kind is Kind.NUMBER]

    def read(self, number: int, values: tuple[Any, ...]) -> tuple[LedgerRow | None, list[CellError]]:
        fields: dict[str, Any] = {}
        errors: list[CellError] = []
        for name, index, parse, shown in self.plan:
            value = values[index]
            try:
                fields[name] = parse(value)
            except CellProblem as problem:
                errors.append(CellError(number, shown, problem.message, _shown(value)))
        unit = fields.get("unit", "")
        if not isinstance(unit, str):  # pragma: no cover - the text parser returns str
            unit = ""
        for name, index, header in self.numbers:
            value = values[index]
            try:
                fields[name] = parse_number(value, unit=unit)
            except CellProblem as problem:
                errors.append(CellError(number, header, problem.message, _shown(value)))
        if errors:
            return None, errors
        return LedgerRow(**fields), errors


def read_ledger_workbook(
    source: XlsxSource,
    *,
    expected_rows_max: int = DEFAULT_ROWS_MAX,
    lookup_item: ItemLookup | None = None,
    statuses: Collection[str] = LEDGER_STATUSES,
    limits: XlsxLimits | None = None,
    max_errors: int = 500,
    on_row: RowSink | None = None,
    check_row: RowCheck | None = None,
    lookup_row: RowLookup | None = None,
) -> ImportResult:
    """Validate every row of an edited ledger workbook; all rows when all are valid, else none.

    - `source`: a path, bytes or a binary file. Hostile or broken files come back with `refusal` set.
    - `expected_rows_max`: more non-blank data rows than this is an error (the reading stops there).
    - `lookup_item(code)`: the item as the system holds it now, or None when unknown or out of the
      caller's scope; with it the import also refuses stale versions, a changed period and edits to
      locked items. Without it, codes are only checked for shape.
    - `statuses`: the allowed 状态 values.
    - `on_row`: stream valid rows to the caller instead of keeping them (constant memory); they are
      provisional until the result says `ok` — the caller must discard them otherwise (e.g. roll back).
    - `lookup_row(row)`: instead of `lookup_item`, for callers whose "current" depends on more than the code
      (e.g. the report for the row's period).
    - `check_row(row, current)`: the caller's own per-row rules (who may change which column), run when the
      row passed every check here; each (field, message) it yields is an error on that row and column.
    Blank rows are skipped; rows are identified by the hidden item code, so their order is free.
    """
    try:
        check_xlsx(source, limits=limits)
    except UnsafeWorkbookError as refused:
        return _refused(Refusal(refused.code, refused.message))
    if not _defused():  # fail closed: never parse workbook XML without entity protection
        raise RuntimeError("openpyxl is not using defusedxml; refusing to parse uploaded workbooks")
    row_lookup = lookup_row
    if row_lookup is None and lookup_item is not None:
        by_code = lookup_item

        def row_lookup(row: LedgerRow) -> LedgerRow | None:
            return by_code(row.item_code)

    scan = _Scan(expected_rows_max, row_lookup, statuses, max_errors, on_row, check_row)
    with open_source(source) as stream:
        try:
            book = openpyxl.load_workbook(stream, read_only=True, data_only=False, keep_links=False)
        except Exception:  # any parser failure on an uploaded file is the file's fault
            message = "工作簿内容损坏或格式不受支持，系统无法读取。请用 Excel 或 WPS 打开后重新保存为 .xlsx 再上传。"
            return _refused(Refusal("corrupt_workbook", message))
        try:
            early = scan.read(book)
        finally:
            book.close()
    return early or scan.result()


class _Scan:
    """One pass over the data rows, keeping per row only 16 bytes (a hash of its code and its number)."""

    def __init__(
        self,
        expected_rows_max: int,
        lookup_row: RowLookup | None,
        statuses: Collection[str],
        max_errors: int,
        on_row: RowSink | None,
        check_row: RowCheck | None = None,
    ) -> None:
        self.check_row = check_row
        self.expected_rows_max = expected_rows_max
        self.lookup_row = lookup_row
        self.statuses = statuses
        self.max_errors = max_errors
        self.on_row = on_row
        self.accepted: list[LedgerRow] = []
        self.errors: list[CellError] = []
        self.truncated = False
        self.rows_read = 0
        # Duplicate codes are found after the pass from these two arrays (8 bytes each per row), not from a
        # dict of codes; a collision of the keyed 64-bit str hash is negligible (~1e-11 at 20,000 rows).
        self.code_hashes = array("q")
        self.code_rows = array("q")

    def read(self, book: Any) -> ImportResult | None:
        """Read every data row; an ImportResult only when the sheet cannot be read at all."""
        sheet = book[LEDGER_SHEET] if LEDGER_SHEET in book.sheetnames else book.worksheets[0]
        try:
            header_row, positions = _find_header(
                sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            )
        except _FileProblem as problem:
            return ImportResult(rows=(), errors=(problem.error,), rows_read=0)
        except Exception:
            message = "工作表内容损坏，系统无法读取。请用 Excel 或 WPS 重新保存后再上传。"
            return _refused(Refusal("corrupt_workbook", message))
        width = max(positions.values()) + 1
        reader = _RowReader(positions, self.statuses)
        data = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
        number = header_row
        while True:
            try:
                values = next(data, None)
            except Exception:
                message = "工作表内容损坏，读取中断。请用 Excel 或 WPS 重新保存后再上传。"
                self.errors.append(CellError(number + 1, None, message))
                return None
            if values is None:
                return None
            number += 1
            if len(values) < width:
                values = values + (None,) * (width - len(values))
            if _is_blank(values):
                continue
            self.rows_read += 1
            if self.rows_read > self.expected_rows_max:
                message = f"数据行数超过上限（{self.expected_rows_max} 行），系统未读取其余内容。请分批导入或联系管理员。"
                self.errors.append(CellError(number, None, message))
                return None
            row, row_errors = reader.read(number, values)
            if row is not None:
                self.code_hashes.append(hash(row.item_code))
                self.code_rows.append(number)
                if self.lookup_row is not None:
                    current = self.lookup_row(row)
                    row_errors.extend(_check_against_current(number, row, current))
                    if current is not None and not row_errors and self.check_row is not None:
                        row_errors.extend(_caller_errors(number, row, self.check_row(row, current)))
            if row_errors:
                self.errors.extend(row_errors)
                self.accepted.clear()  # all or nothing: nothing read so far will be returned
                if len(self.errors) >= self.max_errors:
                    return None
            elif row is not None and not self.errors:
                if self.on_row is None:
                    self.accepted.append(row)
                else:
                    self.on_row(row)

    def _duplicates(self) -> list[CellError]:
        """Rows repeating an earlier row's code: a sort of the hashes first (no dict unless one repeats)."""
        ordered = sorted(self.code_hashes)
        repeated = {a for a, b in pairwise(ordered) if a == b}
        del ordered
        if not repeated:
            return []
        first_row: dict[int, int] = {}
        errors = []
        column = COLUMN_BY_FIELD["item_code"].shown
        for code_hash, number in zip(self.code_hashes, self.code_rows, strict=True):
            if code_hash not in repeated:
                continue
            first = first_row.setdefault(code_hash, number)
            if first != number:
                message = f"与第 {first} 行是同一条目（系统编码相同），同一条目只能出现一次。"
                errors.append(CellError(number, column, message))
        return errors

    def result(self) -> ImportResult:
        """The outcome once the workbook is closed (the duplicate check runs here, after openpyxl is gone)."""
        errors = self.errors
        if len(errors) < self.max_errors:
            errors.extend(self._duplicates())
            errors.sort(key=lambda e: e.row if e.row is not None else sys.maxsize)
        if len(errors) >= self.max_errors:
            del errors[self.max_errors :]
            message = f"错误过多，仅列出前 {self.max_errors} 条，其余内容未检查。请先改正以上错误后重新上传。"
            errors.append(CellError(None, None, message))
            self.truncated = True
        if errors:
            self.accepted.clear()
            return ImportResult(
                rows=(), errors=tuple(errors), rows_read=self.rows_read, errors_truncated=self.truncated
            )
        return ImportResult(rows=tuple(self.accepted), errors=(), rows_read=self.rows_read)
