"""Traffic lights of ledger items under time-elapsed progress (序时进度)."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.progress.domain import Light, expected_share, traffic_light

START, END = date(2025, 1, 1), date(2025, 12, 31)


def test_guide_example_behind_on_30_june_is_yellow() -> None:
    assert expected_share(START, END, date(2025, 6, 30)) == pytest.approx(181 / 365)
    assert round(181 / 365, 3) == 0.496
    assert traffic_light(START, END, date(2025, 6, 30), 0.40, closed=False) == Light.YELLOW


def test_guide_example_still_open_on_1_january_is_red() -> None:
    assert traffic_light(START, END, date(2026, 1, 1), 0.40, closed=False) == Light.RED


def test_on_or_ahead_of_elapsed_time_is_green() -> None:
    assert traffic_light(START, END, date(2025, 6, 30), 181 / 365, closed=False) == Light.GREEN
    assert traffic_light(START, END, date(2025, 6, 30), 0.6, closed=False) == Light.GREEN


def test_before_the_start_nothing_is_expected() -> None:
    assert traffic_light(START, END, date(2024, 12, 1), 0.0, closed=False) == Light.GREEN


@pytest.mark.parametrize(("day", "light"), [(27, Light.YELLOW), (28, Light.BLUE), (31, Light.BLUE)])
def test_deadline_within_three_days_is_blue(day: int, light: Light) -> None:
    assert traffic_light(START, END, date(2025, 12, day), 0.5, closed=False) == light


def test_warn_days_is_configurable() -> None:
    assert traffic_light(START, END, date(2025, 12, 21), 1.0, closed=False, warn_days=10) == Light.BLUE


def test_closed_item_is_green_even_after_the_deadline() -> None:
    assert traffic_light(START, END, date(2026, 1, 5), 1.0, closed=True) == Light.GREEN


def test_a_period_that_ended_red_turns_yellow_not_green_once_made_up() -> None:
    assert traffic_light(START, END, date(2026, 1, 5), 1.0, closed=True, was_red=True) == Light.YELLOW
    # Carried into a new period: caught up with elapsed time, still yellow.
    assert traffic_light(START, END, date(2025, 3, 1), 0.9, closed=False, was_red=True) == Light.YELLOW


def test_labels() -> None:
    assert Light.RED.label("zh").startswith("红灯")
    assert Light.BLUE.label("en") == "Blue (deadline near)"
