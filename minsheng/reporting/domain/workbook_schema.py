"""The ledger workbook's shape: the row dataclass, the columns (visible and hidden), statuses, limits, results.

One place for every header name, width and text limit, shared by the export and the import.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class LedgerStatus(StrEnum):
    """The 状态 column's default choices (the import accepts whatever set the caller passes)."""

    NOT_STARTED = "未启动"
    ON_SCHEDULE = "序时推进"
    BEHIND = "滞后推进"
    DONE = "已完成"


LEDGER_STATUSES: tuple[str, ...] = tuple(s.value for s in LedgerStatus)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One ledger item as it appears in the workbook (plain values; the service maps models to it).

    `goal_value` and `reported_value` are in `unit` (for unit "%" the number of percent, e.g. 85.3).
    `co_units` is written joined by "、" and read back split on 、，,;； and newlines.
    `version` is the item's optimistic-lock counter; `locked` says the reported data are approved.
    """

    item_code: str
    seq: int
    task_content: str
    goal_text: str
    goal_value: Decimal | None
    unit: str
    lead_unit: str
    co_units: tuple[str, ...]
    deadline: date
    progress: str
    problems: str
    next_steps: str
    status: str
    reported_value: Decimal | None
    period: str
    version: int
    target_code: str = ""
    locked: bool = False


class Kind(StrEnum):
    """How a column's cells are written and parsed."""

    SEQ = "seq"
    TEXT = "text"  # long text: wrapped
    SHORT = "short"  # short text: centred
    UNITS = "units"  # a list of unit names
    DATE = "date"
    NUMBER = "number"
    STATUS = "status"
    CODE = "code"  # hidden machine identifiers
    INT = "int"
    FLAG = "flag"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the ledger sheet: the LedgerRow field, its header, width (Excel characters), limits."""

    field: str
    header: str
    kind: Kind
    width: float
    required: bool = False
    max_len: int = 0
    hidden: bool = False
    aliases: tuple[str, ...] = ()
    label: str = ""  # how error messages name a hidden column

    @property
    def shown(self) -> str:
        """The column's name in error messages."""
        return self.label or self.header


# The usual 台帐 layout first (A-J), then the numbers, then the hidden machine columns (N-R).
COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", Kind.SEQ, 6, required=True),
    Column(
        "task_content",
        "任务内容",
        Kind.TEXT,
        40,
        required=True,
        max_len=2000,
        aliases=("重点任务", "工作任务"),
    ),
    Column("goal_text", "目标", Kind.TEXT, 30, max_len=1000, aliases=("目标任务", "工作目标")),
    Column("lead_unit", "牵头单位", Kind.SHORT, 16, required=True, max_len=200),
    Column("co_units", "责任单位", Kind.UNITS, 24, max_len=2000, aliases=("配合单位",)),
    Column("deadline", "完成时限", Kind.DATE, 13, required=True, aliases=("完成时间", "时限")),
    Column("progress", "进展情况", Kind.TEXT, 50, max_len=5000, aliases=("工作进展", "进展")),
    Column("problems", "存在问题", Kind.TEXT, 30, max_len=5000, aliases=("问题",)),
    Column("next_steps", "下步打算", Kind.TEXT, 30, max_len=5000, aliases=("下一步打算", "下步工作")),
    Column("status", "状态", Kind.STATUS, 11, required=True, aliases=("完成状态",)),
    Column("goal_value", "目标值", Kind.NUMBER, 12),
    Column("unit", "计量单位", Kind.SHORT, 10, max_len=20, aliases=("单位",)),
    Column("reported_value", "完成值", Kind.NUMBER, 12, aliases=("本期完成值", "实际完成值")),
    Column(
        "item_code",
        "_item_code",
        Kind.CODE,
        14,
        required=True,
        max_len=64,
        hidden=True,
        label="条目编码（隐藏列）",
    ),
    Column("target_code", "_target_code", Kind.CODE, 14, max_len=64, hidden=True, label="指标编码（隐藏列）"),
    Column(
        "period", "_period", Kind.CODE, 10, required=True, max_len=32, hidden=True, label="报告期（隐藏列）"
    ),
    Column("version", "_version", Kind.INT, 8, required=True, hidden=True, label="版本（隐藏列）"),
    Column("locked", "_locked", Kind.FLAG, 8, hidden=True, label="锁定标记（隐藏列）"),
)
VISIBLE_COLUMNS = tuple(c for c in COLUMNS if not c.hidden)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
LEDGER_SHEET = "台帐"
TITLE_ROW = 1  # spreadsheet row numbers, 1-based, as Excel shows them
HEADER_ROW = 2
HEADER_SEARCH_ROWS = 10  # the import finds the header row among the first rows
CO_UNIT_SEPARATOR = "、"
FIELDS_COMPARED_WHEN_LOCKED = (
    "task_content",
    "goal_text",
    "goal_value",
    "unit",
    "lead_unit",
    "co_units",
    "deadline",
    "progress",
    "problems",
    "next_steps",
    "status",
    "reported_value",
)


def normalise_header(text: str) -> str:
    """A header cell as compared: NFKC, no whitespace, no required-field asterisks."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and ch != "*")


HEADER_LOOKUP: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        HEADER_LOOKUP[normalise_header(_name)] = _column


def is_percent_unit(unit: str) -> bool:
    """Unit "%" (or ％): the sheet holds a fraction shown as a percentage, the row holds percent."""
    return unicodedata.normalize("NFKC", unit).strip() == "%"


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem found by the import. `row` is the spreadsheet row (None: the whole file),
    `column` the header name (None: the whole row), `message` Chinese, `value` the offending text (≤ 100 chars)."""

    row: int | None
    column: str | None
    message: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Refusal:
    """A file refused before its rows were read (hostile, not an xlsx, corrupt, too big)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """All or nothing: `rows` holds every data row when `ok`, and is empty whenever there is any error."""

    rows: tuple[LedgerRow, ...]
    errors: tuple[CellError, ...]
    rows_read: int
    refusal: Refusal | None = None
    errors_truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.refusal is None
