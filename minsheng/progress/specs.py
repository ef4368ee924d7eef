"""From a catalog `policy.Target` to the engine's `TargetSpec`: the one place that reads the catalog for it.

- numbers: Decimals → float; the catalog's value is the city's goal.
- baseline year: the target's, else the policy's (2020); plan start: 1 January of the policy's first plan year.
- hold (控制在/保持在): a level target whose stated wording (`value_text`) reads as a bound to hold
  (`domain.is_bound_wording`). The wording is used rather than the whole source sentence because one sentence
  often carries several targets ("城镇新增就业110万人以上,城镇登记失业率控制在5%以内").
- circles: coverage shares against the formed share 0.9; the minutes stay as the displayed value.
- a unit's share: its `TargetShare` when the city total is split; the city's own goal for rates, levels
  per head, bounds, circles, yearly changes and one-per-unit targets; for a count without a split, Open SDG
  method 1 (growth only) for a level, and nothing to judge for a total or a yearly count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from minsheng.policy.models import Policy, Target

from .domain import Accumulation, Comparator, TargetKind, TargetSpec, is_bound_wording

UNIT_EN = {
    "万人": "10k persons",
    "万套(间)": "10k homes",
    "万套(户)": "10k homes",
    "万个": "10k places",
    "万路": "10k channels",
    "岁": "years",
    "周岁": "years",
    "分钟": "min",
    "张": "beds",
    "个百分点": "percentage points",
    "场": "events",
    "场次": "events",
    "台": "devices",
    "/10万": "per 100k",
    "所": "schools",
    "家": "sites",
    "个": "",
    "届": "editions",
}
# Units and words that make a target a rate or a level per head, which every district shares as is.
INTENSIVE_UNITS = frozenset({"%", "‰", "岁", "周岁", "/10万", "分钟", "个百分点"})
INTENSIVE_WORDS = ("率", "占比", "比例", "每千", "人均")


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return min(max(places, 1), 4)


def is_intensive(target: Target) -> bool:
    """Whether the target is a rate or a per-head level (same goal in every unit) rather than a count."""
    return target.unit in INTENSIVE_UNITS or any(w in target.indicator for w in INTENSIVE_WORDS)


def is_hold(target: Target) -> bool:
    """A ceiling or floor to hold: a level target stated as 控制在/保持在 (see module docstring)."""
    return target.kind == TargetKind.LEVEL and is_bound_wording(target.value_text or "")


def spec_for(
    target: Target, policy: Policy, accumulation: Accumulation = Accumulation.RUNNING_TOTAL
) -> TargetSpec:
    """The city's spec for a catalog target. `accumulation` is the series' (per_period or running total)."""
    kind = TargetKind(target.kind)
    value = float(target.value)
    comparator = Comparator(target.comparator)
    higher = bool(target.higher_is_better)
    value_max = float(target.value_max) if target.value_max is not None else None
    if kind == TargetKind.CIRCLE:
        # The catalog states "within 15 minutes" (<=, lower is better); the engine judges the share covered.
        comparator, higher, value_max = Comparator.GE, True, None
    if comparator != Comparator.RANGE:
        value_max = None
    return TargetSpec(
        kind=kind,
        comparator=comparator,
        value=value,
        value_max=value_max,
        higher_is_better=higher,
        baseline_value=float(target.baseline_value) if target.baseline_value is not None else None,
        baseline_year=target.baseline_year or policy.baseline_year,
        plan_start=date(policy.plan_start_year, 1, 1),
        deadline=target.deadline,
        hold=is_hold(target),
        accumulation=accumulation,
        unit=target.unit,
        unit_en=UNIT_EN.get(target.unit, ""),
        decimals=_decimals(target.value),
    )


@dataclass(frozen=True)
class UnitSpec:
    """A unit's spec, or why there is none (`reason_zh`/`reason_en`)."""

    spec: TargetSpec | None
    shared: bool = False
    reason_zh: str = ""
    reason_en: str = ""


def unit_spec(city: TargetSpec, target: Target, share: float | None) -> UnitSpec:
    """The spec a unit's own series is judged against (see module docstring)."""
    if share is not None:
        comparator = city.comparator
        if comparator == Comparator.RANGE:
            comparator = Comparator.GE if city.higher_is_better else Comparator.LE
        return UnitSpec(replace(city, value=share, value_max=None, comparator=comparator), shared=True)
    if city.kind in (TargetKind.CIRCLE, TargetKind.ANNUAL_CHANGE, TargetKind.PER_UNIT) or city.hold:
        return UnitSpec(city)
    if is_intensive(target):
        return UnitSpec(city)
    if city.kind == TargetKind.LEVEL:
        method1 = Comparator.GE if city.higher_is_better else Comparator.LE
        return UnitSpec(replace(city, value=None, value_max=None, comparator=method1))
    return UnitSpec(
        None,
        reason_zh="全市目标尚未分解到本单位，无法评估本单位进度",
        reason_en="The city target has not been split to this unit, so its share cannot be assessed",
    )
