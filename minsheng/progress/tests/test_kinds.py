"""Cumulative (序时进度), annual, annual-change and per-unit targets, with their boundary cases."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.progress.domain import (
    Accumulation,
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    evaluate,
    running_totals,
)


def year_end(*pairs: tuple[int, float]) -> list[Observation]:
    return [Observation(date(y, 12, 31), v) for y, v in pairs]


NEW_JOBS = TargetSpec(
    kind=TargetKind.CUMULATIVE,
    comparator=Comparator.GE,
    value=110,
    higher_is_better=True,
    unit="万人",
    unit_en="10k persons",
)


class TestCumulative:
    def test_guide_sentence_for_new_urban_jobs(self) -> None:
        a = evaluate(
            NEW_JOBS, year_end((2021, 25), (2022, 48), (2023, 70), (2024, 92.3)), as_of=date(2025, 2, 1)
        )
        assert a.explanation_zh.startswith(
            "截至2024-12-31累计完成92.3万人，序时进度应完成88.0万人（110×4/5），进度超前"
        )
        assert a.status == Status.ON_TRACK
        assert a.method == "cumulative-elapsed"
        assert a.running_total == 92.3
        assert a.expected_value == pytest.approx(88.0)
        assert a.ratio == pytest.approx(92.3 / 88)
        assert a.score is None

    @pytest.mark.parametrize(
        ("total", "status"),
        [
            (88.0, Status.ON_TRACK),  # exactly on pace
            (79.21, Status.NEEDS_ACCELERATION),  # 8.79 behind: less than 10 % of 88
            (79.2, Status.LIMITED),  # exactly 10 % behind
            (50.0, Status.LIMITED),
            (110.0, Status.ACHIEVED),
            (115.0, Status.ACHIEVED),
        ],
    )
    def test_pace_boundaries(self, total: float, status: Status) -> None:
        a = evaluate(NEW_JOBS, year_end((2024, total)), as_of=date(2024, 12, 31))
        assert a.status == status
        assert (a.score == 5.0) == (status == Status.ACHIEVED)

    def test_on_pace_wording(self) -> None:
        a = evaluate(NEW_JOBS, year_end((2024, 88.0)), as_of=date(2024, 12, 31))
        assert "与序时进度持平" in a.explanation_zh

    def test_pace_is_measured_on_the_data_date_mid_year(self) -> None:
        # 2023-06-30 is 2 years + 181/365 into the plan: 110 × 2.496/5 = 54.91.
        a = evaluate(NEW_JOBS, [Observation(date(2023, 6, 30), 50.0)], as_of=date(2023, 8, 1))
        assert a.expected_value == pytest.approx(110 * (2 + 181 / 365) / 5)
        assert "（110×2.496/5）" in a.explanation_zh
        assert a.status == Status.NEEDS_ACCELERATION

    def test_real_wuhan_new_urban_jobs_reported_per_year(self) -> None:
        # Annual figures from the statistical bulletins (shared/data/wuhan-published-figures.csv).
        spec = TargetSpec(
            kind=TargetKind.CUMULATIVE,
            comparator=Comparator.GE,
            value=110,
            higher_is_better=True,
            unit="万人",
            accumulation=Accumulation.PER_PERIOD,
        )
        yearly = year_end((2021, 29.98), (2022, 29.97), (2023, 29.26), (2024, 29.80))
        by_2023 = evaluate(spec, yearly, as_of=date(2023, 12, 31))
        assert by_2023.running_total == 89.21
        assert by_2023.status == Status.ON_TRACK
        assert by_2023.explanation_zh.startswith(
            "截至2023-12-31累计完成89.2万人，序时进度应完成66.0万人（110×3/5）"
        )
        by_2024 = evaluate(spec, yearly, as_of=date(2024, 12, 31))
        assert by_2024.running_total == 119.01
        assert by_2024.status == Status.ACHIEVED

    def test_running_totals_and_amounts_give_the_same_judgement(self) -> None:
        amounts = year_end((2020, 30.0), (2021, 20.0), (2022, 21.5), (2023, 19.9))
        totals = running_totals(amounts, Accumulation.PER_PERIOD, start=date(2021, 1, 1))
        assert [o.value for o in totals] == [20.0, 41.5, 61.4]  # the 2020 amount predates the plan
        as_amounts = evaluate(
            TargetSpec(
                kind=TargetKind.CUMULATIVE,
                comparator=Comparator.GE,
                value=110,
                higher_is_better=True,
                accumulation=Accumulation.PER_PERIOD,
            ),
            amounts,
            as_of=date(2024, 1, 1),
        )
        as_totals = evaluate(NEW_JOBS, totals, as_of=date(2024, 1, 1))
        assert as_amounts.status == as_totals.status == Status.NEEDS_ACCELERATION  # 61.4 vs 66
        assert as_amounts.running_total == as_totals.running_total == 61.4

    def test_cumulative_cap(self) -> None:
        cap = TargetSpec(
            kind=TargetKind.CUMULATIVE, comparator=Comparator.LE, value=100, higher_is_better=False
        )
        at_2022 = date(2022, 12, 31)  # 2/5 elapsed: allowance 40
        assert evaluate(cap, year_end((2022, 40)), as_of=at_2022).status == Status.ON_TRACK
        assert evaluate(cap, year_end((2022, 43.9)), as_of=at_2022).status == Status.NEEDS_ACCELERATION
        assert evaluate(cap, year_end((2022, 44)), as_of=at_2022).status == Status.LIMITED
        assert evaluate(cap, year_end((2022, 101)), as_of=at_2022).status == Status.DETERIORATION
        assert evaluate(cap, year_end((2025, 99)), as_of=date(2026, 1, 1)).status == Status.ACHIEVED

    def test_range_total_achieved_at_lower_bound(self) -> None:
        centres = TargetSpec(
            kind=TargetKind.CUMULATIVE,
            comparator=Comparator.RANGE,
            value=1,
            value_max=2,
            higher_is_better=True,
        )
        one = evaluate(centres, year_end((2023, 1)), as_of=date(2024, 1, 1))
        assert one.status == Status.ACHIEVED
        assert one.method == "range"
        three = evaluate(centres, year_end((2023, 3)), as_of=date(2024, 1, 1))
        assert three.status == Status.ACHIEVED
        assert three.flags == ("above_upper_bound",)
        none_yet = evaluate(centres, year_end((2023, 0)), as_of=date(2024, 1, 1))
        assert none_yet.method == "range+cumulative-elapsed"
        assert none_yet.status == Status.LIMITED

    def test_no_data_within_the_plan(self) -> None:
        a = evaluate(NEW_JOBS, year_end((2020, 30.0)), as_of=date(2021, 6, 1))
        assert a.status == Status.NOT_ASSESSABLE


CULTURE = TargetSpec(
    kind=TargetKind.ANNUAL, comparator=Comparator.GE, value=1500, higher_is_better=True, unit="场"
)


class TestAnnual:
    def test_share_of_completed_years_met(self) -> None:
        series = [*year_end((2021, 1520), (2022, 1380), (2023, 1600)), Observation(date(2024, 6, 30), 800)]
        a = evaluate(CULTURE, series, as_of=date(2024, 7, 1))
        assert [(c.key, c.met) for c in a.checks] == [("2021", True), ("2022", False), ("2023", True)]
        assert a.share_met == pytest.approx(2 / 3)
        assert a.status == Status.NEEDS_ACCELERATION
        assert a.method == "annual-share"
        assert "已结束的3个年度中2个达标" in a.explanation_zh
        assert "2022年1380.0场✗" in a.explanation_zh

    def test_all_years_so_far_is_on_track_and_all_plan_years_achieved(self) -> None:
        five = year_end((2021, 1500), (2022, 1600), (2023, 1700), (2024, 1550), (2025, 1510))
        assert evaluate(CULTURE, five[:4], as_of=date(2025, 6, 30)).status == Status.ON_TRACK
        done = evaluate(CULTURE, five, as_of=date(2025, 12, 31))
        assert done.status == Status.ACHIEVED
        assert done.score == 5.0

    @pytest.mark.parametrize(
        ("met", "status"),
        [
            (5, Status.ACHIEVED),
            (4, Status.NEEDS_ACCELERATION),
            (3, Status.NEEDS_ACCELERATION),
            (2, Status.LIMITED),
        ],
    )
    def test_share_thresholds_over_the_plan(self, met: int, status: Status) -> None:
        series = year_end(*[(2021 + i, 1500.0 if i < met else 1499.0) for i in range(5)])
        assert evaluate(CULTURE, series, as_of=date(2026, 1, 1)).status == status

    def test_monthly_amounts_are_summed_into_the_year(self) -> None:
        spec = TargetSpec(
            kind=TargetKind.ANNUAL,
            comparator=Comparator.GE,
            value=1500,
            higher_is_better=True,
            accumulation=Accumulation.PER_PERIOD,
        )
        months = [Observation(date(2021, m, 28), 125.0) for m in range(1, 13)]
        a = evaluate(spec, months, as_of=date(2022, 1, 1))
        assert a.checks[0].value == 1500.0
        assert a.status == Status.ON_TRACK

    def test_missing_year_is_left_out_and_named(self) -> None:
        a = evaluate(CULTURE, year_end((2021, 1500), (2023, 1500)), as_of=date(2024, 1, 1))
        assert a.share_met == 1.0
        assert "missing_years" in a.flags
        assert "2022年无数据" in a.explanation_zh

    def test_no_completed_year_cannot_be_assessed(self) -> None:
        a = evaluate(CULTURE, [Observation(date(2021, 6, 30), 900)], as_of=date(2021, 7, 1))
        assert a.status == Status.NOT_ASSESSABLE


MYOPIA = TargetSpec(
    kind=TargetKind.ANNUAL_CHANGE,
    comparator=Comparator.GE,
    value=0.5,
    higher_is_better=False,
    baseline_value=55.0,
    unit="个百分点",
)


class TestAnnualChange:
    def test_each_year_needs_a_drop_of_half_a_point(self) -> None:
        a = evaluate(MYOPIA, year_end((2021, 54.3), (2022, 54.0), (2023, 53.2)), as_of=date(2024, 1, 1))
        assert [(c.key, c.met) for c in a.checks] == [("2021", True), ("2022", False), ("2023", True)]
        assert a.status == Status.NEEDS_ACCELERATION
        assert a.method == "annual-change"
        # Trajectory: 55 − 0.5 × (2023 − 2020) = 53.5; actual fall 1.8 of the 1.5 expected.
        assert a.expected_value == pytest.approx(53.5)
        assert a.ratio == pytest.approx(1.8 / 1.5)

    def test_a_drop_of_exactly_the_step_counts_despite_binary_noise(self) -> None:
        # 54.3 − 53.8 is 0.4999999999999929 in floating point; officials read it as 0.5.
        a = evaluate(MYOPIA, year_end((2021, 54.3), (2022, 53.8)), as_of=date(2023, 1, 1))
        assert all(c.met for c in a.checks)

    def test_worse_than_the_base_is_deterioration(self) -> None:
        a = evaluate(MYOPIA, year_end((2021, 54.4), (2022, 55.3)), as_of=date(2023, 1, 1))
        assert a.status == Status.DETERIORATION
        assert "倒退" in a.explanation_zh

    def test_every_plan_year_met_is_achieved(self) -> None:
        series = year_end((2021, 54.5), (2022, 54.0), (2023, 53.5), (2024, 53.0), (2025, 52.4))
        assert evaluate(MYOPIA, series, as_of=date(2025, 12, 31)).status == Status.ACHIEVED

    def test_baseline_from_the_series_when_not_in_spec(self) -> None:
        spec = TargetSpec(
            kind=TargetKind.ANNUAL_CHANGE, comparator=Comparator.GE, value=0.5, higher_is_better=False
        )
        a = evaluate(spec, year_end((2020, 55.0), (2021, 54.4)), as_of=date(2022, 1, 1))
        assert a.status == Status.ON_TRACK
        assert a.expected_value == pytest.approx(54.5)

    def test_rising_target(self) -> None:
        spec = TargetSpec(
            kind=TargetKind.ANNUAL_CHANGE,
            comparator=Comparator.GE,
            value=1,
            higher_is_better=True,
            baseline_value=10,
        )
        a = evaluate(spec, year_end((2021, 11.2), (2022, 12.0)), as_of=date(2023, 1, 1))
        assert [c.met for c in a.checks] == [True, False]
        assert a.expected_value == pytest.approx(12.0)


SCHOOLS = TargetSpec(
    kind=TargetKind.PER_UNIT, comparator=Comparator.GE, value=1, higher_is_better=True, unit="所"
)


class TestPerUnit:
    def test_all_units_is_achieved(self) -> None:
        a = evaluate(SCHOOLS, {"420102": True, "420103": True}, as_of=date(2023, 1, 1))
        assert a.status == Status.ACHIEVED
        assert a.share_met == 1.0
        assert a.method == "per-unit-share"

    def test_share_is_paced_against_elapsed_time(self) -> None:
        at = date(2023, 12, 31)  # 3/5 of the plan: 12 of 20 units expected
        units = {f"u{i:02d}": i < 12 for i in range(20)}
        assert evaluate(SCHOOLS, units, as_of=at).status == Status.ON_TRACK
        units = {f"u{i:02d}": i < 11 for i in range(20)}  # 1 short: less than 10 % of 12
        a = evaluate(SCHOOLS, units, as_of=at)
        assert a.status == Status.NEEDS_ACCELERATION
        assert a.share_met == pytest.approx(11 / 20)
        assert a.expected_value == pytest.approx(12)
        units = {f"u{i:02d}": i < 10 for i in range(20)}
        assert evaluate(SCHOOLS, units, as_of=at).status == Status.LIMITED

    def test_units_judged_on_their_latest_value_and_missing_data_counts_as_not_met(self) -> None:
        data: dict[str, list[Observation] | bool] = {
            "jiangan": [Observation(date(2022, 12, 31), 0), Observation(date(2023, 12, 31), 1)],
            "hanyang": [Observation(date(2023, 12, 31), 0)],
            "wuchang": [],
        }
        a = evaluate(SCHOOLS, data, as_of=date(2024, 1, 1))
        assert [(c.key, c.met) for c in a.checks] == [
            ("hanyang", False),
            ("jiangan", True),
            ("wuchang", False),
        ]
        assert a.flags == ("units_without_data",)
        assert "未达标：hanyang、wuchang" in a.explanation_zh

    def test_wrong_data_shape_is_refused(self) -> None:
        with pytest.raises(ValueError, match="mapping"):
            evaluate(SCHOOLS, [Observation(date(2023, 1, 1), 1)], as_of=date(2024, 1, 1))
        with pytest.raises(ValueError, match="sequence"):
            evaluate(NEW_JOBS, {"a": True}, as_of=date(2024, 1, 1))
