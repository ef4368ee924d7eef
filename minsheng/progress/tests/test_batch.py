"""The numpy batch path: worked examples, matrix helpers and a city-sized run."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.progress.domain import (
    Status,
    latest_per_row,
    pace_batch,
    pace_progress,
    running_total_rows,
    trend_batch,
    trend_progress,
)


def test_worked_examples_in_one_call() -> None:
    res = trend_batch(
        base_year=2015,
        base=[100, 50, 100, 100],
        current_year=2020,
        current=[110, 48, 95, 135],
        target_year=2030,
        target=[130, 40, 130, 130],
        higher_is_better=[True, False, True, True],
    )
    assert res.statuses() == [Status.ON_TRACK, Status.LIMITED, Status.DETERIORATION, Status.ACHIEVED]
    assert np.round(res.score, 4).tolist() == [3.5049, -0.2056, -4.9101, 5.0]
    assert np.round(res.ratio[:3], 4).tolist() == [1.0907, 0.5507, -0.5784]


def test_nan_target_means_method_one_and_nan_limit_means_none() -> None:
    res = trend_batch(
        base_year=2015,
        base=100,
        current_year=2020,
        current=[105, 105],
        target_year=2030,
        target=np.nan,
        higher_is_better=True,
        limit=[np.nan, 120],
    )
    assert res.statuses() == [Status.NEEDS_ACCELERATION, Status.ON_TRACK]
    for i, limit in enumerate((None, 120.0)):
        scalar = trend_progress(
            base_year=2015, base=100, current_year=2020, current=105, target_year=2030, target=None,
            higher_is_better=True, limit=limit,
        )  # fmt: skip
        assert res.score[i] == scalar.score


def test_not_assessable_rows_have_nan_score_and_ratio() -> None:
    res = trend_batch(
        base_year=2020, base=[-5.0, 10.0], current_year=[2023, 2020.5], current=[5.0, 12.0],
        target_year=2025, target=20.0, higher_is_better=True,
    )  # fmt: skip
    assert res.statuses() == [Status.NOT_ASSESSABLE, Status.NOT_ASSESSABLE]
    assert np.isnan(res.score).all()
    assert np.isnan(res.ratio).all()


def test_pace_batch_matches_the_cumulative_example() -> None:
    res = pace_batch(total=[92.3, 88.0, 79.21, 79.2, 110.0], target=110, elapsed_share=0.8)
    assert res.statuses() == [
        Status.ON_TRACK,
        Status.ON_TRACK,
        Status.NEEDS_ACCELERATION,
        Status.LIMITED,
        Status.ACHIEVED,
    ]
    assert res.ratio[0] == pytest.approx(92.3 / 88)
    assert pace_progress(total=79.2, target=110, elapsed_share=0.8).status == Status.LIMITED


def test_latest_per_row_and_running_totals() -> None:
    values = np.array([[1.0, np.nan, 3.0, np.nan], [np.nan, np.nan, np.nan, np.nan], [0.1, 0.2, np.nan, 0.4]])
    times = np.array([2021.0, 2022.0, 2023.0, 2024.0])
    current, when = latest_per_row(values, times)
    assert current[0] == 3.0
    assert when[0] == 2023.0
    assert np.isnan(current[1])
    assert np.isnan(when[1])
    assert current[2] == 0.4
    totals = running_total_rows(values)
    assert totals[2].tolist() == [0.1, 0.3, 0.3, 0.7]  # 0.1 + 0.2 rounds to 0.3, not 0.30000000000000004
    assert totals[1].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_city_scale_recomputation_is_fast() -> None:
    # ~70 targets × 3,300 units = 231,000 series, reduced to (base, current) rows.
    rng = np.random.default_rng(7)
    n = 70 * 3300
    base = rng.uniform(1, 100, n)
    trend = trend_batch(
        base_year=2020.0,
        base=base,
        current_year=rng.uniform(2021, 2025, n),
        current=base * rng.uniform(0.8, 1.3, n),
        target_year=2025.0,
        target=np.where(rng.random(n) < 0.1, np.nan, base * rng.uniform(0.7, 1.5, n)),
        higher_is_better=rng.random(n) < 0.7,
        limit=np.nan,
    )
    pace = pace_batch(total=rng.uniform(0, 120, n), target=110.0, elapsed_share=rng.uniform(0, 1, n))
    # Speed is measured by benchmarks/bench_progress.py, never asserted here (shared, noisy machines).
    assert trend.status.shape == pace.status.shape == (n,)
    assert set(np.unique(trend.status).tolist()) <= set(range(6))
