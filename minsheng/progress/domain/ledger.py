"""Traffic lights for ledger items (台帐事项): reported completion against time elapsed (序时进度)."""

from __future__ import annotations

from datetime import date

from .timeline import days_elapsed
from .types import Light

DEFAULT_WARN_DAYS = 3


def traffic_light(
    planned_start: date,
    deadline: date,
    as_of: date,
    completion_share: float,
    closed: bool,
    warn_days: int = DEFAULT_WARN_DAYS,
    was_red: bool = False,
) -> Light:
    """The light of a ledger item on `as_of`.

    completion_share is the reported completion 0–1 (40 % → 0.4); expected = elapsed days ÷ planned days,
    both ends inclusive. In order: closed (销号) → green; past the deadline and not closed → red; deadline
    within `warn_days` days (0 = the deadline day) and not closed → blue; actual ≥ expected → green;
    otherwise yellow. An item whose period already ended red (`was_red`) shows yellow instead of green once
    the shortfall is made up, so a late finish never looks like an on-time one.
    """
    if closed:
        return Light.YELLOW if was_red else Light.GREEN
    days_left = (deadline - as_of).days
    if days_left < 0:
        return Light.RED
    if days_left <= warn_days:
        return Light.BLUE
    _, _, expected = days_elapsed(planned_start, deadline, as_of)
    if completion_share >= expected:
        return Light.YELLOW if was_red else Light.GREEN
    return Light.YELLOW


def expected_share(planned_start: date, deadline: date, as_of: date) -> float:
    """The share of the item's planned time elapsed on `as_of` (0–1), days counted inclusively."""
    return days_elapsed(planned_start, deadline, as_of)[2]
