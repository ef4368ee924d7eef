"""The 状态 column of the ledger workbook (未启动 / 序时推进 / 滞后推进 / 已完成), derived from a report.

Pure: the service passes plain values. The working-group office may override the derived status (its
judgement is stored on the item); everyone else sees the derived one.

Rules for one reporting unit's report on a period whose last month is `last_month`:
- no report (nothing entered) → 未启动;
- a qualitative task: every milestone done → 已完成, otherwise 序时推进 once something is reported;
- a figure without a goal, or narrative without a figure → 序时推进;
- running totals (higher is better): reaching the goal → 已完成; at least goal × last_month / 12 (序时进度)
  → 序时推进; less → 滞后推进;
- levels: meeting the goal (≥ for higher-is-better, ≤ for lower-is-better) → 序时推进, or 已完成 in the
  year's last period; not meeting it → 滞后推进.
Several units reporting on one item (district shares): any unit behind → 滞后推进; all done → 已完成; any
report → 序时推进; none → 未启动.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from minsheng.reporting.domain.workbook_schema import LedgerStatus

LOWER_IS_BETTER = frozenset({"<=", "<"})


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What the status needs from one unit's report (None: no report)."""

    value: Decimal | None
    has_text: bool


def unit_status(
    report: ReportFacts | None,
    *,
    goal: Decimal | None,
    comparator: str,
    running_total: bool,
    qualitative: bool,
    milestones_done: bool,
    last_month: int,
) -> LedgerStatus:
    if qualitative:
        if milestones_done:
            return LedgerStatus.DONE
        return (
            LedgerStatus.ON_SCHEDULE if report is not None and report.has_text else LedgerStatus.NOT_STARTED
        )
    if report is None or (report.value is None and not report.has_text):
        return LedgerStatus.NOT_STARTED
    if report.value is None or goal is None:
        return LedgerStatus.ON_SCHEDULE
    value = report.value
    year_end = last_month >= 12
    if comparator in LOWER_IS_BETTER:
        if value <= goal:
            return LedgerStatus.DONE if year_end else LedgerStatus.ON_SCHEDULE
        return LedgerStatus.BEHIND
    if running_total:
        if value >= goal:
            return LedgerStatus.DONE
        expected = goal * Decimal(last_month) / Decimal(12)
        return LedgerStatus.ON_SCHEDULE if value >= expected else LedgerStatus.BEHIND
    if value >= goal:
        return LedgerStatus.DONE if year_end else LedgerStatus.ON_SCHEDULE
    return LedgerStatus.BEHIND


def combined_status(statuses: Iterable[LedgerStatus]) -> LedgerStatus:
    """Several units on one item: the worst news first."""
    seen = list(statuses)
    if not seen or all(s is LedgerStatus.NOT_STARTED for s in seen):
        return LedgerStatus.NOT_STARTED
    if LedgerStatus.BEHIND in seen:
        return LedgerStatus.BEHIND
    if all(s is LedgerStatus.DONE for s in seen):
        return LedgerStatus.DONE
    return LedgerStatus.ON_SCHEDULE
