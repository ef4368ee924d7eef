from __future__ import annotations

import datetime as dt

import pytest

from minsheng.reporting.domain.periods import (
    DueRuleSpec,
    Frequency,
    Period,
    days_until_due,
    parse_period,
    period_containing,
    periods_of_year,
    reporting_period_for,
)


def test_quarter_is_due_on_the_20th_of_the_following_month_by_default() -> None:
    assert [p.due_on() for p in periods_of_year(2025, "quarterly")] == [
        dt.date(2025, 4, 20),
        dt.date(2025, 7, 20),
        dt.date(2025, 10, 20),
        dt.date(2026, 1, 20),
    ]


def test_month_and_year_periods_and_their_bounds() -> None:
    feb = Period(2024, Frequency.MONTHLY, 2)
    assert (feb.start, feb.end, feb.key) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024M02")
    year = Period(2025, Frequency.YEARLY, 1)
    assert (year.start, year.end, year.key, year.due_on()) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        "2025",
        dt.date(2026, 1, 20),
    )
    assert len(periods_of_year(2025, "monthly")) == 12


def test_due_rule_is_configurable_and_clamps_the_day() -> None:
    q1 = Period(2025, Frequency.QUARTERLY, 1)
    assert q1.due_on(DueRuleSpec(months_after=0, day=31)) == dt.date(2025, 3, 31)
    assert Period(2025, Frequency.MONTHLY, 1).due_on(DueRuleSpec(months_after=1, day=31)) == dt.date(
        2025, 2, 28
    )
    assert q1.due_on(DueRuleSpec(months_after=2, day=5)) == dt.date(2025, 5, 5)
    with pytest.raises(ValueError, match="day"):
        DueRuleSpec(day=0)


@pytest.mark.parametrize("key", ["2025Q1", "2025M03", "2025", "2024M12"])
def test_period_keys_round_trip(key: str) -> None:
    assert parse_period(key).key == key


@pytest.mark.parametrize("bad", ["2025Q5", "2025M13", "25Q1", "2025X1", "", "2025Q0"])
def test_bad_period_keys_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(bad)


def test_reporting_period_is_the_last_ended_one() -> None:
    assert reporting_period_for(dt.date(2025, 5, 3), 2025, "quarterly").key == "2025Q1"
    assert reporting_period_for(dt.date(2025, 2, 1), 2025, "quarterly").key == "2025Q1"
    assert reporting_period_for(dt.date(2026, 11, 29), 2025, "quarterly").key == "2025Q4"
    assert period_containing(dt.date(2025, 8, 1), "quarterly").key == "2025Q3"
    assert Period(2025, Frequency.QUARTERLY, 1).previous() is None
    assert days_until_due(Period(2025, Frequency.QUARTERLY, 1), dt.date(2025, 4, 17)) == 3
