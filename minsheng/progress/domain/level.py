"""Level targets: the Open SDG trend (with or without a number), bounds to hold, and service circles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import opensdg
from .comparators import beyond_range, goal, is_strict, meets
from .series import upto
from .text import bound_en, bound_zh, fixed, num, pct, qty_en, qty_zh, signed_pct, target_en, target_zh
from .timeline import decimal_year
from .types import Assessment, Comparator, Observation, Status, TargetKind, TargetSpec


@dataclass(frozen=True, slots=True)
class TrendInputs:
    """One row of the Open SDG measure: what `trend_progress` (and the batch path) takes.

    Years are decimal years (31 Dec = whole year). `base_on` is None when the base is the spec's
    baseline value, else the date of the observation used as base.
    """

    base_year: float
    base: float
    base_on: date | None
    current_year: float
    current: float
    current_on: date
    target_year: float
    target: float | None
    higher_is_better: bool
    limit: float | None
    strict: bool


def trend_target(spec: TargetSpec) -> float | None:
    """The number the trend aims at: a circle's formed share, else the target's goal (None → method 1)."""
    return spec.formed_share if spec.kind == TargetKind.CIRCLE else goal(spec)


def trend_inputs(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> TrendInputs | None:
    """The Open SDG inputs for a level (or circle) target as of `as_of`; None when there is no data.

    Base: the spec's baseline value at the baseline year; without one, the last observation dated in the
    baseline year; without that, the earliest observation after it (sdg-build's "next available year").
    If even that is missing the current point is used as base, which then reads "too short".
    """
    obs = upto(observations, as_of)
    if not obs:
        return None
    current = obs[-1]
    if spec.baseline_value is not None:
        base, base_year, base_on = spec.baseline_value, float(spec.baseline_year), None
    else:
        in_year = [o for o in obs if o.on.year == spec.baseline_year]
        later = [o for o in obs if o.on.year > spec.baseline_year]
        chosen = in_year[-1] if in_year else (later[0] if later else current)
        base, base_year, base_on = chosen.value, decimal_year(chosen.on), chosen.on
    return TrendInputs(
        base_year=base_year,
        base=base,
        base_on=base_on,
        current_year=decimal_year(current.on),
        current=current.value,
        current_on=current.on,
        target_year=decimal_year(spec.deadline),
        target=trend_target(spec),
        higher_is_better=spec.higher_is_better,
        limit=spec.limit,
        strict=is_strict(spec),
    )


def run_trend(inputs: TrendInputs) -> opensdg.TrendResult:
    """Apply the Open SDG measure to prepared inputs."""
    return opensdg.trend_progress(
        base_year=inputs.base_year,
        base=inputs.base,
        current_year=inputs.current_year,
        current=inputs.current,
        target_year=inputs.target_year,
        target=inputs.target,
        higher_is_better=inputs.higher_is_better,
        limit=inputs.limit,
        strict=inputs.strict,
    )


def no_data(as_of: date, method: str) -> Assessment:
    """A not-assessable answer for a target with no observation up to `as_of`."""
    return Assessment(
        status=Status.NOT_ASSESSABLE,
        method=method,
        explanation_zh=f"截至{as_of}尚无数据，无法评估",
        explanation_en=f"No data up to {as_of}, so the target cannot be assessed",
    )


OVERSHOOT_ZH = "；已超出区间另一端（仅作提示，不扣分）"
OVERSHOOT_EN = "; it is past the far end of the range (reported, not penalised)"

_REASONS: dict[str, tuple[str, str]] = {
    opensdg.TOO_SHORT: (
        "需要相隔至少一年的两个数据点（基期与最新值）",
        "two data points at least one year apart (base and latest) are needed",
    ),
    opensdg.SIGN_MISMATCH: (
        "基期值与最新值一正一负，增长率无定义",
        "the base and latest values have opposite signs, so growth is undefined",
    ),
    opensdg.TARGET_SIGN_MISMATCH: (
        "目标值与基期值一正一负，所需增长率无定义",
        "the target and base have opposite signs, so the required growth is undefined",
    ),
    opensdg.TARGET_NOT_AFTER_BASE: (
        "目标时限不晚于基期",
        "the deadline is not after the base year",
    ),
    opensdg.TARGET_EQUALS_BASE: (
        "目标值等于基期值，所需增长为零（应设为“控制在/保持在”类目标）",
        "the target equals the base, so no growth is required (it should be a bound to hold)",
    ),
    opensdg.NOT_FINITE: ("数值超出可计算范围", "the numbers are outside the computable range"),
}

_RULE_M2 = {
    Status.ON_TRACK: "R≥0.95",
    Status.NEEDS_ACCELERATION: "0.6≤R<0.95",
    Status.LIMITED: "0≤R<0.6",
    Status.DETERIORATION: "R<0",
}


def _m1_rule(status: Status, thresholds: tuple[float, float, float]) -> str:
    high, med, low = (pct(t) for t in thresholds)
    return {
        Status.ON_TRACK: f"≥{high}",
        Status.NEEDS_ACCELERATION: f"{med}–{high}",
        Status.LIMITED: f"{low}–{med}",
        Status.DETERIORATION: f"<{low}",
    }[status]


def _trend_method(spec: TargetSpec, inputs: TrendInputs, achieved: bool) -> str:
    if spec.kind == TargetKind.CIRCLE:
        name = "circle-coverage"
    else:
        name = "opensdg-method1" if inputs.target is None else "opensdg-cagr"
        if spec.comparator == Comparator.RANGE:
            name = "range" if achieved else f"range+{name}"
    if inputs.base_on is not None:
        name += f"[base=observation {inputs.base_on}]"
    return name


def assess_trend(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> Assessment:
    """Judge a level target to reach (or a service circle) with the Open SDG measure.

    Status and score follow `opensdg.trend_progress`; ratio is R (or the signed growth for method 1) and is
    left out once achieved; expected_value is the straight line from base to target at the latest date.
    A circle's observations must be coverage shares 0–1, else it is not assessable (flag
    "coverage_out_of_range").
    """
    circle = spec.kind == TargetKind.CIRCLE
    inputs = trend_inputs(spec, observations, as_of=as_of)
    if inputs is None:
        return no_data(as_of, "circle-coverage" if circle else "opensdg-cagr")
    if circle and not all(0 <= o.value <= 1 for o in upto(observations, as_of)):
        return Assessment(
            status=Status.NOT_ASSESSABLE,
            method="circle-coverage",
            explanation_zh="服务圈覆盖率应为0到1之间的人口比例，数据超出此范围，无法评估",
            explanation_en="Circle coverage must be a population share between 0 and 1; the data are not",
            latest_value=inputs.current,
            latest_on=inputs.current_on,
            flags=("coverage_out_of_range",),
        )
    res = run_trend(inputs)
    flags: list[str] = []
    if inputs.base_on is not None:
        flags.append("base_from_observation")
    overshoot = beyond_range(inputs.current, spec)
    if overshoot:
        flags.append(overshoot)
    expected = None
    if inputs.target is not None and inputs.target_year > inputs.base_year:
        share = (inputs.current_year - inputs.base_year) / (inputs.target_year - inputs.base_year)
        expected = inputs.base + (inputs.target - inputs.base) * min(max(share, 0.0), 1.0)
    zh, en = _trend_text(spec, inputs, res)
    if overshoot:
        zh, en = zh + OVERSHOOT_ZH, en + OVERSHOOT_EN
    return Assessment(
        status=res.status,
        method=_trend_method(spec, inputs, res.achieved),
        explanation_zh=zh,
        explanation_en=en,
        score=res.score,
        ratio=None if res.achieved else res.ratio,
        latest_value=inputs.current,
        latest_on=inputs.current_on,
        expected_value=expected,
        flags=tuple(flags),
    )


def _trend_text(spec: TargetSpec, inp: TrendInputs, res: opensdg.TrendResult) -> tuple[str, str]:
    circle = spec.kind == TargetKind.CIRCLE
    if circle:
        assert inp.target is not None
        minutes = f"{num(spec.value)}分钟" if spec.value is not None else ""
        minutes_en = f"{num(spec.value)}-minute " if spec.value is not None else ""
        head_zh = f"截至{inp.current_on}，{minutes}服务圈覆盖人口{pct(inp.current, 1)}，成形标准为{pct(inp.target, 1)}"
        head_en = (
            f"As of {inp.current_on} the {minutes_en}circle covers {pct(inp.current, 1)} of the population; "
            f"'formed' means {pct(inp.target, 1)}"
        )
        goal_zh, goal_en = f"成形标准{pct(inp.target, 1)}", f"the formed share {pct(inp.target, 1)}"
    else:
        head_zh = f"截至{inp.current_on}为{qty_zh(inp.current, spec)}"
        head_en = f"As of {inp.current_on} the value is {qty_en(inp.current, spec)}"
        goal_zh, goal_en = f"目标{target_zh(spec)}", f"the target ({target_en(spec)})"
    if res.achieved:
        return (
            f"{head_zh}，已达到{goal_zh}，{Status.ACHIEVED.label('zh')}（得分5）",
            f"{head_en}, which meets {goal_en}: target achieved (score 5)",
        )
    if inp.base_on is None:
        base_zh, base_en = (
            f"{spec.baseline_year}年末基期值{num(inp.base)}",
            f"the {spec.baseline_year} baseline {num(inp.base)}",
        )
    else:
        base_zh, base_en = (
            f"{inp.base_on}的观测值{num(inp.base)}（作基期）",
            f"the value {num(inp.base)} of {inp.base_on} (as base)",
        )
    if res.reason is not None or res.ratio is None:
        why_zh, why_en = _REASONS.get(res.reason or opensdg.NOT_FINITE, _REASONS[opensdg.NOT_FINITE])
        return (
            f"{head_zh}，以{base_zh}计算：{why_zh}，{Status.NOT_ASSESSABLE.label('zh')}",
            f"{head_en}; from {base_en}: {why_en}, so it cannot be assessed",
        )
    assert res.observed_growth is not None  # an assessable result always has both
    assert res.score is not None
    years = fixed(inp.current_year - inp.base_year, 3).rstrip("0").rstrip(".")
    flips_zh, flips_en = [], []
    if not inp.higher_is_better:
        flips_zh.append("越低越好，方向取反")
        flips_en.append("lower is better, so the sign is flipped")
    if inp.base < 0:
        flips_zh.append("基期为负，再取反")
        flips_en.append("the base is negative, so the sign is flipped again")
    flip_zh = f"（{'；'.join(flips_zh)}）" if flips_zh else ""
    flip_en = f" ({'; '.join(flips_en)})" if flips_en else ""
    growth_zh = f"较{base_zh}经{years}年年均变化{signed_pct(res.observed_growth)}"
    growth_en = (
        f"against {base_en}, {years} years earlier, it changed by {signed_pct(res.observed_growth)} a year"
    )
    status_zh, status_en = res.status.label("zh"), res.status.label("en").lower()
    if res.method == 2:
        assert res.required_growth is not None
        return (
            f"{head_zh}，{growth_zh}；{spec.deadline}达到{goal_zh}需年均变化{signed_pct(res.required_growth)}，"
            f"R={fixed(res.ratio, 4)}{flip_zh}（{_RULE_M2[res.status]}），{status_zh}，得分{fixed(res.score, 4)}",
            f"{head_en}; {growth_en}; reaching {goal_en} by {spec.deadline} needs "
            f"{signed_pct(res.required_growth)} a year, so R = {fixed(res.ratio, 4)}{flip_en} "
            f"({_RULE_M2[res.status]}): {status_en}, score {fixed(res.score, 4)}",
        )
    limit_zh = limit_en = ""
    if spec.limit is not None and res.coefficient != 1:
        limit_zh = f"；接近自然极限{num(spec.limit)}，阈值乘以系数{fixed(res.coefficient, 4)}"
        limit_en = f"; near the natural limit {num(spec.limit)} the thresholds are scaled by {fixed(res.coefficient, 4)}"
    rule = _m1_rule(res.status, res.thresholds)
    return (
        f"{head_zh}，未设数值目标，按年均变化判断：{growth_zh}，按方向计为{signed_pct(res.ratio)}{flip_zh}"
        f"（{rule}{limit_zh}），{status_zh}，得分{fixed(res.score, 4)}",
        f"{head_en}; with no numeric target the growth itself is judged: {growth_en}, "
        f"{signed_pct(res.ratio)} in the good direction{flip_en} ({rule}{limit_en}): {status_en}, "
        f"score {fixed(res.score, 4)}",
    )


def assess_bound(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> Assessment:
    """Judge a ceiling or floor to hold (控制在/保持在) on the latest value.

    On the right side of the bound (inside the band for a range) → achieved, score 5; otherwise
    deterioration with no score, because a bound to hold is a line that has been crossed, not a distance
    still to cover. expected_value is the bound itself (the value of the ceiling or floor).
    """
    obs = upto(observations, as_of)
    if not obs:
        return no_data(as_of, "bound")
    latest = obs[-1]
    held = meets(latest.value, spec)
    if spec.comparator == Comparator.RANGE:
        line_zh, line_en = f"保持在{target_zh(spec)}之间", f"kept within {target_en(spec)}"
        expected = None
    else:
        line_zh, line_en = bound_zh(spec), bound_en(spec)
        expected = spec.value
    verdict_zh = "已达标（得分5）" if held else "未守住，判为倒退"
    verdict_en = "target achieved (score 5)" if held else "not held: deterioration"
    return Assessment(
        status=Status.ACHIEVED if held else Status.DETERIORATION,
        method="bound",
        explanation_zh=f"截至{latest.on}为{qty_zh(latest.value, spec)}，目标为{line_zh}，{verdict_zh}",
        explanation_en=(
            f"As of {latest.on} the value is {qty_en(latest.value, spec)}; the target is to be {line_en}: "
            f"{verdict_en}"
        ),
        score=5.0 if held else None,
        latest_value=latest.value,
        latest_on=latest.on,
        expected_value=expected,
    )
