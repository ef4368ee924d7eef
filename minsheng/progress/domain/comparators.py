"""What it means to meet a target: the comparator read together with the stated direction."""

from __future__ import annotations

import re

from .types import Comparator, TargetSpec


def is_strict(spec: TargetSpec) -> bool:
    """True for ">" and "<": reaching the value exactly is not enough."""
    return spec.comparator in (Comparator.GT, Comparator.LT)


def goal(spec: TargetSpec) -> float | None:
    """The value to reach: the stated value, or for a range the end facing the good direction.

    A range is achieved at its lower bound when higher is better (新增1—2个 → 1) and at its upper bound
    when lower is better. None when the target has no number (Open SDG method 1).
    """
    if spec.comparator == Comparator.RANGE and not spec.higher_is_better:
        return spec.value_max
    return spec.value


def meets(x: float, spec: TargetSpec, target: float | None = None) -> bool:
    """Whether the value `x` meets the target (or `target`, when given, in the target's direction).

    ">=" / ">" / "<=" / "<" as written; "=" and "approx" (左右) count as reached once the value gets to the
    stated number in the good direction; a range to hold (`hold`) needs value ≤ x ≤ value_max; any other
    range needs its `goal`. A target without a number is never met.
    """
    if target is None:
        if spec.hold and spec.comparator == Comparator.RANGE:
            assert spec.value is not None  # TargetSpec guarantees both ends of a range
            assert spec.value_max is not None
            return spec.value <= x <= spec.value_max
        target = goal(spec)
    if target is None:
        return False
    strict = is_strict(spec)
    if spec.higher_is_better:
        return x > target if strict else x >= target
    return x < target if strict else x <= target


def beyond_range(x: float, spec: TargetSpec) -> str | None:
    """A flag when a range target is overshot (reported, never penalised): past the far end of the range."""
    if spec.comparator != Comparator.RANGE or spec.hold or spec.value is None or spec.value_max is None:
        return None
    if spec.higher_is_better and x > spec.value_max:
        return "above_upper_bound"
    if not spec.higher_is_better and x < spec.value:
        return "below_lower_bound"
    return None


# Only the verbs that say "hold" (稳定在 "stable at": a level to keep through the plan); 不低于/不超过 also
# appear in targets to reach, so they are left out.
_BOUND_WORDS = re.compile(r"(控制在|保持在|維持在|维持在|控制到|稳定在|穩定在)")


def is_bound_wording(text: str) -> bool:
    """Whether a target's wording marks a ceiling or floor to hold (控制在…以内, 保持在…以上).

    A helper for the loader to suggest `hold=True`; simplified and traditional characters both match.
    """
    return _BOUND_WORDS.search(text) is not None
