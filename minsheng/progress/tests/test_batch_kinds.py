"""The batch twins of the bound, annual, annual-change and one-unit rules agree with `evaluate`."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.progress.domain import (
    Accumulation,
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    annual_batch,
    annual_change_batch,
    bound_batch,
    evaluate,
    meets_batch,
    single_unit_batch,
)
from minsheng.progress.domain.comparators import goal, is_strict

YEARS = list(range(2020, 2026))


def _same(a: float, b: float | None) -> bool:
    return (b is None and math.isnan(a)) or (b is not None and not math.isnan(a) and a == b)


def test_meets_batch_reads_comparators_like_meets() -> None:
    got = meets_batch([5.0, 5.0, 4.9, np.nan], 5.0, [False, False, False, False], [False, True, True, False])
    assert got.tolist() == [True, False, True, False]
    band = meets_batch([1.0, 2.5, 3.0], 1.0, True, False, 2.0, True)
    assert band.tolist() == [True, False, False]


def test_bound_batch_worked_example() -> None:
    res = bound_batch(latest=[2.61, 5.0, 5.2, np.nan], goal=5.0, higher_is_better=False)
    assert res.statuses() == [Status.ACHIEVED, Status.ACHIEVED, Status.DETERIORATION, Status.NOT_ASSESSABLE]
    assert res.score[0] == 5.0
    assert np.isnan(res.score[2])


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT, Comparator.RANGE]),
    st.floats(min_value=-10, max_value=10, allow_nan=False),
    st.floats(min_value=-10, max_value=10, allow_nan=False),
)
def test_bound_batch_equals_evaluate(comparator: Comparator, latest: float, value: float) -> None:
    hib = comparator in (Comparator.GE, Comparator.GT, Comparator.RANGE)
    vmax = value + 2 if comparator == Comparator.RANGE else None
    spec = TargetSpec(
        kind=TargetKind.LEVEL,
        comparator=comparator,
        value=value,
        value_max=vmax,
        higher_is_better=hib,
        hold=True,
    )
    a = evaluate(spec, [Observation(date(2023, 12, 31), latest)], as_of=date(2024, 6, 30))
    g = goal(spec)
    assert g is not None
    res = bound_batch(
        latest=[latest],
        goal=g,
        higher_is_better=hib,
        strict=is_strict(spec),
        value_max=np.nan if vmax is None else vmax,
        hold_range=comparator == Comparator.RANGE,
    )
    assert res.statuses()[0] == a.status
    assert _same(float(res.score[0]), a.score)


def _year_matrix(values: list[float | None]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in values]], dtype=np.float64)


year_values = st.lists(
    st.one_of(st.none(), st.floats(min_value=0, max_value=3000, allow_nan=False)), min_size=6, max_size=6
)
as_of_dates = st.sampled_from(
    [date(2021, 6, 30), date(2022, 12, 31), date(2024, 3, 1), date(2025, 12, 31), date(2026, 5, 1)]
)


@settings(max_examples=200, deadline=None)
@given(year_values, as_of_dates, st.sampled_from([Comparator.GE, Comparator.GT, Comparator.LE]))
def test_annual_batch_equals_evaluate(
    values: list[float | None], as_of: date, comparator: Comparator
) -> None:
    hib = comparator != Comparator.LE
    spec = TargetSpec(kind=TargetKind.ANNUAL, comparator=comparator, value=1500, higher_is_better=hib)
    obs = [Observation(date(y, 12, 31), v) for y, v in zip(YEARS, values, strict=True) if v is not None]
    a = evaluate(spec, obs, as_of=as_of)
    res = annual_batch(
        year_values=_year_matrix(values),
        years=YEARS,
        goal=1500.0,
        higher_is_better=hib,
        strict=is_strict(spec),
        plan_start_year=2021,
        deadline_year=2025,
        as_of_year_done=as_of.year if as_of >= date(as_of.year, 12, 31) else as_of.year - 1,
        plan_over=as_of >= spec.deadline,
    )
    assert res.result.statuses()[0] == a.status
    assert _same(float(res.result.score[0]), a.score)
    assert _same(float(res.share_met[0]), a.share_met)
    assert _same(float(res.latest_value[0]), a.latest_value)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=40, max_value=60, allow_nan=False)), min_size=6, max_size=6
    ),
    as_of_dates,
    st.sampled_from([Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT]),
    st.booleans(),
)
def test_annual_change_batch_equals_evaluate(
    values: list[float | None], as_of: date, comparator: Comparator, hib: bool
) -> None:
    spec = TargetSpec(kind=TargetKind.ANNUAL_CHANGE, comparator=comparator, value=0.5, higher_is_better=hib)
    obs = [Observation(date(y, 12, 31), v) for y, v in zip(YEARS, values, strict=True) if v is not None]
    a = evaluate(spec, obs, as_of=as_of)
    kind = {Comparator.GE: 0, Comparator.GT: 1, Comparator.LE: 2, Comparator.LT: 3}[comparator]
    res = annual_change_batch(
        levels=_year_matrix(values),
        years=YEARS,
        change=0.5,
        comparator_kind=kind,
        higher_is_better=hib,
        baseline_year=2020,
        plan_start_year=2021,
        deadline_year=2025,
        as_of_year_done=as_of.year if as_of >= date(as_of.year, 12, 31) else as_of.year - 1,
        plan_over=as_of >= spec.deadline,
    )
    assert res.result.statuses()[0] == a.status
    assert _same(float(res.result.score[0]), a.score)
    assert _same(float(res.result.ratio[0]), a.ratio)
    assert _same(float(res.expected_value[0]), a.expected_value)


def test_annual_change_batch_needs_consecutive_years() -> None:
    try:
        annual_change_batch(
            levels=[[1.0, 2.0]], years=[2020, 2022], change=0.5, comparator_kind=0, higher_is_better=True,
            baseline_year=2020, plan_start_year=2021, deadline_year=2025, as_of_year_done=2024, plan_over=False,
        )  # fmt: skip
    except ValueError:
        return
    raise AssertionError("non-consecutive years were accepted")


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.floats(min_value=0, max_value=3, allow_nan=False)), as_of_dates)
def test_single_unit_batch_equals_per_unit_evaluate(value: float | None, as_of: date) -> None:
    from minsheng.progress.domain import plan_elapsed

    spec = TargetSpec(kind=TargetKind.PER_UNIT, comparator=Comparator.GE, value=1, higher_is_better=True)
    data = [] if value is None else [Observation(date(2021, 12, 31), value)]
    a = evaluate(spec, {"420102": data}, as_of=as_of)
    met = value is not None and as_of >= date(2021, 12, 31) and value >= 1
    res = single_unit_batch(met=[met], elapsed_share=plan_elapsed(spec.plan_start, spec.deadline, as_of)[2])
    assert res.statuses()[0] == a.status
    assert _same(float(res.score[0]), a.score)
    assert _same(float(res.ratio[0]), a.ratio)


def test_per_period_annual_values_are_sums() -> None:
    # The caller passes year sums for per-period series; evaluate sums the amounts itself.
    spec = TargetSpec(
        kind=TargetKind.ANNUAL,
        comparator=Comparator.GE,
        value=10,
        higher_is_better=True,
        accumulation=Accumulation.PER_PERIOD,
    )
    obs = [Observation(date(2021, 6, 30), 4.0), Observation(date(2021, 12, 31), 6.0)]
    a = evaluate(spec, obs, as_of=date(2022, 1, 1))
    res = annual_batch(
        year_values=[[np.nan, 10.0, np.nan, np.nan, np.nan, np.nan]], years=YEARS, goal=10.0, higher_is_better=True,
        plan_start_year=2021, deadline_year=2025, as_of_year_done=2021, plan_over=False,
    )  # fmt: skip
    assert res.result.statuses()[0] == a.status == Status.ON_TRACK
