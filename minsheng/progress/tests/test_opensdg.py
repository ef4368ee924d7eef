"""The Open SDG measure: the guide's worked examples, method 1, and sdg-build's edge rules."""

from __future__ import annotations

from functools import partial

import pytest

from minsheng.progress.domain import Status, status_from_mean_score, trend_progress
from minsheng.progress.domain.opensdg import (
    SIGN_MISMATCH,
    TARGET_EQUALS_BASE,
    TARGET_NOT_AFTER_BASE,
    TARGET_SIGN_MISMATCH,
    TOO_SHORT,
    growth,
    limit_coefficient,
    score_method1,
    score_method2,
)

WORKED_EXAMPLES = [
    # base year, base, current year, current, target year, target, higher is better, R, status, score
    (2015, 100.0, 2020, 110.0, 2030, 130.0, True, 1.0907, Status.ON_TRACK, 3.5049),
    (2015, 50.0, 2020, 48.0, 2030, 40.0, False, 0.5507, Status.LIMITED, -0.2056),
    (2015, 100.0, 2020, 95.0, 2030, 130.0, True, -0.5784, Status.DETERIORATION, -4.9101),
    (2015, 100.0, 2020, 135.0, 2030, 130.0, True, None, Status.ACHIEVED, 5.0),
]


@pytest.mark.parametrize(
    ("base_year", "base", "current_year", "current", "target_year", "target", "hib", "r", "status", "score"),
    WORKED_EXAMPLES,
)
def test_guide_worked_examples_reproduce_ratio_status_and_score(
    base_year: int,
    base: float,
    current_year: int,
    current: float,
    target_year: int,
    target: float,
    hib: bool,
    r: float | None,
    status: Status,
    score: float,
) -> None:
    res = trend_progress(
        base_year=base_year,
        base=base,
        current_year=current_year,
        current=current,
        target_year=target_year,
        target=target,
        higher_is_better=hib,
    )
    assert res.status == status
    assert round(res.score or 0.0, 4) == score
    if r is None:
        assert res.achieved
    else:
        assert res.ratio is not None
        assert round(res.ratio, 4) == r


def test_growth_is_compound_annual_rate() -> None:
    assert growth(121.0, 100.0, 2022, 2020) == pytest.approx(0.1)
    assert growth(100.0, 100.0, 2025, 2020) == 0.0


def test_achieved_is_checked_before_the_ratio_even_with_a_single_year() -> None:
    # Same year for base and current: no ratio can be computed, but the target is met, so achieved wins.
    res = trend_progress(
        base_year=2020,
        base=90,
        current_year=2020,
        current=95,
        target_year=2025,
        target=95,
        higher_is_better=True,
    )
    assert res.status == Status.ACHIEVED
    assert res.score == 5.0
    assert res.reason == TOO_SHORT


def test_lower_is_better_target_is_achieved_at_or_below_the_target() -> None:
    res = trend_progress(
        base_year=2020,
        base=12,
        current_year=2023,
        current=10.5,
        target_year=2025,
        target=10.5,
        higher_is_better=False,
    )
    assert res.status == Status.ACHIEVED
    above = trend_progress(
        base_year=2020,
        base=12,
        current_year=2023,
        current=10.6,
        target_year=2025,
        target=10.5,
        higher_is_better=False,
    )
    assert above.status != Status.ACHIEVED


def test_strict_comparator_needs_to_pass_the_target() -> None:
    res = trend_progress(
        base_year=2020,
        base=90,
        current_year=2023,
        current=95,
        target_year=2025,
        target=95,
        higher_is_better=True,
        strict=True,
    )
    assert res.status == Status.ON_TRACK


def test_less_than_one_year_between_base_and_current_is_not_assessable() -> None:
    res = trend_progress(
        base_year=2020.0,
        base=100,
        current_year=2020.9,
        current=104,
        target_year=2025,
        target=130,
        higher_is_better=True,
    )
    assert res.status == Status.NOT_ASSESSABLE
    assert res.score is None
    assert res.reason == TOO_SHORT


def test_zero_base_is_replaced_by_one_thousandth() -> None:
    res = trend_progress(
        base_year=2015,
        base=0,
        current_year=2020,
        current=5,
        target_year=2030,
        target=10,
        higher_is_better=True,
    )
    assert res.ratio == pytest.approx(5.29905500973169)
    assert res.status == Status.ON_TRACK


def test_zero_target_is_replaced_by_one_thousandth_also_for_achievement() -> None:
    res = trend_progress(
        base_year=2015,
        base=10,
        current_year=2020,
        current=5,
        target_year=2030,
        target=0,
        higher_is_better=False,
    )
    assert res.ratio == pytest.approx(0.28212911781890315)
    assert res.status == Status.LIMITED
    met = trend_progress(
        base_year=2015,
        base=10,
        current_year=2020,
        current=0.0005,
        target_year=2030,
        target=0,
        higher_is_better=False,
    )
    assert met.status == Status.ACHIEVED


def test_negative_base_flips_the_sign() -> None:
    # From −10 up to −8 is an improvement when higher is better; the sign rule makes R positive.
    res = trend_progress(
        base_year=2015,
        base=-10,
        current_year=2020,
        current=-8,
        target_year=2030,
        target=-5,
        higher_is_better=True,
    )
    assert res.ratio == pytest.approx(0.9665423041902719)
    assert res.status == Status.ON_TRACK


def test_base_and_current_of_opposite_signs_cannot_be_assessed() -> None:
    res = trend_progress(
        base_year=2015,
        base=-10,
        current_year=2020,
        current=3,
        target_year=2030,
        target=5,
        higher_is_better=True,
    )
    assert res.status == Status.NOT_ASSESSABLE
    assert res.reason == SIGN_MISMATCH


@pytest.mark.parametrize(
    ("target_year", "target", "hib", "reason"),
    [
        (2030, -5.0, False, TARGET_SIGN_MISMATCH),
        (2015, 130.0, True, TARGET_NOT_AFTER_BASE),
        (2030, 100.0, True, TARGET_EQUALS_BASE),
    ],
)
def test_targets_without_a_required_growth_are_not_assessable(
    target_year: int, target: float, hib: bool, reason: str
) -> None:
    res = trend_progress(
        base_year=2015,
        base=100,
        current_year=2020,
        current=90,
        target_year=target_year,
        target=target,
        higher_is_better=hib,
    )
    assert res.status == Status.NOT_ASSESSABLE
    assert res.reason == reason


@pytest.mark.parametrize(
    ("current", "hib", "status", "score"),
    [
        (110.0, True, Status.ON_TRACK, 4.6224),
        (103.0, True, Status.NEEDS_ACCELERATION, 0.2323),
        (101.0, True, Status.LIMITED, -1.5040),
        (95.0, True, Status.DETERIORATION, -3.7758),
        (95.0, False, Status.NEEDS_ACCELERATION, 1.3016),
    ],
)
def test_method_one_judges_the_growth_itself_without_a_target(
    current: float, hib: bool, status: Status, score: float
) -> None:
    res = trend_progress(
        base_year=2015,
        base=100,
        current_year=2020,
        current=current,
        target_year=2030,
        target=None,
        higher_is_better=hib,
    )
    assert res.method == 1
    assert res.thresholds == (0.015, 0.005, 0.0)
    assert res.status == status
    assert res.score is not None
    assert round(res.score, 4) == score


def test_method_one_thresholds_shrink_near_a_natural_limit() -> None:
    # +0.98 % a year needs acceleration on the plain thresholds (< 1.5 %), but near a limit of 120 the
    # thresholds are scaled by 0.5549, so 0.015 × 0.5549 = 0.83 % is enough to be on track.
    series = partial(
        trend_progress, base_year=2015, base=100.0, current_year=2020, current=105.0, target_year=2030
    )
    plain = series(target=None, higher_is_better=True)
    near = series(target=None, higher_is_better=True, limit=120)
    assert plain.status == Status.NEEDS_ACCELERATION
    assert near.coefficient == pytest.approx(0.5549228816489011)
    assert near.thresholds[0] == pytest.approx(0.015 * 0.5549228816489011)
    assert near.status == Status.ON_TRACK
    g = growth(105, 100, 2020, 2015)
    assert near.score == pytest.approx(min(500 * g / 0.5549228816489011 - 5, 5))
    assert near.score is not None
    assert round(near.score, 4) == 3.8353


def test_limit_is_ignored_when_there_is_a_numeric_target() -> None:
    series = partial(
        trend_progress, base_year=2015, base=100.0, current_year=2020, current=110.0, target_year=2030
    )
    assert series(target=130, higher_is_better=True, limit=120) == series(target=130, higher_is_better=True)


def test_limit_coefficient_pieces() -> None:
    assert limit_coefficient(100, 50) == 1.0
    assert limit_coefficient(100, 100) == 0.0
    assert limit_coefficient(50, 100) == pytest.approx(1 - 0.5**4.44)
    assert limit_coefficient(150, 100) == pytest.approx(1 - 0.5**4.44)
    assert limit_coefficient(0, 0) == 1.0


def test_base_on_the_limit_gives_full_score_when_it_holds() -> None:
    held = trend_progress(
        base_year=2015, base=100, current_year=2020, current=100, target_year=2030, target=None,
        higher_is_better=True, limit=100,
    )  # fmt: skip
    assert held.status == Status.ON_TRACK
    assert held.score == 5.0
    slipped = trend_progress(
        base_year=2015, base=100, current_year=2020, current=99, target_year=2030, target=None,
        higher_is_better=True, limit=100,
    )  # fmt: skip
    assert slipped.status == Status.DETERIORATION
    assert slipped.score == pytest.approx(125 * growth(99, 100, 2020, 2015) - 2.5)


def test_score_lines_meet_at_the_thresholds() -> None:
    assert score_method2(0.95) == pytest.approx(2.5, abs=1e-3)
    assert score_method2(0.6) == pytest.approx(0.0, abs=1e-4)
    assert score_method2(0.0) == -2.5
    assert score_method2(10) == 5.0
    assert score_method2(-10) == -5.0
    assert score_method1(0.015, 1.0) == pytest.approx(2.5)
    assert score_method1(0.005, 1.0) == pytest.approx(0.0)
    assert score_method1(0.0, 1.0) == -2.5


@pytest.mark.parametrize(
    ("score", "all_achieved", "status"),
    [
        (5.0, True, Status.ACHIEVED),
        (2.5, False, Status.ON_TRACK),
        (0.0, False, Status.NEEDS_ACCELERATION),
        (-2.5, False, Status.LIMITED),
        (-2.51, False, Status.DETERIORATION),
        (None, False, Status.NOT_ASSESSABLE),
    ],
)
def test_indicator_status_from_mean_score(score: float | None, all_achieved: bool, status: Status) -> None:
    assert status_from_mean_score(score, all_achieved) == status
