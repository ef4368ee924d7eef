"""Ranking and rounding helpers shared by the scorecards and the annual assessment (考核)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(x: float, decimals: int) -> float:
    """Round as officials do (四舍五入): 2.675 → 2.68, 0.125 → 0.13 at 2 decimals.

    Python's `round` rounds half to even and sees the binary value (2.675 is 2.67499…); here the number is
    first cleaned to 9 decimals, then rounded half away from zero as it reads in decimal.
    """
    cleaned = Decimal(repr(round(x, 9)))
    return float(cleaned.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def fmt(x: float, decimals: int) -> str:
    """`x` rounded half up and written with exactly `decimals` decimals (80 → "80.00")."""
    text = f"{round_half_up(x, decimals):.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def competition_ranks(values: Sequence[float | None], *, higher_is_better: bool = True) -> list[int | None]:
    """Standard competition ranks ("1224"): equal values share a rank and the next rank skips.

    `None` (no value) gets no rank. Values are compared exactly: round them to the published precision first,
    so that two units shown with the same number share a rank.
    """
    # Sorted best first, a value's rank is 1 + the number of strictly better values: the first index at
    # which it appears. Keys are negated for "higher is better" so that one ascending sort serves both.
    keys = sorted(-v if higher_is_better else v for v in values if v is not None)
    return [None if v is None else bisect_left(keys, -v if higher_is_better else v) + 1 for v in values]


__all__ = ["competition_ranks", "fmt", "round_half_up"]
