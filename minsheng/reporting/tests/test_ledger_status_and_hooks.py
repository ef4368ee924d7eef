"""Pure: the derived 状态 of a ledger row, and the import's caller hooks (`lookup_row`, `check_row`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pytest

from minsheng.reporting.domain.ledger_status import ReportFacts, combined_status, unit_status
from minsheng.reporting.domain.workbook import LedgerRow, LedgerStatus, read_ledger_workbook
from minsheng.reporting.tests.workbook_samples import FIRST_DATA_ROW, edit, export, sample_rows

D = Decimal


def _status(
    value: str | None,
    *,
    goal: str | None = "22",
    comparator: str = ">=",
    running: bool = True,
    month: int = 6,
    text: bool = True,
) -> LedgerStatus:
    report = ReportFacts(None if value is None else D(value), text)
    return unit_status(
        report,
        goal=None if goal is None else D(goal),
        comparator=comparator,
        running_total=running,
        qualitative=False,
        milestones_done=False,
        last_month=month,
    )


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("22", {}, LedgerStatus.DONE),  # goal reached
        ("11", {}, LedgerStatus.ON_SCHEDULE),  # half the goal at mid-year: 序时进度
        ("10.9", {}, LedgerStatus.BEHIND),
        (None, {}, LedgerStatus.ON_SCHEDULE),  # narrative only
        (None, {"text": False}, LedgerStatus.NOT_STARTED),
        ("5", {"goal": None}, LedgerStatus.ON_SCHEDULE),
        ("4.8", {"goal": "5", "comparator": "<=", "running": False}, LedgerStatus.ON_SCHEDULE),
        ("4.8", {"goal": "5", "comparator": "<=", "running": False, "month": 12}, LedgerStatus.DONE),
        ("5.2", {"goal": "5", "comparator": "<=", "running": False}, LedgerStatus.BEHIND),
        ("96", {"goal": "95", "running": False}, LedgerStatus.ON_SCHEDULE),
        ("94", {"goal": "95", "running": False}, LedgerStatus.BEHIND),
    ],
)
def test_unit_status(value: str | None, kwargs: dict[str, object], expected: LedgerStatus) -> None:
    assert _status(value, **kwargs) is expected  # type: ignore[arg-type]


def test_qualitative_and_missing_reports() -> None:
    common = {"goal": None, "comparator": "", "running_total": False, "last_month": 3}
    assert unit_status(None, qualitative=True, milestones_done=True, **common) is LedgerStatus.DONE  # type: ignore[arg-type]
    assert unit_status(None, qualitative=True, milestones_done=False, **common) is LedgerStatus.NOT_STARTED  # type: ignore[arg-type]
    assert unit_status(None, qualitative=False, milestones_done=False, **common) is LedgerStatus.NOT_STARTED  # type: ignore[arg-type]


def test_several_units_the_worst_news_first() -> None:
    s = LedgerStatus
    assert combined_status([]) is s.NOT_STARTED
    assert combined_status([s.DONE, s.BEHIND, s.ON_SCHEDULE]) is s.BEHIND
    assert combined_status([s.DONE, s.DONE]) is s.DONE
    assert combined_status([s.DONE, s.NOT_STARTED]) is s.ON_SCHEDULE
    assert combined_status([s.NOT_STARTED, s.NOT_STARTED]) is s.NOT_STARTED


def test_lookup_row_sees_the_whole_row_and_check_row_adds_errors_on_named_columns() -> None:
    rows = sample_rows(3)
    current = {r.item_code: r for r in rows}
    seen: list[str] = []

    def lookup_row(row: LedgerRow) -> LedgerRow | None:
        seen.append(row.period)
        return current.get(row.item_code)

    def check_row(row: LedgerRow, now: LedgerRow) -> Iterable[tuple[str, str]]:
        if row.lead_unit != now.lead_unit:
            yield "lead_unit", "牵头单位不能通过导入修改。"

    data = edit(export(rows), {(FIRST_DATA_ROW + 1, "牵头单位"): "市民政局"})
    result = read_ledger_workbook(data, lookup_row=lookup_row, check_row=check_row)
    assert seen == ["2024Q1"] * 3
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column, error.value) == (FIRST_DATA_ROW + 1, "牵头单位", "市民政局")
    assert read_ledger_workbook(export(rows), lookup_row=lookup_row, check_row=check_row).ok


def test_unknown_codes_are_named_unknown_or_not_permitted() -> None:
    rows = sample_rows(2)
    result = read_ledger_workbook(export(rows), lookup_item={rows[0].item_code: rows[0]}.get)
    assert "未知或无权限的事项" in result.errors[0].message
