"""Forecast at the deadline: an OLS linear trend on time with a t-based prediction interval."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import numpy as np
from scipy import stats

from .types import Forecast

MIN_POINTS = 3
DEFAULT_LEVEL = 0.8

Band = tuple[float | None, float | None]


def linear_forecast(
    points: Sequence[tuple[float, float]],
    *,
    at: float,
    on: date,
    band: Band | None,
    level: float = DEFAULT_LEVEL,
) -> Forecast | None:
    """Project (decimal year, value) points to the decimal year `at` with an OLS straight line.

    Interval: ŷ ± t(1+level)/2, n−2 · s · √(1 + 1/n + (at − x̄)²/Sxx), the usual prediction interval of a new
    observation. Probability: the same Student-t predictive distribution's mass inside `band`
    (lower, upper; None = open end), e.g. (target, None) for higher-is-better. A perfect fit (s = 0) gives a
    zero-width interval and probability 0 or 1. None with fewer than 3 points or all points at one time.
    """
    if len(points) < MIN_POINTS:
        return None
    x = np.array([p[0] for p in points], dtype=np.float64)
    y = np.array([p[1] for p in points], dtype=np.float64)
    n = len(points)
    x_mean, y_mean = float(x.mean()), float(y.mean())
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return None
    slope = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
    intercept = y_mean - slope * x_mean
    residuals = y - (intercept + slope * x)
    dof = n - 2
    s = math.sqrt(float((residuals**2).sum()) / dof)
    projected = intercept + slope * at
    se = s * math.sqrt(1 + 1 / n + (at - x_mean) ** 2 / sxx)
    half = t_quantile(0.5 + level / 2, dof) * se
    probability = None if band is None else _mass(band, projected, se, dof)
    return Forecast(
        on=on,
        projected=projected,
        lower=projected - half,
        upper=projected + half,
        level=level,
        probability=probability,
        method=f"ols-linear-trend, {round(level * 100)}% PI",
        n=n,
    )


@lru_cache(maxsize=256)
def t_quantile(q: float, dof: int) -> float:
    """Student-t quantile, cached: a city recompute asks for the same few (level, dof) pairs thousands of times."""
    return float(stats.t.ppf(q, dof))


def _mass(band: Band, centre: float, se: float, dof: int) -> float:
    lo, hi = band
    if se == 0:
        inside = (lo is None or centre >= lo) and (hi is None or centre <= hi)
        return 1.0 if inside else 0.0
    upper = 1.0 if hi is None else float(stats.t.cdf((hi - centre) / se, dof))
    lower = 0.0 if lo is None else float(stats.t.cdf((lo - centre) / se, dof))
    return min(max(upper - lower, 0.0), 1.0)
