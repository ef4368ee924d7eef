"""Reporting periods and their due dates: pure arithmetic on dates, no Django.

A period is a month, a quarter or a year of a ledger year. Its key is `2024M03`, `2024Q1` or `2024`.
The due date rule says how many months after the period's last month, and on which day, the report is
due; the default is the city's practice: the 20th of the month after the period ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


FREQUENCY_LABELS_ZH = {Frequency.MONTHLY: "按月", Frequency.QUARTERLY: "按季", Frequency.YEARLY: "按年"}

_KEY = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[MQ])(?P<n>\d{1,2}))?$")


@dataclass(frozen=True)
class DueRuleSpec:
    """`months_after` months after the period's last month, on `day` (clamped to the month's length)."""

    months_after: int = 1
    day: int = 20

    def __post_init__(self) -> None:
        if not 0 <= self.months_after <= 12:
            raise ValueError("months_after must be 0..12")
        if not 1 <= self.day <= 31:
            raise ValueError("day must be 1..31")


DEFAULT_DUE_RULE = DueRuleSpec()


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. `index` is the month (1–12), the quarter (1–4), or 1 for a year."""

    year: int
    frequency: Frequency
    index: int

    def __post_init__(self) -> None:
        limit = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 1}[self.frequency]
        if not 1 <= self.index <= limit:
            raise ValueError(f"period index {self.index} out of range for {self.frequency}")

    @property
    def key(self) -> str:
        if self.frequency == Frequency.MONTHLY:
            return f"{self.year}M{self.index:02d}"
        if self.frequency == Frequency.QUARTERLY:
            return f"{self.year}Q{self.index}"
        return f"{self.year}"

    @property
    def label_zh(self) -> str:
        if self.frequency == Frequency.MONTHLY:
            return f"{self.year}年{self.index}月"
        if self.frequency == Frequency.QUARTERLY:
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        return f"{self.year}年度"

    @property
    def first_month(self) -> int:
        return {Frequency.MONTHLY: self.index, Frequency.QUARTERLY: 3 * self.index - 2}.get(self.frequency, 1)

    @property
    def last_month(self) -> int:
        return {Frequency.MONTHLY: self.index, Frequency.QUARTERLY: 3 * self.index}.get(self.frequency, 12)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def due_on(self, rule: DueRuleSpec = DEFAULT_DUE_RULE) -> dt.date:
        """The due date under `rule`; a day past the month's end is clamped (31 → 28/29/30)."""
        months = self.year * 12 + (self.last_month - 1) + rule.months_after
        year, month0 = divmod(months, 12)
        month = month0 + 1
        return dt.date(year, month, min(rule.day, calendar.monthrange(year, month)[1]))

    def previous(self) -> Period | None:
        """The period before this one in the same year (running totals restart every year)."""
        return Period(self.year, self.frequency, self.index - 1) if self.index > 1 else None


def periods_of_year(year: int, frequency: Frequency | str) -> list[Period]:
    """All periods of `year` at `frequency`, in order."""
    freq = Frequency(frequency)
    n = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 1}[freq]
    return [Period(year, freq, i) for i in range(1, n + 1)]


def parse_period(key: str) -> Period:
    """`2024Q1` → Period(2024, quarterly, 1); raises ValueError on anything else."""
    match = _KEY.match(key.strip())
    if match is None:
        raise ValueError(f"bad period key: {key!r}")
    year = int(match["year"])
    if match["kind"] is None:
        return Period(year, Frequency.YEARLY, 1)
    freq = Frequency.MONTHLY if match["kind"] == "M" else Frequency.QUARTERLY
    return Period(year, freq, int(match["n"]))


def period_containing(day: dt.date, frequency: Frequency | str) -> Period:
    """The period of `frequency` that contains `day`."""
    freq = Frequency(frequency)
    if freq == Frequency.MONTHLY:
        return Period(day.year, freq, day.month)
    if freq == Frequency.QUARTERLY:
        return Period(day.year, freq, (day.month - 1) // 3 + 1)
    return Period(day.year, freq, 1)


def reporting_period_for(day: dt.date, year: int, frequency: Frequency | str) -> Period:
    """The period a unit should be reporting on `day` for ledger `year`: the last one ended, else the first.

    After the year is over this is the year's last period; before its first period ends, the first.
    """
    periods = periods_of_year(year, frequency)
    ended = [p for p in periods if p.end < day]
    return ended[-1] if ended else periods[0]


def days_until_due(period: Period, today: dt.date, rule: DueRuleSpec = DEFAULT_DUE_RULE) -> int:
    """Days from `today` to the due date: negative once overdue."""
    return (period.due_on(rule) - today).days
