"""The facade: per-unit shares of a target, and several series combined into one indicator."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.progress.domain import (
    Assessment,
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    combine,
    evaluate_units,
)

CITY = TargetSpec(kind=TargetKind.CUMULATIVE, comparator=Comparator.GE, value=110, higher_is_better=True)


def test_each_unit_share_is_judged_with_its_own_spec() -> None:
    specs = {
        "jiangan": TargetSpec(
            kind=TargetKind.CUMULATIVE, comparator=Comparator.GE, value=10, higher_is_better=True
        ),
        "hanyang": TargetSpec(
            kind=TargetKind.CUMULATIVE, comparator=Comparator.GE, value=20, higher_is_better=True
        ),
    }
    data = {
        "jiangan": [Observation(date(2023, 12, 31), 6.0)],  # 6 of 10 × 3/5 = 6 expected
        "hanyang": [Observation(date(2023, 12, 31), 10.0)],  # 10 of 20 × 3/5 = 12 expected
        "qiaokou": [Observation(date(2023, 12, 31), 1.0)],  # no share assigned: skipped
    }
    out = evaluate_units(specs, data, as_of=date(2024, 1, 1))
    assert set(out) == {"jiangan", "hanyang"}
    assert out["jiangan"].status == Status.ON_TRACK
    assert out["hanyang"].status == Status.LIMITED


def test_one_spec_for_every_unit() -> None:
    out = evaluate_units(CITY, {"a": [Observation(date(2021, 12, 31), 30.0)]}, as_of=date(2022, 1, 1))
    assert out["a"].status == Status.ON_TRACK


def assessment(status: Status, score: float | None) -> Assessment:
    return Assessment(status=status, method="test", explanation_zh="", explanation_en="", score=score)


def test_combine_takes_the_mean_score_of_scored_series() -> None:
    score, status = combine(
        [
            assessment(Status.ACHIEVED, 5.0),
            assessment(Status.LIMITED, -1.0),
            assessment(Status.NOT_ASSESSABLE, None),
        ]
    )
    assert score == pytest.approx(2.0)
    assert status == Status.NEEDS_ACCELERATION


def test_combine_is_achieved_only_when_every_series_is() -> None:
    assert combine([assessment(Status.ACHIEVED, 5.0), assessment(Status.ACHIEVED, 5.0)]) == (
        5.0,
        Status.ACHIEVED,
    )
    assert combine([assessment(Status.NOT_ASSESSABLE, None)]) == (None, Status.NOT_ASSESSABLE)
