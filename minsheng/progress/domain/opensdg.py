"""The Open SDG progress measure (open-sdg/sdg-build `sdg/ProgressMeasure.py`) for one series.

Method 2 (numeric target): R = sign · d · CAGR(current, base) / |CAGR(target, base)|, thresholds
0.95 / 0.6 / 0. Method 1 (no numeric target): the signed growth itself, thresholds 0.015 / 0.005 / 0,
reduced near an optional natural limit. "Target achieved" is checked first and overrides everything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .types import Status

# Method 2 thresholds on R and method 1 thresholds on the annual growth, as in sdg-build.
HIGH, MED, LOW = 0.95, 0.6, 0.0
M1_HIGH, M1_MED, M1_LOW = 0.015, 0.005, 0.0
# sdg-build replaces a zero base or target by this, since growth from or to 0 is undefined.
ZERO_REPLACEMENT = 0.001
# Exponent of the threshold reduction near a natural limit (sdg-build's `a`).
LIMIT_EXPONENT = 4.44
# sdg-build works in whole years and needs current_year - base_year >= 1; with dated monthly data this
# also stops a few months of noise from being annualised into a huge growth rate.
MIN_SPAN_YEARS = 1.0

# Reasons a series cannot be assessed (machine keys; the text lives with the caller).
TOO_SHORT = "too_short"
SIGN_MISMATCH = "sign_mismatch"
TARGET_SIGN_MISMATCH = "target_sign_mismatch"
TARGET_NOT_AFTER_BASE = "target_not_after_base"
TARGET_EQUALS_BASE = "target_equals_base"
NOT_FINITE = "not_finite"


def _power(x: float, y: float) -> float:
    # numpy's vectorised pow (SIMD) can differ from libm's pow in the last bit, and numpy *scalars* take the
    # libm route. Going through the same ufunc loop on a one-element array keeps the scalar and batch paths
    # bit-identical (checked by a property test).
    # An overflow is +inf, which the callers already treat as "beyond any threshold" (property-tested); numpy's
    # RuntimeWarning would only be noise.
    with np.errstate(over="ignore"):
        return float(np.power(np.array([x], dtype=np.float64), np.array([y], dtype=np.float64))[0])


def growth(v1: float, v0: float, t1: float, t0: float) -> float:
    """Compound annual growth rate from (t0, v0) to (t1, v1): (v1/v0)^(1/(t1−t0)) − 1.

    Years may be fractional. The caller guarantees t1 ≠ t0, v0 ≠ 0 and v1/v0 ≥ 0.
    """
    return _power(v1 / v0, 1.0 / (t1 - t0)) - 1.0


def limit_coefficient(base: float, limit: float) -> float:
    """sdg-build's threshold reduction coefficient (0–1) for a series near its natural limit.

    1 when |base| ≥ 2·|limit|; 1 − (|base|/|limit|)^4.44 when |base| ≤ |limit|; otherwise
    1 − ((2·|limit| − |base|)/|limit|)^4.44. It is 0 when the base sits on the limit.
    """
    b, lim = abs(base), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - _power(b / lim, LIMIT_EXPONENT)
    return 1 - _power((2 * lim - b) / lim, LIMIT_EXPONENT)


@dataclass(frozen=True, slots=True)
class TrendResult:
    """Outcome of the Open SDG measure for one series.

    ratio is R (method 2) or the signed growth (method 1), computed even when the target is achieved (the
    caller decides whether to show it); None with a `reason` when it cannot be computed.
    """

    status: Status
    score: float | None
    ratio: float | None
    achieved: bool
    method: int
    observed_growth: float | None
    required_growth: float | None
    coefficient: float
    thresholds: tuple[float, float, float]
    reason: str | None


def is_achieved(current: float, target: float, higher_is_better: bool, strict: bool = False) -> bool:
    """Whether `current` meets `target` in the stated direction (≥ / ≤; > / < when `strict`)."""
    if higher_is_better:
        return current > target if strict else current >= target
    return current < target if strict else current <= target


def status_from_value(value: float, thresholds: tuple[float, float, float]) -> Status:
    """Map a progress value to a status with (high, med, low) thresholds; value ≥ high is on track."""
    high, med, low = thresholds
    if value >= high:
        return Status.ON_TRACK
    if value >= med:
        return Status.NEEDS_ACCELERATION
    if value >= low:
        return Status.LIMITED
    return Status.DETERIORATION


def score_method2(r: float) -> float:
    """Score −5…+5 for a growth ratio R: min(7.1429·R − 4.2857, 5) for R ≥ 0.6, else max(4.1667·R − 2.5, −5)."""
    if r >= MED:
        return min(7.1429 * r - 4.2857, 5.0)
    return max(4.1667 * r - 2.5, -5.0)


def score_method1(value: float, coefficient: float) -> float:
    """Score −5…+5 for a method-1 growth value, with sdg-build's piecewise lines on reduced thresholds.

    value < 0 → max(125·v − 2.5, −5); coefficient 0 (base on the limit) → 5; v ≥ high → min(500·v/c − 5, 5);
    v ≥ med → 250·v/c − 1.25; otherwise 500·v/c − 2.5.
    """
    high, med, low = M1_HIGH * coefficient, M1_MED * coefficient, M1_LOW * coefficient
    if value < low:
        return max(125 * value - 2.5, -5.0)
    if coefficient == 0:
        return 5.0
    if value >= high:
        return min(500 * value / coefficient - 5, 5.0)
    if value >= med:
        return 250 * value / coefficient - 1.25
    return 500 * value / coefficient - 2.5


def trend_progress(
    *,
    base_year: float,
    base: float,
    current_year: float,
    current: float,
    target_year: float,
    target: float | None,
    higher_is_better: bool,
    limit: float | None = None,
    strict: bool = False,
) -> TrendResult:
    """Open SDG status, score and ratio for one series (method 2 with a target, method 1 without).

    Years are decimal years. A zero base or target is replaced by 0.001; base and current must share a
    sign; the current year must be at least one year after the base year. `limit` only affects method 1.
    Beyond sdg-build, a target of the other sign from the base, a target year not after the base year and a
    target equal to the base (no required growth) make the series not assessable instead of failing.
    """
    method = 1 if target is None else 2
    if target == 0:
        target = ZERO_REPLACEMENT
    achieved = target is not None and is_achieved(current, target, higher_is_better, strict)
    coefficient = 1.0 if method == 2 or limit is None else limit_coefficient(base, limit)
    if method == 2:
        thresholds = (HIGH, MED, LOW)
    else:
        thresholds = (M1_HIGH * coefficient, M1_MED * coefficient, M1_LOW * coefficient)
    # The sign uses the base as reported; the 0.001 replacement only serves the growth formula.
    sign = -1.0 if base < 0 else 1.0
    direction = 1.0 if higher_is_better else -1.0
    base_g = ZERO_REPLACEMENT if base == 0 else base

    reason: str | None = None
    observed: float | None = None
    required: float | None = None
    value: float | None = None
    if (base_g > 0 and current < 0) or (base_g < 0 and current > 0):
        reason = SIGN_MISMATCH
    elif current_year - base_year < MIN_SPAN_YEARS:
        reason = TOO_SHORT
    else:
        observed = growth(current, base_g, current_year, base_year)
        if target is None:
            value = sign * direction * observed
        elif target_year - base_year <= 0:
            reason = TARGET_NOT_AFTER_BASE
        elif target / base_g <= 0:
            reason = TARGET_SIGN_MISMATCH
        else:
            required = growth(target, base_g, target_year, base_year)
            if required == 0:
                reason = TARGET_EQUALS_BASE
            else:
                value = sign * direction * observed / abs(required)
        if value is not None and not math.isfinite(value):
            value, reason = None, NOT_FINITE

    if achieved:
        status, score = Status.ACHIEVED, 5.0
    elif value is None:
        status, score = Status.NOT_ASSESSABLE, None
    else:
        status = status_from_value(value, thresholds)
        score = score_method2(value) if method == 2 else score_method1(value, coefficient)
    return TrendResult(
        status, score, value, achieved, method, observed, required, coefficient, thresholds, reason
    )


def status_from_mean_score(score: float | None, all_achieved: bool) -> Status:
    """Status of an indicator with several series from their mean score (sdg-build's aggregate rule).

    All series achieved → achieved; otherwise 2.5…5 on track, 0…2.5 needs acceleration, −2.5…0 limited,
    below −2.5 deterioration; None → not assessable.
    """
    if all_achieved:
        return Status.ACHIEVED
    if score is None:
        return Status.NOT_ASSESSABLE
    if score >= 2.5:
        return Status.ON_TRACK
    if score >= 0:
        return Status.NEEDS_ACCELERATION
    if score >= -2.5:
        return Status.LIMITED
    return Status.DETERIORATION
