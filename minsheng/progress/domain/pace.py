"""Time-elapsed pace (序时进度): a running total against target × elapsed share of the plan."""

from __future__ import annotations

from dataclasses import dataclass

from .opensdg import is_achieved
from .types import Status

# Behind (or, for a cap, over) the pace by less than this share of the expected amount → needs
# acceleration; by this much or more → limited progress.
PACE_TOLERANCE = 0.10
# expected = target × share carries binary rounding noise (110 × 0.6 is not exactly 66 in floating point);
# gaps within one part in 10⁹ of expected count as zero, so a total equal to the hand-computed pace is
# "on pace" and one exactly 10 % short is "limited", as the written rule says.
REL_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class PaceResult:
    """Outcome of the pace rule: status, total ÷ expected (None when nothing is expected yet), expected."""

    status: Status
    score: float | None
    ratio: float | None
    expected: float
    achieved: bool


def pace_progress(
    *, total: float, target: float, elapsed_share: float, higher_is_better: bool = True, strict: bool = False
) -> PaceResult:
    """Judge a running total against the time-elapsed share of its target (序时进度).

    expected = target × elapsed share (clamped to 0–1). Higher is better: total ≥ target → achieved;
    total ≥ expected → on track; short of expected by less than 10 % of expected (figures within 1e-9
    relative of each other count as equal) → needs acceleration;
    otherwise limited. Lower is better (a cumulative cap): total over the cap → deterioration; plan period
    over and within the cap → achieved; total ≤ expected → on track; over it by less than 10 % → needs
    acceleration (needs tighter control); otherwise limited. Score: 5 when achieved, else None.
    """
    share = min(max(elapsed_share, 0.0), 1.0)
    expected = target * share
    ratio = total / expected if expected != 0 else None
    eps = REL_EPS * abs(expected)
    if higher_is_better:
        achieved = is_achieved(total, target, True, strict)
        gap = expected - total
        if achieved:
            status = Status.ACHIEVED
        elif gap <= eps:
            status = Status.ON_TRACK
        elif gap < PACE_TOLERANCE * expected - eps:
            status = Status.NEEDS_ACCELERATION
        else:
            status = Status.LIMITED
    else:
        within_cap = is_achieved(total, target, False, strict)
        achieved = within_cap and share >= 1.0
        gap = total - expected
        if not within_cap:
            status = Status.DETERIORATION
        elif achieved:
            status = Status.ACHIEVED
        elif gap <= eps:
            status = Status.ON_TRACK
        elif gap < PACE_TOLERANCE * expected - eps:
            status = Status.NEEDS_ACCELERATION
        else:
            status = Status.LIMITED
    return PaceResult(status, 5.0 if achieved else None, ratio, expected, achieved)
