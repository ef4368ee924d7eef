"""City-scale recomputation: the Open SDG and pace rules over numpy arrays, one row per series.

Gives bit-identical results to `opensdg.trend_progress` and `pace.pace_progress` (a property test checks
it): same operations in the same order, and the same numpy pow. Missing numbers are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import opensdg
from .pace import PACE_TOLERANCE, REL_EPS
from .series import SUM_DECIMALS
from .types import STATUS_BY_CODE, Status

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

NOT_ASSESSABLE = Status.NOT_ASSESSABLE.code
DETERIORATION = Status.DETERIORATION.code
LIMITED = Status.LIMITED.code
NEEDS_ACCELERATION = Status.NEEDS_ACCELERATION.code
ON_TRACK = Status.ON_TRACK.code
ACHIEVED = Status.ACHIEVED.code


@dataclass(frozen=True)
class BatchResult:
    """Per-row status codes (`Status.from_code`), scores (NaN = none) and ratios (NaN = none).

    ratio is R / signed growth for the trend rule (also when achieved) and total ÷ expected for pace.
    """

    status: NDArray[np.int8]
    score: FloatArray
    ratio: FloatArray

    def statuses(self) -> list[Status]:
        """The status codes as `Status` members."""
        return [STATUS_BY_CODE[c] for c in self.status.tolist()]


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _b(x: ArrayLike) -> BoolArray:
    return np.asarray(x, dtype=np.bool_)


def _grade(value: FloatArray, high: FloatArray, med: FloatArray, low: FloatArray) -> NDArray[np.int8]:
    # Same cascade as opensdg.status_from_value.
    codes = np.select(
        [value >= high, value >= med, value >= low], [ON_TRACK, NEEDS_ACCELERATION, LIMITED], DETERIORATION
    )
    return codes.astype(np.int8)


def trend_batch(
    *,
    base_year: ArrayLike,
    base: ArrayLike,
    current_year: ArrayLike,
    current: ArrayLike,
    target_year: ArrayLike,
    target: ArrayLike,
    higher_is_better: ArrayLike,
    limit: ArrayLike = np.nan,
    strict: ArrayLike = False,
) -> BatchResult:
    """Vectorised `opensdg.trend_progress`: arrays (or scalars) broadcast to one row per series.

    Years are decimal years; target NaN → method 1 for that row; limit NaN → no natural limit.
    """
    by, b0, cy, cur, ty, tgt, hib, lim, strict_ = np.broadcast_arrays(
        _f(base_year), _f(base), _f(current_year), _f(current), _f(target_year), _f(target),
        _b(higher_is_better), _f(limit), _b(strict),
    )  # fmt: skip
    with np.errstate(all="ignore"):
        has_target = ~np.isnan(tgt)
        tgt = np.where(has_target & (tgt == 0), opensdg.ZERO_REPLACEMENT, tgt)
        achieved = has_target & np.where(
            hib, np.where(strict_, cur > tgt, cur >= tgt), np.where(strict_, cur < tgt, cur <= tgt)
        )
        has_limit = ~np.isnan(lim)
        bl, ll = np.abs(b0), np.abs(lim)
        coeff = np.where(
            ~has_limit | (bl >= 2 * ll),
            1.0,
            np.where(
                bl <= ll,
                1 - np.power(bl / ll, opensdg.LIMIT_EXPONENT),
                1 - np.power((2 * ll - bl) / ll, opensdg.LIMIT_EXPONENT),
            ),
        )
        coeff = np.where(has_target, 1.0, coeff)
        sign = np.where(b0 < 0, -1.0, 1.0)
        direction = np.where(hib, 1.0, -1.0)
        base_g = np.where(b0 == 0, opensdg.ZERO_REPLACEMENT, b0)

        valid = ~(((base_g > 0) & (cur < 0)) | ((base_g < 0) & (cur > 0)))
        valid &= ~(cy - by < opensdg.MIN_SPAN_YEARS)
        observed = np.power(cur / base_g, 1.0 / (cy - by)) - 1.0
        valid2 = has_target & (ty - by > 0)
        valid2 &= tgt / base_g > 0
        required = np.power(tgt / base_g, 1.0 / (ty - by)) - 1.0
        valid2 &= required != 0
        value = np.where(
            has_target,
            np.where(valid2, sign * direction * observed / np.abs(required), np.nan),
            sign * direction * observed,
        )
        value = np.where(valid & np.isfinite(value), value, np.nan)

        high = np.where(has_target, opensdg.HIGH, opensdg.M1_HIGH * coeff)
        med = np.where(has_target, opensdg.MED, opensdg.M1_MED * coeff)
        low = np.where(has_target, opensdg.LOW, opensdg.M1_LOW * coeff)
        assessable = ~np.isnan(value)
        codes = np.where(assessable, _grade(value, high, med, low), NOT_ASSESSABLE)
        codes = np.where(achieved, ACHIEVED, codes).astype(np.int8)

        score2 = np.where(
            value >= opensdg.MED,
            np.minimum(7.1429 * value - 4.2857, 5.0),
            np.maximum(4.1667 * value - 2.5, -5.0),
        )
        score1 = np.select(
            [value < low, coeff == 0, value >= high, value >= med],
            [
                np.maximum(125 * value - 2.5, -5.0),
                5.0,
                np.minimum(500 * value / coeff - 5, 5.0),
                250 * value / coeff - 1.25,
            ],
            500 * value / coeff - 2.5,
        )
        score = np.where(assessable, np.where(has_target, score2, score1), np.nan)
        score = np.where(achieved, 5.0, score)
    return BatchResult(codes, score, value)


def pace_batch(
    *,
    total: ArrayLike,
    target: ArrayLike,
    elapsed_share: ArrayLike,
    higher_is_better: ArrayLike = True,
    strict: ArrayLike = False,
) -> BatchResult:
    """Vectorised `pace.pace_progress` (序时进度) for cumulative and per-unit rows."""
    tot, tgt, share, hib, strict_ = np.broadcast_arrays(
        _f(total), _f(target), _f(elapsed_share), _b(higher_is_better), _b(strict)
    )
    with np.errstate(all="ignore"):
        share = np.minimum(np.maximum(share, 0.0), 1.0)
        expected = tgt * share
        ratio = np.where(expected != 0, tot / expected, np.nan)
        eps = REL_EPS * np.abs(expected)
        reached = np.where(strict_, tot > tgt, tot >= tgt)
        within_cap = np.where(strict_, tot < tgt, tot <= tgt)
        gap = np.where(hib, expected - tot, tot - expected)
        paced = np.select(
            [gap <= eps, gap < PACE_TOLERANCE * expected - eps], [ON_TRACK, NEEDS_ACCELERATION], LIMITED
        )
        capped = np.select([~within_cap, share >= 1.0], [DETERIORATION, ACHIEVED], paced)
        achieved = np.where(hib, reached, within_cap & (share >= 1.0))
        codes = np.where(hib, np.where(reached, ACHIEVED, paced), capped).astype(np.int8)
        score = np.where(achieved, 5.0, np.nan)
    return BatchResult(codes, score, ratio)


def latest_per_row(values: ArrayLike, times: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The last non-NaN value of each row of an (n, m) matrix and its time (from `times`, length m).

    Rows with no value give NaN for both. Columns must be in time order (e.g. 60 monthly values).
    """
    v = _f(values)
    t = _f(times)
    present = ~np.isnan(v)
    last = v.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1)
    has_any = present.any(axis=1)
    rows = np.arange(v.shape[0])
    current = np.where(has_any, v[rows, last], np.nan)
    current_time = np.where(has_any, t[last], np.nan)
    return current, current_time


def running_total_rows(amounts: ArrayLike) -> FloatArray:
    """Running totals along each row of per-period amounts (NaN counts as 0, i.e. nothing reported).

    Rounded to 9 decimals like `series.running_totals`, so sums of decimal figures compare as decimals.
    """
    return np.round(np.cumsum(np.nan_to_num(_f(amounts), nan=0.0), axis=1), SUM_DECIMALS)
