"""Unit scorecards and the rankings on each measure."""

from __future__ import annotations

from minsheng.progress.domain import (
    Metric,
    Status,
    TargetFact,
    UnitFacts,
    rank_by,
    rankings,
    scorecard,
    scorecards,
)

S = Status


def unit(code: str, name: str, **kw: object) -> UnitFacts:
    return UnitFacts(unit_code=code, unit_name=name, **kw)  # type: ignore[arg-type]


def test_scorecard_rates_by_hand() -> None:
    card = scorecard(
        unit(
            "420102",
            "江岸区",
            targets=(
                TargetFact(code="A", status=S.ACHIEVED),
                TargetFact(code="B", status=S.ON_TRACK),
                TargetFact(code="C", status=S.LIMITED),
                TargetFact(code="D", status=S.NOT_ASSESSABLE),
            ),
            submissions_on_time=18,
            submissions_late=1,
            submissions_missing=1,
            returns=3,
            supervision_due=10,
            supervision_closed_on_time=9,
        )
    )
    assert card.targets_assessable == 3
    assert card.targets_met == 2
    assert card.achievement_rate == 2 / 3
    assert card.on_time_rate == 18 / 20
    assert card.returns_per_submission == 3 / 19
    assert card.supervision_on_time_rate == 0.9
    assert card.display(Metric.ACHIEVEMENT_RATE) == "66.7%"
    assert card.display(Metric.RETURNS_PER_SUBMISSION) == "0.16"
    assert card.status_counts[S.NOT_ASSESSABLE] == 1


def test_a_rate_without_denominator_is_none_and_ranks_last() -> None:
    cards = scorecards([unit("B", "乙", submissions_on_time=1), unit("A", "甲")])
    assert cards[1].on_time_rate is None
    ranking = rank_by(cards, Metric.ON_TIME_RATE)
    assert [(r.unit_code, r.rank, r.display) for r in ranking] == [("B", 1, "100.0%"), ("A", None, "—")]


def test_returns_rank_lowest_first_with_ties_sharing_a_rank() -> None:
    cards = scorecards(
        [
            unit("A", "甲", submissions_on_time=10, returns=2),
            unit("B", "乙", submissions_on_time=20, returns=4),
            unit("C", "丙", submissions_on_time=10, returns=0),
            unit("D", "丁", submissions_on_time=10, returns=5),
        ]
    )
    ranking = rank_by(cards, Metric.RETURNS_PER_SUBMISSION)
    assert [(r.unit_code, r.rank) for r in ranking] == [("C", 1), ("A", 2), ("B", 2), ("D", 4)]


def test_ties_are_judged_on_the_published_figure() -> None:
    # 2/3 and 0.66669 both read 66.7%: same rank.
    cards = scorecards(
        [
            unit("A", "甲", supervision_due=3, supervision_closed_on_time=2),
            unit("B", "乙", supervision_due=100000, supervision_closed_on_time=66669),
        ]
    )
    ranking = rank_by(cards, Metric.SUPERVISION_ON_TIME_RATE)
    assert [r.rank for r in ranking] == [1, 1]


def test_rankings_cover_every_metric() -> None:
    result = rankings(scorecards([unit("A", "甲")]))
    assert set(result) == set(Metric)
    assert Metric.RETURNS_PER_SUBMISSION.label() == "每次报送退回次数"
    assert not Metric.RETURNS_PER_SUBMISSION.higher_is_better
