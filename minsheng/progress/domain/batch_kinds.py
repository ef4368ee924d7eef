"""City-scale recomputation of the kinds `trend_batch`/`pace_batch` do not cover: bounds, years, one unit.

Each function is the vectorised twin of a per-series rule in `level.py`/`kinds.py` and gives the same
status, score and ratio (property tests check it); NaN stands for a missing number. Rows are series;
columns of a year matrix are calendar years given by `years`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .batch import (
    ACHIEVED,
    DETERIORATION,
    NOT_ASSESSABLE,
    BatchResult,
    BoolArray,
    FloatArray,
    _grade,
    pace_batch,
)
from .opensdg import HIGH, LOW, MED
from .series import SUM_DECIMALS

IntArray = NDArray[np.int64]


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _b(x: ArrayLike) -> BoolArray:
    return np.asarray(x, dtype=np.bool_)


def meets_batch(
    values: ArrayLike,
    goal: ArrayLike,
    higher_is_better: ArrayLike,
    strict: ArrayLike = False,
    value_max: ArrayLike = np.nan,
    hold_range: ArrayLike = False,
) -> BoolArray:
    """Vectorised `comparators.meets`: NaN values (and NaN goals) never meet.

    `goal` is `comparators.goal(spec)`; a range to hold (`hold_range`) needs goal ≤ x ≤ value_max instead.
    Broadcasts like numpy: a (n, years) matrix against (n, 1) columns works.
    """
    x, g, hib, st, vmax, band = np.broadcast_arrays(
        _f(values), _f(goal), _b(higher_is_better), _b(strict), _f(value_max), _b(hold_range)
    )
    with np.errstate(invalid="ignore"):
        up = np.where(st, x > g, x >= g)
        down = np.where(st, x < g, x <= g)
        inside = (g <= x) & (x <= vmax)
        out: BoolArray = np.where(band, inside, np.where(hib, up, down)) & ~np.isnan(x)
    return out


def bound_batch(
    *,
    latest: ArrayLike,
    goal: ArrayLike,
    higher_is_better: ArrayLike,
    strict: ArrayLike = False,
    value_max: ArrayLike = np.nan,
    hold_range: ArrayLike = False,
) -> BatchResult:
    """Vectorised `level.assess_bound` (控制在/保持在): held → achieved (score 5), else deterioration.

    A NaN latest value (no data) is not assessable. The ratio is always NaN (the rule has none).
    """
    cur = _f(latest)
    held = meets_batch(cur, goal, higher_is_better, strict, value_max, hold_range)
    codes = np.where(np.isnan(cur), NOT_ASSESSABLE, np.where(held, ACHIEVED, DETERIORATION)).astype(np.int8)
    score = np.where(codes == ACHIEVED, 5.0, np.nan)
    return BatchResult(codes, score, np.full(cur.shape, np.nan))


@dataclass(frozen=True)
class YearsResult:
    """A year-by-year rule's outcome per row: the batch result plus what the sentence would quote.

    share_met is the share of judged years met (NaN when none was judged); last_year the last judged year
    (0 when none); latest_value its value (the level for annual_change); expected_value the goal (annual)
    or the trajectory's value in last_year (annual_change).
    """

    result: BatchResult
    share_met: FloatArray
    last_year: IntArray
    latest_value: FloatArray
    expected_value: FloatArray


def _judged_years(
    years: IntArray, plan_start_year: int, deadline_year: int, as_of_year_done: int
) -> tuple[BoolArray, int]:
    # A plan year is judged once its 31 December has passed (kinds._completed).
    plan = (years >= plan_start_year) & (years <= deadline_year)
    return plan & (years <= as_of_year_done), deadline_year - plan_start_year + 1


def _share_outcome(
    checked: BoolArray, met: BoolArray, judged: BoolArray, n_plan_years: int, plan_over: bool
) -> tuple[NDArray[np.int8], FloatArray, BoolArray]:
    n_checked = checked.sum(axis=1)
    n_met = (met & checked).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_checked > 0, n_met / np.maximum(n_checked, 1), np.nan)
    missing = (judged & ~checked).any(axis=1)
    complete = plan_over & ~missing & (n_checked == n_plan_years)
    achieved = complete & (n_met == n_checked) & (n_checked > 0)
    graded = _grade(share, np.full(share.shape, HIGH), np.full(share.shape, MED), np.full(share.shape, LOW))
    codes = np.where(n_checked == 0, NOT_ASSESSABLE, np.where(achieved, ACHIEVED, graded)).astype(np.int8)
    return codes, share, achieved


def _last_checked(years: IntArray, checked: BoolArray, values: FloatArray) -> tuple[IntArray, FloatArray]:
    has = checked.any(axis=1)
    idx = checked.shape[1] - 1 - np.argmax(checked[:, ::-1], axis=1)
    rows = np.arange(checked.shape[0])
    last_year = np.where(has, years[idx], 0).astype(np.int64)
    latest = np.where(has, values[rows, idx], np.nan)
    return last_year, latest


def annual_batch(
    *,
    year_values: ArrayLike,
    years: ArrayLike,
    goal: ArrayLike,
    higher_is_better: ArrayLike,
    strict: ArrayLike = False,
    plan_start_year: int,
    deadline_year: int,
    as_of_year_done: int,
    plan_over: bool,
) -> YearsResult:
    """Vectorised `kinds.assess_annual`: one value per (row, calendar year), NaN where a year has none.

    `year_values[:, j]` is the year's value as `series.year_values` gives it (last value, or the sum of
    amounts). `as_of_year_done` is the last year whose 31 December is on or before the as-of date;
    `plan_over` is as_of ≥ deadline. Ratio is NaN (the rule has none); score 5 only when achieved.
    """
    vals = _f(year_values)
    yrs = np.asarray(years, dtype=np.int64)
    judged, n_plan = _judged_years(yrs, plan_start_year, deadline_year, as_of_year_done)
    checked = judged[np.newaxis, :] & ~np.isnan(vals)
    g = _f(goal).reshape(-1, 1) if np.ndim(goal) else _f(goal)
    hib = _b(higher_is_better).reshape(-1, 1) if np.ndim(higher_is_better) else _b(higher_is_better)
    st = _b(strict).reshape(-1, 1) if np.ndim(strict) else _b(strict)
    met = meets_batch(vals, g, hib, st)
    codes, share, _ = _share_outcome(checked, met, judged[np.newaxis, :], n_plan, plan_over)
    last_year, latest = _last_checked(yrs, checked, vals)
    score = np.where(codes == ACHIEVED, 5.0, np.nan)
    expected = np.broadcast_to(_f(goal), codes.shape).astype(np.float64)
    return YearsResult(
        BatchResult(codes, score, np.full(codes.shape, np.nan)), share, last_year, latest, expected
    )


def annual_change_batch(
    *,
    levels: ArrayLike,
    years: ArrayLike,
    change: ArrayLike,
    comparator_kind: ArrayLike,
    higher_is_better: ArrayLike,
    baseline_year: int,
    plan_start_year: int,
    deadline_year: int,
    as_of_year_done: int,
    plan_over: bool,
) -> YearsResult:
    """Vectorised `kinds.assess_annual_change`: yearly levels (NaN = none), the baseline year included.

    `levels[:, j]` is the year's last level (with the target's baseline value already written into the
    baseline year's column when it has one). `comparator_kind` per row: 0 for "≥" (and =, approx, range),
    1 for ">", 2 for "≤", 3 for "<" — how the yearly change is compared with `change` (kinds.meets_change).
    Year t is checked when t and t−1 both have a level; deterioration when the last judged level is worse
    than the baseline (unless achieved).
    """
    lv = _f(levels)
    yrs = np.asarray(years, dtype=np.int64)
    if yrs.size > 1 and not np.all(np.diff(yrs) == 1):
        raise ValueError("years must be consecutive")
    n = lv.shape[0]
    step = np.where(_b(higher_is_better), 1.0, -1.0).reshape(-1, 1) * np.ones((n, 1))
    value = (np.ones(n) * _f(change)).reshape(-1, 1)
    kind = (np.ones(n, dtype=np.int64) * np.asarray(comparator_kind, dtype=np.int64)).reshape(-1, 1)
    judged, n_plan = _judged_years(yrs, plan_start_year, deadline_year, as_of_year_done)
    prev = np.concatenate([np.full((n, 1), np.nan), lv[:, :-1]], axis=1)
    with np.errstate(invalid="ignore"):
        diff = np.round(step * (lv - prev), SUM_DECIMALS)
        met = np.select(
            [kind == 1, kind == 2, kind == 3], [diff > value, diff <= value, diff < value], diff >= value
        )
    checked = judged[np.newaxis, :] & ~np.isnan(diff)
    codes, share, achieved = _share_outcome(checked, met, judged[np.newaxis, :], n_plan, plan_over)
    last_year, latest = _last_checked(yrs, checked, lv)
    col = {int(y): j for j, y in enumerate(yrs.tolist())}
    base = lv[:, col[baseline_year]] if baseline_year in col else np.full(n, np.nan)
    s, v = step[:, 0], value[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        span = (last_year - baseline_year).astype(np.float64)
        expected = np.where(np.isnan(base) | (last_year == 0), np.nan, base + s * v * span)
        wanted = v * span
        ratio = np.where(
            np.isnan(base) | (wanted == 0) | (last_year == 0), np.nan, s * (latest - base) / wanted
        )
        worse = ~np.isnan(base) & (s * (latest - base) < 0) & (last_year != 0)
    codes = np.where(worse & ~achieved & (codes != NOT_ASSESSABLE), DETERIORATION, codes).astype(np.int8)
    score = np.where(codes == ACHIEVED, 5.0, np.nan)
    return YearsResult(BatchResult(codes, score, ratio), share, last_year, latest, expected)


def single_unit_batch(*, met: ArrayLike, elapsed_share: ArrayLike) -> BatchResult:
    """Vectorised `kinds.assess_per_unit` for one unit: met → achieved, else 0 of 1 paced (序时进度).

    `elapsed_share` is the plan's elapsed share on the as-of date (`timeline.plan_elapsed`).
    """
    return pace_batch(total=_b(met).astype(np.float64), target=1.0, elapsed_share=elapsed_share)


__all__ = [
    "YearsResult",
    "annual_batch",
    "annual_change_batch",
    "bound_batch",
    "meets_batch",
    "single_unit_batch",
]
