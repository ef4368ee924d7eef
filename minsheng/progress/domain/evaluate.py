"""Entry point: judge a target as of a date by dispatching on its kind, then attach the forecast."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from .comparators import goal
from .forecast import Band, linear_forecast
from .kinds import UnitData, assess_annual, assess_annual_change, assess_cumulative, assess_per_unit
from .level import assess_bound, assess_trend
from .opensdg import status_from_mean_score
from .series import running_totals, upto, year_values
from .timeline import decimal_year
from .types import Accumulation, Assessment, Comparator, Forecast, Observation, Status, TargetKind, TargetSpec

Data = Sequence[Observation] | Mapping[str, UnitData]


def evaluate(spec: TargetSpec, data: Data, *, as_of: date) -> Assessment:
    """Judge one target (or one unit's share of it, given that unit's spec and data) as of `as_of`.

    `data` is a sequence of observations, or for a per_unit target a mapping unit code → observations or
    a bool (met / not met). Observations after `as_of` are ignored. The forecast is attached for numeric
    targets with at least three observations; it never changes the status.
    Raises ValueError on two observations with the same date, or data of the wrong shape for the kind.
    """
    if spec.kind == TargetKind.PER_UNIT:
        if not isinstance(data, Mapping):
            raise ValueError("a per_unit target takes a mapping unit code → observations or bool")
        return assess_per_unit(spec, data, as_of=as_of)
    if isinstance(data, Mapping):
        raise ValueError(f"a {spec.kind} target takes a sequence of observations")
    if spec.kind == TargetKind.CUMULATIVE:
        result = assess_cumulative(spec, data, as_of=as_of)
    elif spec.kind == TargetKind.ANNUAL:
        result = assess_annual(spec, data, as_of=as_of)
    elif spec.kind == TargetKind.ANNUAL_CHANGE:
        result = assess_annual_change(spec, data, as_of=as_of)
    elif spec.hold:
        result = assess_bound(spec, data, as_of=as_of)
    else:  # level to reach, or circle
        result = assess_trend(spec, data, as_of=as_of)
    return dataclasses.replace(result, forecast=forecast_for(spec, data, as_of=as_of))


def evaluate_units(
    spec: TargetSpec | Mapping[str, TargetSpec],
    data: Mapping[str, Sequence[Observation]],
    *,
    as_of: date,
) -> dict[str, Assessment]:
    """Judge each unit's share of a target: one spec for all units, or a spec per unit code.

    Units missing from a spec mapping are skipped (they have no share to judge).
    """
    out: dict[str, Assessment] = {}
    for code, observations in data.items():
        unit_spec = spec.get(code) if isinstance(spec, Mapping) else spec
        if unit_spec is not None:
            out[code] = evaluate(unit_spec, observations, as_of=as_of)
    return out


def target_band(spec: TargetSpec) -> Band | None:
    """The values that meet the target at the deadline, as (lower, upper) with None for an open end.

    A range to hold → (value, value_max); a circle → (formed_share, None); otherwise (goal, None) when
    higher is better and (None, goal) when lower is better; None when there is no numeric target.
    """
    if spec.kind == TargetKind.CIRCLE:
        return (spec.formed_share, None)
    if spec.hold and spec.comparator == Comparator.RANGE:
        return (spec.value, spec.value_max)
    g = goal(spec)
    if g is None:
        return None
    return (g, None) if spec.higher_is_better else (None, g)


def forecast_for(spec: TargetSpec, observations: Sequence[Observation], *, as_of: date) -> Forecast | None:
    """The deadline forecast for a target's series, or None (per_unit, or fewer than 3 usable points).

    Level and circle: the observed values. Cumulative: the running totals. Annual: the values of completed
    years. Annual change: the yearly levels, against the trajectory's end base ∓ value·(deadline year −
    base year).
    """
    obs = upto(observations, as_of)
    at = decimal_year(spec.deadline)
    band = target_band(spec)
    if spec.kind == TargetKind.CUMULATIVE:
        series = running_totals(obs, spec.accumulation, start=spec.plan_start)
    elif spec.kind == TargetKind.ANNUAL:
        years = year_values(obs, spec.accumulation)
        series = tuple(o for y, o in sorted(years.items()) if date(y, 12, 31) <= as_of)
    elif spec.kind == TargetKind.ANNUAL_CHANGE:
        levels = year_values(obs, Accumulation.RUNNING_TOTAL)
        series = tuple(o for _, o in sorted(levels.items()))
        base = spec.baseline_value
        if base is None and spec.baseline_year in levels:
            base = levels[spec.baseline_year].value
        band = None
        if base is not None and spec.value is not None:
            step = 1.0 if spec.higher_is_better else -1.0
            end = base + step * spec.value * (spec.deadline.year - spec.baseline_year)
            band = (end, None) if spec.higher_is_better else (None, end)
    else:
        series = obs
    return linear_forecast(
        [(decimal_year(o.on), o.value) for o in series], at=at, on=spec.deadline, band=band
    )


def combine(assessments: Iterable[Assessment]) -> tuple[float | None, Status]:
    """Indicator-level (score, status) from several series: the mean score, as sdg-build does.

    Series without a score are left out; achieved only when every scored series is achieved; the status of
    the mean follows `opensdg.status_from_mean_score`.
    """
    scored = [a for a in assessments if a.score is not None]
    if not scored:
        return None, Status.NOT_ASSESSABLE
    mean = sum(a.score for a in scored if a.score is not None) / len(scored)
    return mean, status_from_mean_score(mean, all(a.status == Status.ACHIEVED for a in scored))
