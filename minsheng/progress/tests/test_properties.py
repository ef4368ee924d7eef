"""Hypothesis properties: score bounds, achieved ⇒ 5, monotone R, and batch ≡ scalar bit for bit."""

from __future__ import annotations

import math
from datetime import date
from functools import partial

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.progress.domain import (
    Accumulation,
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    evaluate,
    pace_batch,
    pace_progress,
    trend_batch,
    trend_progress,
)

values = st.one_of(
    st.just(0.0),
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-50, max_value=200).map(float),
)
positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
years = st.one_of(
    st.integers(min_value=2010, max_value=2035).map(float),
    st.floats(min_value=2010, max_value=2035, allow_nan=False),
)
optional = st.one_of(st.none(), values)

TrendRow = tuple[float, float, float, float, float, float | None, bool, float | None, bool]
trend_rows = st.tuples(years, values, years, values, years, optional, st.booleans(), optional, st.booleans())


def run_scalar(row: TrendRow) -> tuple[Status, float | None, float | None]:
    by, b, cy, c, ty, t, hib, lim, strict = row
    res = trend_progress(
        base_year=by, base=b, current_year=cy, current=c, target_year=ty, target=t,
        higher_is_better=hib, limit=lim, strict=strict,
    )  # fmt: skip
    return res.status, res.score, res.ratio


def same(batch_value: float, scalar_value: float | None) -> bool:
    if scalar_value is None:
        return math.isnan(batch_value)
    return batch_value == scalar_value


@settings(max_examples=300, deadline=None)
@given(st.lists(trend_rows, min_size=1, max_size=40))
def test_trend_batch_is_bit_identical_to_the_scalar_function(rows: list[TrendRow]) -> None:
    cols = list(zip(*rows, strict=True))
    res = trend_batch(
        base_year=cols[0],
        base=cols[1],
        current_year=cols[2],
        current=cols[3],
        target_year=cols[4],
        target=[np.nan if t is None else t for t in cols[5]],
        higher_is_better=cols[6],
        limit=[np.nan if v is None else v for v in cols[7]],
        strict=cols[8],
    )
    for i, row in enumerate(rows):
        status, score, ratio = run_scalar(row)
        assert Status.from_code(int(res.status[i])) == status, row
        assert same(float(res.score[i]), score), row
        assert same(float(res.ratio[i]), ratio), row


PaceRow = tuple[float, float, float, bool, bool]
pace_rows = st.tuples(
    values, values, st.floats(min_value=-0.5, max_value=1.5, allow_nan=False), st.booleans(), st.booleans()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(pace_rows, min_size=1, max_size=40))
def test_pace_batch_is_bit_identical_to_the_scalar_function(rows: list[PaceRow]) -> None:
    cols = list(zip(*rows, strict=True))
    res = pace_batch(
        total=cols[0], target=cols[1], elapsed_share=cols[2], higher_is_better=cols[3], strict=cols[4]
    )
    for i, (total, target, share, hib, strict) in enumerate(rows):
        scalar = pace_progress(
            total=total, target=target, elapsed_share=share, higher_is_better=hib, strict=strict
        )
        assert Status.from_code(int(res.status[i])) == scalar.status
        assert same(float(res.score[i]), scalar.score)
        assert same(float(res.ratio[i]), scalar.ratio)


@settings(max_examples=500, deadline=None)
@given(trend_rows)
def test_score_is_always_within_minus_five_and_five_and_achieved_scores_five(row: TrendRow) -> None:
    status, score, _ = run_scalar(row)
    if score is not None:
        assert -5.0 <= score <= 5.0
    if status == Status.ACHIEVED:
        assert score == 5.0
    assert (score is None) == (status == Status.NOT_ASSESSABLE)


@settings(max_examples=300, deadline=None)
@given(
    positive,
    positive,
    positive,
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=15),
)
def test_ratio_never_decreases_as_current_rises_when_higher_is_better(
    base: float, c1: float, c2: float, span: int, horizon: int
) -> None:
    lo, hi = sorted((c1, c2))
    series = partial(
        trend_progress,
        base_year=2020.0,
        base=base,
        current_year=2020.0 + span,
        target_year=2020.0 + horizon,
        target=base * 1.5,
        higher_is_better=True,
    )
    r_lo = series(current=lo).ratio
    r_hi = series(current=hi).ratio
    assert r_lo is not None
    assert r_hi is not None
    assert r_hi >= r_lo - 1e-12 * max(1.0, abs(r_lo))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.ANNUAL, TargetKind.CIRCLE]),
    st.booleans(),
    st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=0, max_size=8),
    st.floats(min_value=0.05, max_value=1, allow_nan=False),
)
def test_evaluate_scores_stay_in_range_and_achieved_means_five(
    kind: TargetKind, per_period: bool, shares: list[float], target: float
) -> None:
    spec = TargetSpec(
        kind=kind,
        comparator=Comparator.GE,
        value=target,
        higher_is_better=True,
        baseline_value=0.3,
        accumulation=Accumulation.PER_PERIOD if per_period else Accumulation.RUNNING_TOTAL,
    )
    series = [Observation(date(2021 + i // 2, 6 if i % 2 == 0 else 12, 30), v) for i, v in enumerate(shares)]
    a = evaluate(spec, series, as_of=date(2026, 1, 1))
    if a.score is not None:
        assert -5.0 <= a.score <= 5.0
    if a.status == Status.ACHIEVED:
        assert a.score == 5.0
    assert a.explanation_zh
    assert a.explanation_en


def test_batch_equals_scalar_on_twenty_thousand_seeded_rows() -> None:
    # Hypothesis explores edge cases; this sweeps the common ones (whole years, zero bases, limits) in bulk,
    # where a last-bit difference between two pow implementations would show up.
    rng = np.random.default_rng(3)
    n = 20_000
    rows = {
        "base_year": rng.integers(2010, 2036, n).astype(float),
        "base": rng.choice([0.0, 1.0], n) * rng.uniform(-50, 200, n),
        "current_year": rng.integers(2010, 2036, n).astype(float),
        "current": rng.uniform(-50, 200, n),
        "target_year": rng.integers(2010, 2036, n).astype(float),
        "target": np.where(rng.random(n) < 0.3, np.nan, rng.uniform(-50, 200, n)),
        "higher_is_better": rng.random(n) < 0.5,
        "limit": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0, 200, n)),
    }
    res = trend_batch(**rows)
    for i in range(n):
        status, score, ratio = run_scalar(
            (
                float(rows["base_year"][i]),
                float(rows["base"][i]),
                float(rows["current_year"][i]),
                float(rows["current"][i]),
                float(rows["target_year"][i]),
                None if np.isnan(rows["target"][i]) else float(rows["target"][i]),
                bool(rows["higher_is_better"][i]),
                None if np.isnan(rows["limit"][i]) else float(rows["limit"][i]),
                False,
            )
        )
        assert int(res.status[i]) == status.code
        assert same(float(res.score[i]), score)
        assert same(float(res.ratio[i]), ratio)
