"""Time arithmetic: dates as decimal years (year-end convention) and elapsed shares (序时进度)."""

from __future__ import annotations

from calendar import isleap
from datetime import date, timedelta


def decimal_year(on: date) -> float:
    """The date as a decimal year where 31 December of year Y is exactly Y.0.

    Year-end convention because statistics are reported "年末": the 2020 baseline is 2020.0 and a value
    for 2024 dated 2024-12-31 is 2024.0, so whole years count as whole numbers. Within a year the fraction
    is the days passed, counting the day itself: 2023-06-30 → 2022 + 181/365 = 2022.4959.
    """
    days_in_year = 366 if isleap(on.year) else 365
    return on.year - 1 + on.timetuple().tm_yday / days_in_year


def plan_elapsed(plan_start: date, deadline: date, on: date) -> tuple[float, float, float]:
    """(elapsed years, planned years, elapsed share 0–1) of a multi-year plan on `on`.

    Each calendar year counts as one (so 2021-01-01 … 2024-12-31 of a 2021–2025 plan is exactly 4/5);
    within a year, days are counted as in `decimal_year`. The share is clamped to 0 before the start and
    to 1 after the deadline.
    """
    start = decimal_year(plan_start - timedelta(days=1))
    total = decimal_year(deadline) - start
    elapsed = min(max(decimal_year(on) - start, 0.0), total)
    return elapsed, total, elapsed / total


def days_elapsed(planned_start: date, deadline: date, on: date) -> tuple[int, int, float]:
    """(elapsed days, planned days, elapsed share 0–1) of a ledger item on `on`, both ends inclusive.

    An annual task on 30 June has 181 of 365 days elapsed (49.6%). Before the start the share is 0 and
    after the deadline 1. A deadline before the start counts as a one-day item.
    """
    planned = max((deadline - planned_start).days + 1, 1)
    elapsed = min(max((on - planned_start).days + 1, 0), planned)
    return elapsed, planned, elapsed / planned
