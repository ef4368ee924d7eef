"""The annual assessment (考核): hand-computed examples, validation, re-normalisation, ranks, properties."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.progress.domain import (
    AssessmentScheme,
    Component,
    Status,
    TargetFact,
    UnitFacts,
    assess,
    competition_ranks,
    round_half_up,
    score_unit,
)

S = Status


def targets(*pairs: tuple[Status, int]) -> tuple[TargetFact, ...]:
    statuses = [status for status, n in pairs for _ in range(n)]
    return tuple(TargetFact(code=f"T{i:02d}", status=s) for i, s in enumerate(statuses, start=1))


def district_a(satisfaction: float | None = 88.5) -> UnitFacts:
    """The worked example of docs/domain/assessment.md."""
    return UnitFacts(
        unit_code="420102",
        unit_name="江岸区",
        targets=targets(
            (S.ACHIEVED, 8), (S.ON_TRACK, 4), (S.NEEDS_ACCELERATION, 2), (S.LIMITED, 1), (S.NOT_ASSESSABLE, 1)
        ),
        submissions_on_time=18,
        submissions_late=1,
        submissions_missing=1,
        returns=3,
        supervision_due=10,
        supervision_closed_on_time=9,
        satisfaction=satisfaction,
    )


SCHEME = AssessmentScheme(year=2024)


def test_hand_computed_example_with_every_component() -> None:
    unit = score_unit(SCHEME, district_a())
    scores = {c.component: (c.score, c.contribution) for c in unit.components}
    # 12/15 = 80; (18 + 0.5)/20 = 92.5; 100 × (1 − 3/19) = 84.2105…; 9/10 = 90; 88.5.
    assert scores == {
        Component.ACHIEVEMENT: (80.0, 32.0),
        Component.TIMELINESS: (92.5, 18.5),
        Component.QUALITY: (84.21, 12.63),
        Component.SUPERVISION: (90.0, 13.5),
        Component.SATISFACTION: (88.5, 8.85),
    }
    # 32 + 18.5 + 12.6316 + 13.5 + 8.85 = 85.4816
    assert unit.total == 85.48
    assert unit.missing == ()
    assert unit.trail_zh[0] == (
        "目标完成（达标率）：已达标 8×1 + 进展顺利 4×1 + 需加快 2×0 + 进展有限 1×0 = 12 ÷ 可评估目标 15"
        " = 80.00 分 × 权重 40% = 32.00 分"
    )
    assert unit.trail_zh[1] == "无法评估的目标 1 项（T16）不计入分母"
    assert (
        "报送及时率：按时 18 次×1 + 逾期 1 次×0.5 + 缺报 1 次×0 = 18.5 ÷ 应报 20 次 = 92.50 分"
        in unit.trail_zh[2]
    )
    assert unit.trail_zh[-1] == "总分：32.00 + 18.50 + 12.63 + 13.50 + 8.85 = 85.48 分"
    assert unit.trail_en[-1] == "Total: 32.00 + 18.50 + 12.63 + 13.50 + 8.85 = 85.48"


def test_missing_component_renormalises_the_other_weights_and_says_so() -> None:
    unit = score_unit(SCHEME, district_a(satisfaction=None))
    assert unit.missing == (Component.SATISFACTION,)
    present = [c for c in unit.components if c.effective_weight is not None]
    assert sum(c.effective_weight or 0 for c in present) == pytest.approx(100)
    achievement = unit.component(Component.ACHIEVEMENT)
    assert achievement is not None
    assert achievement.effective_weight == pytest.approx(40 / 90 * 100)
    # 80×40/90 + 92.5×20/90 + 84.2105×15/90 + 90×15/90 = 35.5556 + 20.5556 + 14.0351 + 15 = 85.1462
    assert unit.total == 85.15
    assert any(line.startswith("缺项处理：第三方满意度无数据") for line in unit.trail_zh)
    # The shown parts add to 85.16: the trail says why the total reads 85.15.
    total_line = next(line for line in unit.trail_zh if line.startswith("总分"))
    assert "35.56 + 20.56 + 14.04 + 15.00 = 85.15 分" in total_line
    assert "可能相差0.01" in total_line
    assert "× 权重 44.44%（原 40%，按比例放大） = 35.56 分" in unit.trail_zh[0]


def test_partial_credit_and_target_weights_show_in_the_trail() -> None:
    scheme = AssessmentScheme(year=2024, credit_needs_acceleration=0.5)
    facts = UnitFacts(
        unit_code="X",
        unit_name="市教育局",
        targets=(
            TargetFact(code="A", status=S.ACHIEVED, weight=2),
            TargetFact(code="B", status=S.NEEDS_ACCELERATION),
            TargetFact(code="C", status=S.DETERIORATION),
        ),
    )
    unit = score_unit(scheme, facts)
    achievement = unit.component(Component.ACHIEVEMENT)
    assert achievement is not None
    # (2×1 + 1×0.5 + 1×0) / 4 = 62.5
    assert achievement.score == 62.5
    assert (
        "已达标 2×1 + 需加快 1×0.5 + 倒退 1×0 = 2.5 ÷ 可评估目标 4（按目标权重计） = 62.50 分"
        in (achievement.trail_zh[0])
    )


def test_scheme_without_a_satisfaction_slot_leaves_it_out() -> None:
    scheme = AssessmentScheme(
        year=2024, achievement=50, timeliness=20, quality=15, supervision=15, satisfaction=0
    )
    unit = score_unit(scheme, district_a())
    assert [c.component for c in unit.components] == [
        Component.ACHIEVEMENT,
        Component.TIMELINESS,
        Component.QUALITY,
        Component.SUPERVISION,
    ]
    # 80×0.5 + 92.5×0.2 + 84.2105×0.15 + 90×0.15 = 40 + 18.5 + 12.6316 + 13.5 = 84.6316
    assert unit.total == 84.63
    assert unit.missing == ()


def test_too_little_data_gives_no_total_and_no_rank() -> None:
    lonely = UnitFacts(unit_code="Z", unit_name="某开发区", satisfaction=95)
    results = assess(SCHEME, [district_a(), lonely])
    z = results.for_unit("Z")
    assert z.total is None
    assert z.rank is None
    assert results.units[-1].unit_code == "Z"
    assert "低于方案要求的 50%" in z.trail_zh[-1]
    nothing = score_unit(SCHEME, UnitFacts(unit_code="N", unit_name="空"))
    assert nothing.total is None
    assert nothing.trail_zh[-1] == "总分：各项均无数据，不计总分、不参加排名"


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    a = district_a()
    b = replace(a, unit_code="420103", unit_name="江汉区")
    c = replace(a, unit_code="420104", unit_name="硚口区", satisfaction=70.0)
    d = replace(a, unit_code="420105", unit_name="汉阳区", returns=10)
    results = assess(SCHEME, [c, d, b, a])
    assert [(u.unit_code, u.rank) for u in results.units] == [
        ("420102", 1),
        ("420103", 1),
        ("420104", 3),
        ("420105", 4),
    ]
    assert results.for_unit("420102").trail_zh[-1] == "名次：第 1 名（共 4 个单位参加排名，与江汉区并列）"
    assert results.for_unit("420105").trail_en[-1] == "Rank: 4 of 4"


def test_competition_ranks_1224_and_direction() -> None:
    assert competition_ranks([90.0, 95.0, 90.0, None, 80.0]) == [2, 1, 2, None, 4]
    assert competition_ranks([0.1, 0.3, 0.1], higher_is_better=False) == [1, 3, 1]
    assert competition_ranks([]) == []


def test_round_half_up_rounds_as_written() -> None:
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(84.2105263, 2) == 84.21
    assert round_half_up(-1.005, 2) == -1.01


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"achievement": 50.0}, "sum to 100"),
        ({"satisfaction": -10.0, "achievement": 60.0}, "≥ 0"),
        ({"credit_on_track": 0.5, "credit_needs_acceleration": 0.8}, "worse status"),
        ({"late_credit": 1.5}, "late_credit"),
        ({"returns_for_zero": 0.0}, "returns_for_zero"),
        ({"min_present_weight": 0.0}, "min_present_weight"),
    ],
)
def test_scheme_refuses_inconsistent_rules(changes: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AssessmentScheme(year=2024, **changes)  # type: ignore[arg-type]


def test_weights_may_be_decimals_that_sum_to_100() -> None:
    scheme = AssessmentScheme(
        year=2024, achievement=33.3, timeliness=33.3, quality=33.4, supervision=0, satisfaction=0
    )
    assert scheme.components == (Component.ACHIEVEMENT, Component.TIMELINESS, Component.QUALITY)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"returns": -1}, "returns"),
        ({"supervision_due": 1, "supervision_closed_on_time": 2}, "more supervision items"),
        ({"satisfaction": 101.0}, "satisfaction"),
        ({"targets": (TargetFact(code="A", status=S.ACHIEVED),) * 2}, "twice"),
    ],
)
def test_unit_facts_refuse_impossible_counts(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        UnitFacts(unit_code="X", unit_name="X", **changes)  # type: ignore[arg-type]


def test_target_fact_refuses_bad_weight_and_score() -> None:
    with pytest.raises(ValueError, match="weight"):
        TargetFact(code="A", status=S.ACHIEVED, weight=0)
    with pytest.raises(ValueError, match="score"):
        TargetFact(code="A", status=S.ACHIEVED, score=7)


def test_a_unit_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="420102"):
        assess(SCHEME, [district_a(), district_a()])


def test_formulas_name_the_scheme_parameters() -> None:
    scheme = AssessmentScheme(year=2024, late_credit=0.6, returns_for_zero=2)
    assert "逾期次数×0.6" in scheme.formula(Component.TIMELINESS)
    assert "÷ 2)" in scheme.formula(Component.QUALITY, "en")
    assert "进展顺利×1" in scheme.formula(Component.ACHIEVEMENT)


# ------------------------------------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=40)
statuses = st.sampled_from(list(Status))


@st.composite
def unit_facts(draw: st.DrawFn, code: str = "U") -> UnitFacts:
    due = draw(counts)
    closed = draw(st.integers(min_value=0, max_value=due))
    ts = draw(st.lists(statuses, max_size=12))
    return UnitFacts(
        unit_code=code,
        unit_name=code,
        targets=tuple(TargetFact(code=f"T{i}", status=s) for i, s in enumerate(ts)),
        submissions_on_time=draw(counts),
        submissions_late=draw(counts),
        submissions_missing=draw(counts),
        returns=draw(st.integers(min_value=0, max_value=80)),
        supervision_due=due,
        supervision_closed_on_time=closed,
        satisfaction=draw(st.one_of(st.none(), st.floats(min_value=0, max_value=100))),
    )


@st.composite
def schemes(draw: st.DrawFn) -> AssessmentScheme:
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=100), min_size=4, max_size=4)))
    bounds = [0, *cuts, 100]
    w = [float(b - a) for a, b in itertools.pairwise(bounds)]
    credits = sorted(
        draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=4, max_size=4)), reverse=True
    )
    return AssessmentScheme(
        year=2024,
        achievement=w[0],
        timeliness=w[1],
        quality=w[2],
        supervision=w[3],
        satisfaction=w[4],
        credit_on_track=credits[0],
        credit_needs_acceleration=credits[1],
        credit_limited=credits[2],
        credit_deterioration=credits[3],
        late_credit=draw(st.sampled_from([0.0, 0.5, 1.0])),
        min_present_weight=draw(st.sampled_from([1.0, 50.0, 100.0])),
    )


@settings(max_examples=200, deadline=None)
@given(schemes(), unit_facts())
def test_totals_and_scores_stay_within_0_and_100(scheme: AssessmentScheme, facts: UnitFacts) -> None:
    unit = score_unit(scheme, facts)
    for c in unit.components:
        assert c.score is None or 0 <= c.score <= 100
    assert unit.total is None or 0 <= unit.total <= 100


@settings(max_examples=200, deadline=None)
@given(schemes(), unit_facts())
def test_applied_weights_always_sum_to_100(scheme: AssessmentScheme, facts: UnitFacts) -> None:
    unit = score_unit(scheme, facts)
    applied = [c.effective_weight for c in unit.components if c.effective_weight is not None]
    if unit.total is None:
        assert applied == []
        return
    assert sum(applied) == pytest.approx(100)
    if not unit.missing:
        assert applied == pytest.approx([c.weight for c in unit.components])
    # The total is the weighted mean of the present scores (up to the rounding of each score).
    present = [c for c in unit.components if c.score is not None]
    mean = sum((c.score or 0) * (c.effective_weight or 0) for c in present) / 100
    assert unit.total == pytest.approx(mean, abs=0.01)


@settings(max_examples=100, deadline=None)
@given(schemes(), st.lists(unit_facts(), min_size=1, max_size=8))
def test_rank_order_is_consistent_with_totals(scheme: AssessmentScheme, units: list[UnitFacts]) -> None:
    facts = [replace(u, unit_code=f"U{i}") for i, u in enumerate(units)]
    results = assess(scheme, facts)
    ranked = [u for u in results.units if u.total is not None]
    assert all(u.rank is None for u in results.units if u.total is None)
    for a in ranked:
        assert a.rank == 1 + sum(1 for b in ranked if (b.total or 0) > (a.total or 0))
    assert [u.total for u in ranked] == sorted((u.total for u in ranked), key=lambda t: -(t or 0))


@settings(max_examples=100, deadline=None)
@given(schemes(), unit_facts(), st.data())
def test_a_better_status_never_lowers_the_achievement_score(
    scheme: AssessmentScheme, facts: UnitFacts, data: st.DataObject
) -> None:
    if not facts.targets:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(facts.targets) - 1))
    old = facts.targets[i]
    if old.status in (Status.NOT_ASSESSABLE, Status.ACHIEVED):
        return
    improved = (
        *facts.targets[:i],
        TargetFact(code=old.code, status=Status.ACHIEVED),
        *facts.targets[i + 1 :],
    )
    before = score_unit(scheme, facts).component(Component.ACHIEVEMENT)
    after = score_unit(scheme, replace(facts, targets=improved)).component(Component.ACHIEVEMENT)
    if before is None or after is None:
        return
    assert (after.score or 0) >= (before.score or 0)


def test_the_worked_example_in_the_doc_matches_the_engine() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "domain" / "assessment.md").read_text(
        encoding="utf-8"
    )
    full = score_unit(SCHEME, district_a())
    without_survey = score_unit(SCHEME, district_a(satisfaction=None))
    assert f"> {full.trail_zh[0]}" in doc
    assert f"**{full.total:.2f}**" in doc
    assert f"**{without_survey.total:.2f}**" in doc
    assert "35.5556 + 20.5556 + 14.0351 + 15.0000 = 85.1462" in doc
