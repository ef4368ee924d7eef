"""Labels, status codes, spec validation and the date arithmetic behind every elapsed share."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.progress.domain import (
    STATUS_BY_CODE,
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    days_elapsed,
    decimal_year,
    label,
    plan_elapsed,
)


@pytest.mark.parametrize(
    ("status", "zh", "en"),
    [
        (Status.ACHIEVED, "已达标", "Target achieved"),
        (Status.ON_TRACK, "进展顺利", "On track"),
        (Status.NEEDS_ACCELERATION, "需加快", "Needs acceleration"),
        (Status.LIMITED, "进展有限", "Limited progress"),
        (Status.DETERIORATION, "倒退", "Deterioration"),
        (Status.NOT_ASSESSABLE, "无法评估", "Cannot be assessed"),
    ],
)
def test_status_labels(status: Status, zh: str, en: str) -> None:
    assert status.label() == zh
    assert status.label("en") == en
    assert label(status, "zh") == zh


def test_status_codes_round_trip_worst_to_best() -> None:
    assert [s.code for s in STATUS_BY_CODE] == list(range(6))
    assert all(Status.from_code(s.code) is s for s in Status)
    assert (
        Status.ACHIEVED.code > Status.ON_TRACK.code > Status.DETERIORATION.code > Status.NOT_ASSESSABLE.code
    )


def test_status_values_are_the_stored_keys() -> None:
    assert {s.value for s in Status} == {
        "achieved", "on_track", "needs_acceleration", "limited", "deterioration", "not_assessable",
    }  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"comparator": Comparator.GE, "higher_is_better": False},
        {"comparator": Comparator.LT, "higher_is_better": True},
        {"comparator": Comparator.RANGE, "value_max": None},
        {"comparator": Comparator.RANGE, "value": 3.0, "value_max": 2.0},
        {"value_max": 5.0},
        {"kind": TargetKind.CUMULATIVE, "value": None},
        {"hold": True, "kind": TargetKind.ANNUAL},
        {"kind": TargetKind.CIRCLE, "formed_share": 1.5},
        {"deadline": date(2020, 1, 1)},
        {"value": float("nan")},
    ],
)
def test_inconsistent_specs_are_refused(fields: dict[str, object]) -> None:
    base: dict[str, object] = {
        "kind": TargetKind.LEVEL,
        "comparator": Comparator.GE,
        "value": 1.0,
        "higher_is_better": True,
    }
    base.update(fields)
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        TargetSpec(**base)  # type: ignore[arg-type]


def test_annual_change_comparator_is_about_the_change_not_the_direction() -> None:
    spec = TargetSpec(
        kind=TargetKind.ANNUAL_CHANGE, comparator=Comparator.GE, value=0.5, higher_is_better=False
    )
    assert spec.comparator == Comparator.GE


def test_observation_must_be_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        Observation(date(2021, 1, 1), float("inf"))


def test_duplicate_dates_are_refused() -> None:
    from minsheng.progress.domain import upto

    with pytest.raises(ValueError, match="two observations"):
        upto([Observation(date(2021, 12, 31), 1.0), Observation(date(2021, 12, 31), 2.0)], date(2022, 1, 1))


def test_decimal_year_uses_the_year_end_convention() -> None:
    assert decimal_year(date(2020, 12, 31)) == 2020.0
    assert decimal_year(date(2024, 12, 31)) == 2024.0
    assert decimal_year(date(2023, 6, 30)) == pytest.approx(2022 + 181 / 365)
    assert decimal_year(date(2024, 1, 1)) == pytest.approx(2023 + 1 / 366)


def test_plan_elapsed_counts_whole_years_exactly() -> None:
    assert plan_elapsed(date(2021, 1, 1), date(2025, 12, 31), date(2024, 12, 31)) == (4.0, 5.0, 0.8)
    assert plan_elapsed(date(2021, 1, 1), date(2025, 12, 31), date(2019, 1, 1))[2] == 0.0
    assert plan_elapsed(date(2021, 1, 1), date(2025, 12, 31), date(2027, 1, 1))[2] == 1.0


def test_days_elapsed_counts_both_ends() -> None:
    assert days_elapsed(date(2025, 1, 1), date(2025, 12, 31), date(2025, 6, 30)) == (181, 365, 181 / 365)
    assert days_elapsed(date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 1))[0] == 1
