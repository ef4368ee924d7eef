"""Target kinds the trend method does not cover: cumulative (序时进度), annual, annual change, per unit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from .comparators import beyond_range, goal, is_strict, meets
from .level import OVERSHOOT_EN, OVERSHOOT_ZH, no_data
from .opensdg import HIGH, LOW, MED, status_from_value
from .pace import PACE_TOLERANCE, pace_progress
from .series import SUM_DECIMALS, running_totals, upto, year_values
from .text import fixed, num, pct, qty_en, qty_zh, target_en, target_zh
from .timeline import plan_elapsed
from .types import Accumulation, Assessment, Check, Comparator, Observation, Status, TargetSpec

UnitData = Sequence[Observation] | bool


def _years(x: float) -> str:
    # Whole years print as integers so the hand check reads "110×4/5"; partial ones keep 3 decimals.
    return fixed(x, 3).rstrip("0").rstrip(".")


def share_status(share: float) -> Status:
    """Status from a share of years met: ≥ 0.95 on track, ≥ 0.6 needs acceleration, else limited.

    The Open SDG thresholds on R, read with the share as R; a share is never negative, so never
    deterioration on its own.
    """
    return status_from_value(share, (HIGH, MED, LOW))


def _pace_words(status: Status, gap: float, spec: TargetSpec) -> tuple[str, str]:
    # gap = expected − total: positive means behind (or, for a cap, under the allowance).
    if spec.higher_is_better:
        if status == Status.ON_TRACK:
            return ("进度超前" if gap < 0 else "与序时进度持平"), ("ahead of pace" if gap < 0 else "on pace")
        share = "不足" if status == Status.NEEDS_ACCELERATION else "达到或超过"
        share_en = "less than" if status == Status.NEEDS_ACCELERATION else "at least"
        return (
            f"落后序时进度{qty_zh(gap, spec)}（{share}应完成量的{pct(PACE_TOLERANCE, 0)}）",
            f"behind pace by {qty_en(gap, spec)} ({share_en} {pct(PACE_TOLERANCE, 0)} of the expected amount)",
        )
    if status == Status.ON_TRACK:
        return "未超过序时控制量", "within the pro-rata allowance"
    share = "不足" if status == Status.NEEDS_ACCELERATION else "达到或超过"
    share_en = "less than" if status == Status.NEEDS_ACCELERATION else "at least"
    return (
        f"超出序时控制量{qty_zh(-gap, spec)}（{share}控制量的{pct(PACE_TOLERANCE, 0)}），需加强控制",
        f"over the pro-rata allowance by {qty_en(-gap, spec)} ({share_en} {pct(PACE_TOLERANCE, 0)} of it)",
    )


def assess_cumulative(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> Assessment:
    """Judge a total over the plan period against time-elapsed progress (序时进度).

    Observations may be running totals or per-period amounts (`spec.accumulation`); amounts dated before
    plan start are ignored. The pace is measured on the latest observation's date, so reporting lag is not
    penalised. See `pace.pace_progress` for the thresholds; a range is judged on its goal end.
    """
    totals = running_totals(upto(observations, as_of), spec.accumulation, start=spec.plan_start)
    method = "range+cumulative-elapsed" if spec.comparator == Comparator.RANGE else "cumulative-elapsed"
    if not totals:
        return no_data(as_of, method)
    latest = totals[-1]
    target = goal(spec)
    assert target is not None  # TargetSpec guarantees a value for cumulative targets
    elapsed, planned, share = plan_elapsed(spec.plan_start, spec.deadline, latest.on)
    res = pace_progress(
        total=latest.value,
        target=target,
        elapsed_share=share,
        higher_is_better=spec.higher_is_better,
        strict=is_strict(spec),
    )
    if res.achieved and spec.comparator == Comparator.RANGE:
        method = "range"
    flags = tuple(f for f in (beyond_range(latest.value, spec),) if f)
    head_zh = f"截至{latest.on}累计完成{qty_zh(latest.value, spec)}"
    head_en = f"By {latest.on} the running total is {qty_en(latest.value, spec)}"
    pace_zh = (
        f"序时进度应完成{qty_zh(res.expected, spec)}（{num(target)}×{_years(elapsed)}/{_years(planned)}）"
    )
    pace_en = f"time-elapsed progress expects {qty_en(res.expected, spec)} ({num(target)}×{_years(elapsed)}/{_years(planned)})"
    if not spec.higher_is_better:
        pace_zh = pace_zh.replace("应完成", "控制量为")
        pace_en = pace_en.replace("expects", "allows")
    if res.status == Status.ACHIEVED and spec.higher_is_better:
        zh = f"{head_zh}，已达到目标{target_zh(spec)}，已达标（得分5）"
        en = f"{head_en}, which meets the target ({target_en(spec)}): target achieved (score 5)"
    elif res.status == Status.ACHIEVED:
        zh = f"{head_zh}，规划期已结束且未超过上限{num(target)}{spec.unit}，已达标（得分5）"
        en = f"{head_en}; the plan period is over within the cap ({target_en(spec)}): target achieved (score 5)"
    elif res.status == Status.DETERIORATION:
        zh = f"{head_zh}，已超过上限{num(target)}{spec.unit}，倒退"
        en = f"{head_en}, over the cap ({target_en(spec)}): deterioration"
    else:
        words_zh, words_en = _pace_words(res.status, res.expected - latest.value, spec)
        zh = f"{head_zh}，{pace_zh}，{words_zh}，{res.status.label('zh')}"
        en = f"{head_en}; {pace_en}; {words_en}: {res.status.label('en').lower()}"
    if flags:
        zh, en = zh + OVERSHOOT_ZH, en + OVERSHOOT_EN
    return Assessment(
        status=res.status,
        method=method,
        explanation_zh=zh,
        explanation_en=en,
        score=res.score,
        ratio=res.ratio,
        latest_value=latest.value,
        latest_on=latest.on,
        running_total=latest.value,
        expected_value=res.expected,
        flags=flags,
    )


def _plan_years(spec: TargetSpec) -> range:
    return range(spec.plan_start.year, spec.deadline.year + 1)


def _completed(spec: TargetSpec, as_of: date) -> list[int]:
    # A year is judged only once it is over: a year-to-date figure would fail every target in spring.
    return [y for y in _plan_years(spec) if date(y, 12, 31) <= as_of]


def _check_list(
    checks: Sequence[Check], zh: Callable[[float], str], en: Callable[[float], str]
) -> tuple[str, str]:
    def _value(c: Check, fmt: Callable[[float], str]) -> str:
        return "—" if c.value is None else fmt(c.value)

    return (
        "，".join(f"{c.key}年{_value(c, zh)}{'✓' if c.met else '✗'}" for c in checks),
        ", ".join(f"{c.key}: {_value(c, en)} {'met' if c.met else 'missed'}" for c in checks),
    )


def _share_rule(status: Status) -> str:
    return {
        Status.ON_TRACK: "≥95%",
        Status.NEEDS_ACCELERATION: "60%–95%",
        Status.LIMITED: "<60%",
    }.get(status, "")


def _years_outcome(
    spec: TargetSpec, checks: list[Check], missing: list[int], as_of: date
) -> tuple[Status, float, bool]:
    met = sum(c.met for c in checks)
    share = met / len(checks)
    complete = as_of >= spec.deadline and not missing and len(checks) == len(_plan_years(spec))
    achieved = complete and met == len(checks)
    return (Status.ACHIEVED if achieved else share_status(share)), share, achieved


def assess_annual(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> Assessment:
    """Judge an every-year target year by year; the plan-period status is the share of years met.

    Only plan years that are over by `as_of` are judged. A year's value is its last observation (running
    totals or levels) or the sum of its amounts (PER_PERIOD). Achieved when the plan period is over and every
    year met; otherwise ≥ 95 % of judged years met → on track, ≥ 60 % → needs acceleration, else limited.
    Completed years with no data are left out of the share and named in the explanation.
    """
    years = year_values(upto(observations, as_of), spec.accumulation)
    done = _completed(spec, as_of)
    checks = [Check(str(y), years[y].value, meets(years[y].value, spec)) for y in done if y in years]
    missing = [y for y in done if y not in years]
    if not checks:
        return Assessment(
            status=Status.NOT_ASSESSABLE,
            method="annual-share",
            explanation_zh=f"截至{as_of}尚无已结束且有数据的规划年度，无法评估",
            explanation_en=f"No plan year with data has ended by {as_of}, so the target cannot be assessed",
            flags=("missing_years",) if missing else (),
        )
    status, share, _ = _years_outcome(spec, checks, missing, as_of)
    flags = []
    if missing:
        flags.append("missing_years")
    if any(beyond_range(c.value, spec) for c in checks if c.value is not None):
        flags.append("above_upper_bound" if spec.higher_is_better else "below_lower_bound")
    list_zh, list_en = _check_list(checks, lambda v: qty_zh(v, spec), lambda v: qty_en(v, spec))
    met = sum(c.met for c in checks)
    gap_zh = f"；{'、'.join(str(y) for y in missing)}年无数据，未计入" if missing else ""
    gap_en = f"; no data for {', '.join(str(y) for y in missing)}, left out" if missing else ""
    rule = "全部规划年度均达标" if status == Status.ACHIEVED else _share_rule(status)
    rule_en = "every plan year met" if status == Status.ACHIEVED else _share_rule(status)
    last = checks[-1]
    return Assessment(
        status=status,
        method="annual-share",
        explanation_zh=(
            f"每年{target_zh(spec)}：已结束的{len(checks)}个年度中{met}个达标（{list_zh}），"
            f"达标年度占比{pct(share, 1)}（{rule}）{gap_zh}，{status.label('zh')}"
        ),
        explanation_en=(
            f"Every year {target_en(spec)}: {met} of {len(checks)} completed years met ({list_en}), a share of "
            f"{pct(share, 1)} ({rule_en}){gap_en}: {status.label('en').lower()}"
        ),
        score=5.0 if status == Status.ACHIEVED else None,
        latest_value=last.value,
        latest_on=years[int(last.key)].on,
        expected_value=goal(spec),
        share_met=share,
        flags=tuple(flags),
        checks=tuple(checks),
    )


def meets_change(change: float, spec: TargetSpec) -> bool:
    """Whether a year's change (measured in the good direction) meets an annual_change target.

    ">=", "=", "approx" and "range" need change ≥ value; ">" needs change > value; "<=" / "<" cap it.
    """
    assert spec.value is not None
    match spec.comparator:
        case Comparator.GT:
            return change > spec.value
        case Comparator.LE:
            return change <= spec.value
        case Comparator.LT:
            return change < spec.value
        case _:
            return change >= spec.value


def assess_annual_change(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> Assessment:
    """Judge a change-every-year target (近视率每年降低0.5个百分点以上) year by year.

    Year t is met when v(t−1) − v(t) ≥ value (the difference rounded to 9 decimals) for a falling target (v(t) − v(t−1) for a rising one), with
    v(baseline year) the spec's baseline value when given. Deterioration when the latest level is worse than
    the base; otherwise the share-of-years rule of `assess_annual`. expected_value is the trajectory
    base ∓ value·(t − base year) at the latest year; ratio is the actual change since the base ÷ that
    expected change.
    """
    assert spec.value is not None
    years = year_values(upto(observations, as_of), Accumulation.RUNNING_TOTAL)
    levels = {y: o.value for y, o in years.items()}
    if spec.baseline_value is not None:
        levels[spec.baseline_year] = spec.baseline_value
    step = 1.0 if spec.higher_is_better else -1.0
    done = _completed(spec, as_of)
    checks: list[Check] = []
    missing: list[int] = []
    for y in done:
        if y in levels and y - 1 in levels:
            change = round(step * (levels[y] - levels[y - 1]), SUM_DECIMALS)
            checks.append(Check(str(y), change, meets_change(change, spec)))
        else:
            missing.append(y)
    if not checks:
        return Assessment(
            status=Status.NOT_ASSESSABLE,
            method="annual-change",
            explanation_zh=f"截至{as_of}没有可比较的相邻年度数据，无法评估",
            explanation_en=f"No pair of consecutive years with data by {as_of}, so the target cannot be assessed",
            flags=("missing_years",) if missing else (),
        )
    status, share, achieved = _years_outcome(spec, checks, missing, as_of)
    last_year = int(checks[-1].key)
    latest = levels[last_year]
    base = levels.get(spec.baseline_year)
    expected = ratio = None
    worse = False
    if base is not None:
        expected = base + step * spec.value * (last_year - spec.baseline_year)
        wanted = spec.value * (last_year - spec.baseline_year)
        ratio = step * (latest - base) / wanted if wanted else None
        worse = step * (latest - base) < 0
        if worse and not achieved:
            status = Status.DETERIORATION
    word_zh = "提高" if spec.higher_is_better else "降低"
    word_en = "rise" if spec.higher_is_better else "fall"
    digits = max(spec.decimals, 2)
    list_zh, list_en = _check_list(
        checks, lambda v: f"{word_zh}{fixed(v, digits)}", lambda v: f"{word_en} {fixed(v, digits)}"
    )
    met = sum(c.met for c in checks)
    if status == Status.DETERIORATION:
        rule_zh, rule_en = (
            "最新值比基期还差，判为倒退",
            "the latest level is worse than the base: deterioration",
        )
    else:
        rule_zh = (
            f"达标年度占比{pct(share, 1)}（{'全部规划年度均达标' if achieved else _share_rule(status)}）"
        )
        rule_en = f"a share of {pct(share, 1)} ({'every plan year met' if achieved else _share_rule(status)})"
        rule_zh, rule_en = f"{rule_zh}，{status.label('zh')}", f"{rule_en}: {status.label('en').lower()}"
    trail_zh = trail_en = ""
    if expected is not None and base is not None:
        trail_zh = (
            f"；按基期{num(base)}每年{word_zh}{num(spec.value)}的轨迹，{last_year}年应为{fixed(expected, spec.decimals + 1)}，"
            f"实际{fixed(latest, spec.decimals + 1)}"
        )
        trail_en = (
            f"; on the trajectory from {num(base)} by {num(spec.value)} a year, {last_year} should be "
            f"{fixed(expected, spec.decimals + 1)}, actual {fixed(latest, spec.decimals + 1)}"
        )
    return Assessment(
        status=status,
        method="annual-change",
        explanation_zh=f"每年{word_zh}{target_zh(spec)}：{len(checks)}个年度中{met}个达标（{list_zh}）{trail_zh}；{rule_zh}",
        explanation_en=(
            f"Each year a {word_en} of {target_en(spec)}: {met} of {len(checks)} years met ({list_en}){trail_en}; {rule_en}"
        ),
        score=5.0 if status == Status.ACHIEVED else None,
        ratio=ratio,
        latest_value=latest,
        latest_on=years[last_year].on if last_year in years else None,
        expected_value=expected,
        share_met=share,
        flags=("missing_years",) if missing else (),
        checks=tuple(checks),
    )


def assess_per_unit(spec: TargetSpec, units: Mapping[str, UnitData], *, as_of: date) -> Assessment:
    """Judge a one-per-unit target (每个区布局1所) by the share of units that meet it.

    A unit meets it when its flag is True or its latest value up to `as_of` meets the target; a unit with no
    data does not (flag "units_without_data"). Achieved when every unit does. Before that, the count of
    units meeting it is paced against the elapsed share of the plan at `as_of` with `pace.pace_progress`
    (on track / needs acceleration / limited), so that a five-year build-out is not "limited" in year one.
    """
    checks: list[Check] = []
    no_data_units: list[str] = []
    for code in sorted(units):
        data = units[code]
        if isinstance(data, bool):
            checks.append(Check(code, None, data))
            continue
        obs = upto(data, as_of)
        if not obs:
            no_data_units.append(code)
            checks.append(Check(code, None, False))
        else:
            if goal(spec) is None:
                raise ValueError("a per_unit target judged on values needs a numeric value")
            checks.append(Check(code, obs[-1].value, meets(obs[-1].value, spec)))
    if not checks:
        return Assessment(
            status=Status.NOT_ASSESSABLE,
            method="per-unit-share",
            explanation_zh="没有需要达标的单位，无法评估",
            explanation_en="No unit is listed, so the target cannot be assessed",
        )
    n = len(checks)
    met = sum(c.met for c in checks)
    elapsed, planned, share_t = plan_elapsed(spec.plan_start, spec.deadline, as_of)
    res = pace_progress(total=float(met), target=float(n), elapsed_share=share_t)
    unmet = [c.key for c in checks if not c.met]
    head_zh = f"截至{as_of}，{n}个单位中{met}个达标（{pct(met / n, 1)}）"
    head_en = f"By {as_of}, {met} of {n} units meet it ({pct(met / n, 1)})"
    if res.achieved:
        zh, en = f"{head_zh}，全部达标，已达标（得分5）", f"{head_en}: all do, target achieved (score 5)"
    else:
        pace_zh = f"按序时进度应有{fixed(res.expected, 1)}个（{n}×{_years(elapsed)}/{_years(planned)}）"
        pace_en = f"time-elapsed progress expects {fixed(res.expected, 1)} ({n}×{_years(elapsed)}/{_years(planned)})"
        zh = f"{head_zh}，{pace_zh}，{res.status.label('zh')}；未达标：{'、'.join(unmet)}"
        en = f"{head_en}; {pace_en}: {res.status.label('en').lower()}; not yet: {', '.join(unmet)}"
    return Assessment(
        status=res.status,
        method="per-unit-share",
        explanation_zh=zh,
        explanation_en=en,
        score=res.score,
        ratio=res.ratio,
        expected_value=res.expected,
        share_met=met / n,
        flags=("units_without_data",) if no_data_units else (),
        checks=tuple(checks),
    )
