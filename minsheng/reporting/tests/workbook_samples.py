"""Sample ledger rows and workbook edits for the workbook tests (no database)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl

from minsheng.reporting.domain.workbook import COLUMNS, LedgerRow, ledger_workbook_bytes

HEADER_ROW = 2
FIRST_DATA_ROW = 3


def sample_row(index: int = 1, **changes: Any) -> LedgerRow:
    """A realistic ledger item (城镇新增就业), numbered `index`, with `changes` applied."""
    row = LedgerRow(
        item_code=f"2024-S1-T1-{index:04d}",
        seq=index,
        task_content="实施就业优先战略，城镇新增就业",
        goal_text="城镇新增就业 ≥ 22万人",
        goal_value=Decimal("22"),
        unit="万人",
        lead_unit="市人社局",
        co_units=("市财政局", "各区人民政府"),
        deadline=date(2024, 12, 31),
        progress="一季度城镇新增就业5.6万人，完成年度目标的25.5%。",
        problems="",
        next_steps="加大稳岗返还力度",
        status="序时推进",
        reported_value=Decimal("5.6"),
        period="2024Q1",
        version=2,
        target_code="S1-T1-1",
        locked=False,
    )
    return replace(row, **changes)


def sample_rows(count: int) -> list[LedgerRow]:
    return [sample_row(i) for i in range(1, count + 1)]


def export(rows: list[LedgerRow], *, year: int = 2024) -> bytes:
    return ledger_workbook_bytes(rows, year=year)


def column_index(header: str) -> int:
    """1-based column of a header (machine headers included)."""
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.header == header)


def edit(data: bytes, changes: dict[tuple[int, str], object], *, literal: bool = False) -> bytes:
    """Open the workbook as a person would, set {(row, header): value}, save it again.

    openpyxl (like Excel) turns a text starting with "=" into a formula unless `literal` is set.
    """
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["台帐"]
    for (row, header), value in changes.items():
        cell = sheet.cell(row=row, column=column_index(header))
        cell.value = value
        if literal and isinstance(value, str):
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def insert_title_rows(data: bytes, count: int) -> bytes:
    """The same workbook with `count` more rows above the title (a person adding a note on top)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["台帐"].insert_rows(1, count)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
