"""Property: export → import gives back identical rows; no exported cell is a formula; numbers stay numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.reporting.domain.workbook import COLUMNS, LEDGER_STATUSES, LedgerRow, read_ledger_workbook
from minsheng.reporting.domain.workbook_schema import Kind, is_percent_unit
from minsheng.reporting.tests.workbook_samples import export

# Any character a database text column can hold: everything but NUL and lone surrogates.
_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
_TRIGGERS = st.sampled_from(
    ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "\u200b", "=cmd|'", "_x0041_"]
)


def _text(max_size: int, *, required: bool = False) -> st.SearchStrategy[str]:
    plain = st.text(_CHARS, max_size=max_size - 8)
    hostile = st.builds(lambda head, tail: head + tail, _TRIGGERS, plain)
    text = st.one_of(plain, hostile)
    if required:
        return text.filter(lambda t: bool(t.strip()))
    return text


# Decimals of up to 15 significant digits: what a spreadsheet number holds exactly.
_DECIMALS = st.one_of(
    st.none(),
    st.builds(
        lambda digits, places: Decimal(digits).scaleb(-places),
        st.integers(-(10**14), 10**14),
        st.integers(0, 6),
    ),
)
_NAME = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"], exclude_characters="、，,;；"),
    min_size=1,
    max_size=12,
)
_CODE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)
_UNITS = st.one_of(st.sampled_from(["万人", "人", "%", "％", "个", "万元", "所", ""]), _text(20))


@st.composite
def ledger_rows(draw: st.DrawFn) -> list[LedgerRow]:
    count = draw(st.integers(1, 6))
    codes = draw(st.lists(_CODE, min_size=count, max_size=count, unique=True))
    rows = []
    for index, code in enumerate(codes, start=1):
        rows.append(
            LedgerRow(
                item_code=code,
                seq=draw(st.integers(1, 10_000)),
                task_content=draw(_text(200, required=True)),
                goal_text=draw(_text(100)),
                goal_value=draw(_DECIMALS),
                unit=draw(_UNITS),
                lead_unit=draw(_text(50, required=True)),
                co_units=tuple(draw(st.lists(_NAME, max_size=4))),
                deadline=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))),
                progress=draw(_text(300)),
                problems=draw(_text(100)),
                next_steps=draw(_text(100)),
                status=draw(st.sampled_from(LEDGER_STATUSES)),
                reported_value=draw(_DECIMALS),
                period=draw(_CODE),
                version=draw(st.integers(0, 10**6)),
                target_code=draw(st.one_of(st.just(""), _CODE)),
                locked=draw(st.booleans()),
            )
        )
        assert index
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger_rows())
def test_export_then_import_gives_back_the_same_rows(rows: list[LedgerRow]) -> None:
    data = export(rows)
    result = read_ledger_workbook(data)
    assert result.ok, result.errors
    assert list(result.rows) == rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger_rows())
def test_exported_text_is_never_a_formula_and_numbers_stay_numbers(rows: list[LedgerRow]) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(export(rows)))["台帐"]
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f", cell.coordinate
    for r, row in enumerate(rows, start=3):
        for c, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=c)
            value = getattr(row, column.field)
            if column.kind is Kind.NUMBER:
                if value is None:
                    assert cell.value is None
                else:
                    assert cell.data_type == "n"
                    expected = value / 100 if is_percent_unit(row.unit) else value
                    assert Decimal(format(cell.value, ".15g")) == expected
            elif column.kind is Kind.DATE:
                assert cell.is_date
            elif column.kind in (Kind.TEXT, Kind.SHORT, Kind.UNITS, Kind.CODE, Kind.STATUS):
                assert cell.value is None or cell.data_type == "s"
