"""Spreadsheet-safe exports: text that a spreadsheet would run as a formula is neutralised; numbers stay numbers.

A cell whose text begins with = + - @, a tab or a carriage return (or their full-width forms) is prefixed with
an apostrophe so Excel and WPS show it as text. Numeric values are passed through as numbers (a negative number
is a number, not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel opens Chinese text correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = workbook.add_worksheet(sheet[:31])
    for col, h in enumerate(header):
        ws.write_string(0, col, str(neutralise(h)))
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            cell = neutralise(value)
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                ws.write_number(r, col, cell)
            else:
                ws.write_string(r, col, str(cell))
    workbook.close()
    return buffer.getvalue()
