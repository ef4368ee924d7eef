"""Sample ledger rows and workbook edits for the workbook tests (no database)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import xlsxwriter

from minsheng.reporting.domain.workbook import COLUMNS, LedgerRow, ledger_workbook_bytes
from minsheng.reporting.domain.xlsx_safety import MiB

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


# Hostile workbooks, generated on the fly (shared by the xlsx_safety tests and the upload tests).

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<!DOCTYPE lolz [\n"
    b' <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol9;</t></si></sst>"
)


def rezip(
    data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of the workbook zip with some parts replaced and some added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        assert set(replace) <= set(source.namelist())
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def workbook_with_shared_strings() -> bytes:
    """A small workbook as Excel saves it (text in xl/sharedStrings.xml)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    book.add_worksheet("台帐").write_row(0, 0, ["序号", "任务内容"])
    book.close()
    return out.getvalue()


def zip_bomb(uncompressed: int) -> bytes:
    """A workbook whose sheet inflates to `uncompressed` bytes of zeros (streamed, so building it is cheap)."""
    out = io.BytesIO()
    chunk = b"0" * MiB
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(uncompressed // MiB):
                part.write(chunk)
    return out.getvalue()


def billion_laughs_workbook() -> bytes:
    return rezip(workbook_with_shared_strings(), replace={"xl/sharedStrings.xml": BILLION_LAUGHS})


def zip_slip_workbook(data: bytes) -> bytes:
    return rezip(data, add={"../../evil.txt": b"x"})


def html_as_xlsx() -> bytes:
    return "<html><head><meta charset='utf-8'></head><body><table><tr><td>序号</td></tr></table></body></html>".encode()


def macro_workbook(data: bytes) -> bytes:
    """The workbook saved as .xlsm: a VBA project and the macro-enabled content type."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    xlsm = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(
        data, replace={"[Content_Types].xml": xlsm}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}
    )
