"""Forecasts at the deadline: OLS trend, prediction interval, probability; advice only."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from minsheng.progress.domain import (
    Accumulation,
    Comparator,
    Observation,
    TargetKind,
    TargetSpec,
    evaluate,
    linear_forecast,
)

DEADLINE = date(2025, 12, 31)


def test_perfect_line_gives_a_narrow_interval_on_the_line_and_a_certain_answer() -> None:
    points = [(2021.0, 10.0), (2022.0, 12.0), (2023.0, 14.0), (2024.0, 16.0)]
    f = linear_forecast(points, at=2025.0, on=DEADLINE, band=(17.0, None))
    assert f is not None
    assert f.projected == pytest.approx(18.0)
    assert f.upper - f.lower < 1e-6
    assert f.lower <= 18.0 + 1e-9
    assert f.probability == pytest.approx(1.0)
    miss = linear_forecast(points, at=2025.0, on=DEADLINE, band=(19.0, None))
    assert miss is not None
    assert miss.probability == pytest.approx(0.0)
    assert f.method == "ols-linear-trend, 80% PI"


def test_interval_matches_the_textbook_formula() -> None:
    from scipy import stats

    points = [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (4.0, 5.0)]
    f = linear_forecast(points, at=6.0, on=DEADLINE, band=(6.0, None))
    assert f is not None
    # slope 1.1, intercept 0, residual SS 2.7 on 2 d.f., x̄ 2.5, Sxx 5.
    yhat = 1.1 * 6
    se = (2.7 / 2) ** 0.5 * (1 + 1 / 4 + (6 - 2.5) ** 2 / 5) ** 0.5
    t = stats.t.ppf(0.9, 2)
    assert f.projected == pytest.approx(yhat)
    assert f.lower == pytest.approx(yhat - t * se)
    assert f.upper == pytest.approx(yhat + t * se)
    assert f.probability == pytest.approx(1 - stats.t.cdf((6.0 - yhat) / se, 2))


def test_fewer_than_three_points_or_one_time_gives_no_forecast() -> None:
    assert linear_forecast([(1.0, 1.0), (2.0, 2.0)], at=3.0, on=DEADLINE, band=None) is None
    assert linear_forecast([(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)], at=3.0, on=DEADLINE, band=None) is None


def test_lower_is_better_probability_uses_the_lower_tail() -> None:
    points = [(2021.0, 20.0), (2022.0, 18.0), (2023.0, 16.0)]
    f = linear_forecast(points, at=2025.0, on=DEADLINE, band=(None, 13.0))
    assert f is not None
    assert f.projected == pytest.approx(12.0)
    assert f.probability == pytest.approx(1.0)


def test_cumulative_forecast_projects_the_running_total() -> None:
    spec = TargetSpec(
        kind=TargetKind.CUMULATIVE,
        comparator=Comparator.GE,
        value=110,
        higher_is_better=True,
        accumulation=Accumulation.PER_PERIOD,
    )
    yearly = [Observation(date(y, 12, 31), 20.0) for y in (2021, 2022, 2023)]
    a = evaluate(spec, yearly, as_of=date(2024, 1, 1))
    assert a.forecast is not None
    assert a.forecast.projected == pytest.approx(100.0)
    assert a.forecast.on == DEADLINE
    assert a.forecast.probability == pytest.approx(0.0)


def test_forecast_is_advice_and_never_changes_the_status() -> None:
    spec = TargetSpec(
        kind=TargetKind.LEVEL,
        comparator=Comparator.GE,
        value=82.4,
        higher_is_better=True,
        baseline_value=79.3,
    )
    series = [Observation(date(y, 12, 31), v) for y, v in ((2021, 79.6), (2022, 80.0), (2023, 80.5))]
    with_forecast = evaluate(spec, series, as_of=date(2024, 1, 1))
    two_points = evaluate(spec, series[1:], as_of=date(2024, 1, 1))
    assert with_forecast.forecast is not None
    assert two_points.forecast is None
    assert dataclasses.replace(with_forecast, forecast=None).status == with_forecast.status


def test_method_one_forecast_has_no_probability() -> None:
    spec = TargetSpec(kind=TargetKind.LEVEL, comparator=Comparator.GE, value=None, higher_is_better=True)
    series = [Observation(date(y, 12, 31), float(y - 2000)) for y in (2021, 2022, 2023)]
    a = evaluate(spec, series, as_of=date(2024, 1, 1))
    assert a.forecast is not None
    assert a.forecast.probability is None


def test_per_unit_has_no_forecast() -> None:
    spec = TargetSpec(kind=TargetKind.PER_UNIT, comparator=Comparator.GE, value=1, higher_is_better=True)
    assert evaluate(spec, {"a": True}, as_of=date(2024, 1, 1)).forecast is None


def test_annual_change_forecast_aims_at_the_end_of_the_trajectory() -> None:
    spec = TargetSpec(
        kind=TargetKind.ANNUAL_CHANGE,
        comparator=Comparator.GE,
        value=0.5,
        higher_is_better=False,
        baseline_value=55,
    )
    # Falling exactly 0.5 a year lands on 55 − 0.5 × 5 = 52.5 at the end of 2025: the boundary itself.
    series = [Observation(date(y, 12, 31), 55 - 0.5 * (y - 2020)) for y in (2021, 2022, 2023)]
    f = evaluate(spec, series, as_of=date(2024, 1, 1)).forecast
    assert f is not None
    assert f.projected == pytest.approx(52.5)


def test_range_to_hold_probability_is_the_mass_inside_the_band() -> None:
    spec = TargetSpec(
        kind=TargetKind.LEVEL,
        comparator=Comparator.RANGE,
        value=3,
        value_max=5,
        higher_is_better=True,
        hold=True,
    )
    series = [
        Observation(date(y, 12, 31), v) for y, v in ((2021, 3.8), (2022, 4.2), (2023, 3.9), (2024, 4.1))
    ]
    f = evaluate(spec, series, as_of=date(2025, 1, 1)).forecast
    assert f is not None
    assert f.probability is not None
    assert 0.5 < f.probability < 1.0
