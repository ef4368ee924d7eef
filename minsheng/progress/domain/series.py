"""Observation series helpers: order, cut at a date, running totals and one value per year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import pairwise

from .types import Accumulation, Observation

# Reported figures are decimals (at most 4 places in the database); rounding sums and differences to 9
# places removes binary noise (29.98 + 29.97 …, 54.3 − 53.8) so they compare with a target as decimals do.
SUM_DECIMALS = 9


def upto(observations: Iterable[Observation], as_of: date) -> tuple[Observation, ...]:
    """The observations dated on or before `as_of`, oldest first.

    Raises ValueError when two observations share a date: a series has one value per period, and
    silently keeping one of two conflicting figures would hide the conflict from the official.
    """
    ordered = sorted(observations, key=lambda o: o.on)
    for earlier, later in pairwise(ordered):
        if earlier.on == later.on:
            raise ValueError(f"two observations dated {later.on}: {earlier.value} and {later.value}")
    return tuple(o for o in ordered if o.on <= as_of)


def running_totals(
    observations: Iterable[Observation], accumulation: Accumulation, *, start: date | None = None
) -> tuple[Observation, ...]:
    """The series as running totals, oldest first, whichever way it was reported.

    PER_PERIOD amounts are summed from `start` on (amounts dated before `start`, e.g. a 2020 figure for a
    2021–2025 target, are left out); RUNNING_TOTAL values are returned as they are, from `start` on.
    """
    ordered = sorted(observations, key=lambda o: o.on)
    kept = [o for o in ordered if start is None or o.on >= start]
    if accumulation == Accumulation.RUNNING_TOTAL:
        return tuple(kept)
    total = 0.0
    out: list[Observation] = []
    for o in kept:
        total = round(total + o.value, SUM_DECIMALS)
        out.append(Observation(o.on, total))
    return tuple(out)


def year_values(observations: Iterable[Observation], accumulation: Accumulation) -> dict[int, Observation]:
    """One value per calendar year, dated on the year's last observation.

    RUNNING_TOTAL (or a plain level): the year's last value. PER_PERIOD: the sum of the year's amounts.
    """
    out: dict[int, Observation] = {}
    for o in sorted(observations, key=lambda o: o.on):
        previous = out.get(o.on.year)
        if accumulation == Accumulation.PER_PERIOD and previous is not None:
            out[o.on.year] = Observation(o.on, round(previous.value + o.value, SUM_DECIMALS))
        else:
            out[o.on.year] = o
    return out
