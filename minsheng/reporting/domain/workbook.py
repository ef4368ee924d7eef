"""The ledger workbook round trip (年度任务台帐 ⇄ .xlsx): the public API in one import.

    write_ledger_workbook(rows, target, *, year) → streamed .xlsx in the usual 台帐 layout
    read_ledger_workbook(source, *, expected_rows_max, lookup_item) → ImportResult (all or nothing)
    write_error_report(result.errors, target) → the row-by-row error report as .xlsx
    check_xlsx(source) → refuses hostile files (UnsafeWorkbookError with a Chinese message)

Pure code: plain dataclasses in and out, no Django. The service maps models to `LedgerRow`, audits the
export and applies an accepted import in one transaction. See docs/domain/ledger-workbook.md.
"""

from __future__ import annotations

from minsheng.reporting.domain.workbook_export import (
    error_report_bytes,
    ledger_workbook_bytes,
    write_error_report,
    write_ledger_workbook,
)
from minsheng.reporting.domain.workbook_import import (
    DEFAULT_ROWS_MAX,
    ItemLookup,
    RowCheck,
    RowLookup,
    RowSink,
    read_ledger_workbook,
)
from minsheng.reporting.domain.workbook_schema import (
    COLUMNS,
    LEDGER_SHEET,
    LEDGER_STATUSES,
    CellError,
    Column,
    ImportResult,
    LedgerRow,
    LedgerStatus,
    Refusal,
)
from minsheng.reporting.domain.xlsx_safety import UnsafeWorkbookError, XlsxLimits, check_xlsx

__all__ = [
    "COLUMNS",
    "DEFAULT_ROWS_MAX",
    "LEDGER_SHEET",
    "LEDGER_STATUSES",
    "CellError",
    "Column",
    "ImportResult",
    "ItemLookup",
    "LedgerRow",
    "LedgerStatus",
    "Refusal",
    "RowCheck",
    "RowLookup",
    "RowSink",
    "UnsafeWorkbookError",
    "XlsxLimits",
    "check_xlsx",
    "error_report_bytes",
    "ledger_workbook_bytes",
    "read_ledger_workbook",
    "write_error_report",
    "write_ledger_workbook",
]
