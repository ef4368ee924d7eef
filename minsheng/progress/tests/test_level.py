"""Level targets through `evaluate`: base choice, expected line, ranges, bounds to hold, service circles."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.progress.domain import (
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    evaluate,
    is_bound_wording,
)

AS_OF = date(2025, 6, 30)


def obs(*pairs: tuple[int, float]) -> list[Observation]:
    """Annual values dated on 31 December of their year."""
    return [Observation(date(y, 12, 31), v) for y, v in pairs]


def life_expectancy(**overrides: object) -> TargetSpec:
    fields: dict[str, object] = {
        "kind": TargetKind.LEVEL,
        "comparator": Comparator.GE,
        "value": 82.4,
        "higher_is_better": True,
        "baseline_value": 79.3,
        "unit": "岁",
        "unit_en": "years",
    }
    fields.update(overrides)
    return TargetSpec(**fields)  # type: ignore[arg-type]


def test_level_target_uses_cagr_from_the_2020_baseline_to_the_deadline() -> None:
    a = evaluate(life_expectancy(), obs((2021, 79.6), (2022, 80.0), (2023, 80.5)), as_of=AS_OF)
    # R = ((80.5/79.3)^(1/3) − 1) / ((82.4/79.3)^(1/5) − 1)
    r = ((80.5 / 79.3) ** (1 / 3) - 1) / ((82.4 / 79.3) ** (1 / 5) - 1)
    assert a.method == "opensdg-cagr"
    assert a.ratio == pytest.approx(r)
    assert a.status == Status.NEEDS_ACCELERATION
    assert a.score == pytest.approx(7.1429 * r - 4.2857)
    assert a.latest_value == 80.5
    assert a.latest_on == date(2023, 12, 31)
    # Straight line from 79.3 (end 2020) to 82.4 (end 2025), three fifths of the way.
    assert a.expected_value == pytest.approx(79.3 + (82.4 - 79.3) * 3 / 5)
    assert "R=0.6519" in a.explanation_zh
    assert "R = 0.6519" in a.explanation_en


def test_observations_after_as_of_are_ignored() -> None:
    series = obs((2021, 79.6), (2022, 80.0), (2023, 80.5), (2024, 83.0))
    assert evaluate(life_expectancy(), series, as_of=date(2024, 6, 30)).latest_value == 80.5
    assert evaluate(life_expectancy(), series, as_of=date(2024, 12, 31)).status == Status.ACHIEVED


def test_achieved_hides_the_ratio_and_scores_five() -> None:
    a = evaluate(life_expectancy(), obs((2021, 80.0), (2023, 82.5)), as_of=AS_OF)
    assert a.status == Status.ACHIEVED
    assert a.score == 5.0
    assert a.ratio is None
    assert "已达标" in a.explanation_zh


def test_without_baseline_value_the_observation_in_the_baseline_year_is_the_base() -> None:
    a = evaluate(life_expectancy(baseline_value=None), obs((2020, 79.3), (2023, 80.5)), as_of=AS_OF)
    assert a.method == "opensdg-cagr[base=observation 2020-12-31]"
    assert "base_from_observation" in a.flags
    with_spec = evaluate(life_expectancy(), obs((2023, 80.5)), as_of=AS_OF)
    assert a.ratio == pytest.approx(with_spec.ratio)


def test_without_baseline_the_first_observation_after_the_baseline_year_is_the_base() -> None:
    # 2019 is before the plan's base year, so (as sdg-build does) the next available year, 2021, is used.
    a = evaluate(
        life_expectancy(baseline_value=None), obs((2019, 78.0), (2021, 79.6), (2023, 80.5)), as_of=AS_OF
    )
    assert a.method == "opensdg-cagr[base=observation 2021-12-31]"
    assert a.ratio == pytest.approx(((80.5 / 79.6) ** (1 / 2) - 1) / ((82.4 / 79.6) ** (1 / 4) - 1))


def test_fewer_than_two_points_cannot_be_assessed() -> None:
    a = evaluate(life_expectancy(baseline_value=None), obs((2021, 79.6)), as_of=AS_OF)
    assert a.status == Status.NOT_ASSESSABLE
    assert a.score is None
    assert "两个数据点" in a.explanation_zh


def test_no_data_cannot_be_assessed() -> None:
    a = evaluate(life_expectancy(), [], as_of=AS_OF)
    assert a.status == Status.NOT_ASSESSABLE
    assert a.forecast is None


def test_lower_is_better_level_is_achieved_at_or_below_the_target() -> None:
    spec = TargetSpec(
        kind=TargetKind.LEVEL,
        comparator=Comparator.LE,
        value=10.5,
        higher_is_better=False,
        baseline_value=12.0,
        unit="%",
    )
    assert evaluate(spec, obs((2023, 10.5)), as_of=AS_OF).status == Status.ACHIEVED
    slow = evaluate(spec, obs((2023, 11.8)), as_of=AS_OF)
    assert slow.status == Status.LIMITED
    assert "越低越好" in slow.explanation_zh
    worse = evaluate(spec, obs((2023, 12.4)), as_of=AS_OF)
    assert worse.status == Status.DETERIORATION


def test_level_without_a_number_uses_method_one() -> None:
    spec = TargetSpec(
        kind=TargetKind.LEVEL, comparator=Comparator.GE, value=None, higher_is_better=True, baseline_value=100
    )
    a = evaluate(spec, obs((2023, 105.0)), as_of=AS_OF)
    g = (105 / 100) ** (1 / 3) - 1  # 1.64 % a year ≥ 1.5 %
    assert a.method == "opensdg-method1"
    assert a.ratio == pytest.approx(g)
    assert a.status == Status.ON_TRACK
    assert a.expected_value is None


def test_range_is_achieved_at_the_lower_bound_and_flags_the_upper_one() -> None:
    spec = TargetSpec(
        kind=TargetKind.LEVEL,
        comparator=Comparator.RANGE,
        value=1,
        value_max=2,
        higher_is_better=True,
        baseline_value=0,
        unit="个",
    )
    at_lower = evaluate(spec, obs((2023, 1)), as_of=AS_OF)
    assert at_lower.status == Status.ACHIEVED
    assert at_lower.method == "range"
    above = evaluate(spec, obs((2023, 3)), as_of=AS_OF)
    assert above.status == Status.ACHIEVED
    assert above.score == 5.0
    assert above.flags == ("above_upper_bound",)
    assert "不扣分" in above.explanation_zh
    below = evaluate(spec, obs((2022, 0)), as_of=AS_OF)
    assert below.method == "range+opensdg-cagr"
    assert below.status != Status.ACHIEVED


class TestBoundsToHold:
    ceiling = TargetSpec(
        kind=TargetKind.LEVEL,
        comparator=Comparator.LE,
        value=5,
        higher_is_better=False,
        hold=True,
        unit="%",
        decimals=2,
    )

    def test_ceiling_held_is_achieved_in_the_period(self) -> None:
        a = evaluate(self.ceiling, obs((2021, 2.92), (2022, 2.61)), as_of=date(2023, 1, 31))
        assert a.status == Status.ACHIEVED
        assert a.method == "bound"
        assert a.expected_value == 5
        assert a.explanation_zh == "截至2022-12-31为2.61%，目标为控制在5%以内，已达标（得分5）"

    def test_ceiling_exactly_on_the_bound_is_held(self) -> None:
        assert evaluate(self.ceiling, obs((2022, 5.0)), as_of=AS_OF).status == Status.ACHIEVED

    def test_ceiling_crossed_is_deterioration_without_score(self) -> None:
        a = evaluate(self.ceiling, obs((2021, 4.0), (2022, 5.01)), as_of=AS_OF)
        assert a.status == Status.DETERIORATION
        assert a.score is None
        assert "未守住" in a.explanation_zh

    def test_floor_and_strict_floor(self) -> None:
        floor = TargetSpec(
            kind=TargetKind.LEVEL, comparator=Comparator.GE, value=80, higher_is_better=True, hold=True
        )
        assert evaluate(floor, obs((2022, 80.0)), as_of=AS_OF).status == Status.ACHIEVED
        strict = TargetSpec(
            kind=TargetKind.LEVEL, comparator=Comparator.GT, value=80, higher_is_better=True, hold=True
        )
        assert evaluate(strict, obs((2022, 80.0)), as_of=AS_OF).status == Status.DETERIORATION

    def test_range_to_hold_needs_the_band(self) -> None:
        band = TargetSpec(
            kind=TargetKind.LEVEL,
            comparator=Comparator.RANGE,
            value=3,
            value_max=5,
            higher_is_better=True,
            hold=True,
        )
        assert evaluate(band, obs((2022, 4.0)), as_of=AS_OF).status == Status.ACHIEVED
        assert evaluate(band, obs((2022, 5.5)), as_of=AS_OF).status == Status.DETERIORATION
        assert evaluate(band, obs((2022, 2.5)), as_of=AS_OF).status == Status.DETERIORATION

    def test_bound_wording_helper(self) -> None:
        assert is_bound_wording("城镇登记失业率控制在5%以内")
        assert is_bound_wording("在园幼儿占比保持在80%以上")
        assert is_bound_wording("优质高中资源占比稳定在85%以上")  # S2-T1-08
        assert is_bound_wording("穩定在85%以上")
        assert not is_bound_wording("人均预期寿命提升至82.4岁以上")


class TestServiceCircle:
    spec = TargetSpec(
        kind=TargetKind.CIRCLE, comparator=Comparator.GE, value=15, higher_is_better=True, baseline_value=0.6
    )

    def test_coverage_at_the_formed_share_is_achieved(self) -> None:
        a = evaluate(self.spec, obs((2023, 0.9)), as_of=AS_OF)
        assert a.status == Status.ACHIEVED
        assert a.method == "circle-coverage"
        assert "15分钟服务圈覆盖人口90.0%" in a.explanation_zh

    def test_coverage_below_is_judged_by_trend_towards_the_formed_share(self) -> None:
        a = evaluate(self.spec, obs((2021, 0.66), (2023, 0.8)), as_of=AS_OF)
        r = ((0.8 / 0.6) ** (1 / 3) - 1) / ((0.9 / 0.6) ** (1 / 5) - 1)
        assert a.ratio == pytest.approx(r)
        assert a.status == Status.ON_TRACK

    def test_custom_formed_share(self) -> None:
        strict = TargetSpec(
            kind=TargetKind.CIRCLE,
            comparator=Comparator.GE,
            value=15,
            higher_is_better=True,
            formed_share=0.95,
        )
        assert evaluate(strict, obs((2023, 0.9)), as_of=AS_OF).status != Status.ACHIEVED

    def test_percentages_instead_of_shares_are_refused_politely(self) -> None:
        a = evaluate(self.spec, obs((2022, 70.0), (2023, 85.0)), as_of=AS_OF)
        assert a.status == Status.NOT_ASSESSABLE
        assert a.flags == ("coverage_out_of_range",)
