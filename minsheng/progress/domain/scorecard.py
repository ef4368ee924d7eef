"""Unit scorecards (单位记分卡) and rankings on each measure, from the same facts as the annual assessment.

A scorecard shows raw rates, not points: 达标率, 报送及时率, 每次报送退回次数, 督办按期办结率. The assessment turns
them into points under a scheme; the scorecard is what a unit sees during the year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .ranking import competition_ranks, fmt, round_half_up
from .types import Lang, Status
from .unitfacts import UnitFacts


class Metric(StrEnum):
    """A measure units are ranked on."""

    ACHIEVEMENT_RATE = "achievement_rate"
    ON_TIME_RATE = "on_time_rate"
    RETURNS_PER_SUBMISSION = "returns_per_submission"
    SUPERVISION_ON_TIME_RATE = "supervision_on_time_rate"

    def label(self, lang: Lang = "zh") -> str:
        """The measure's name for officials."""
        return _METRIC_LABELS[self][0 if lang == "zh" else 1]

    @property
    def higher_is_better(self) -> bool:
        """Rates rank highest first; returns per submission lowest first."""
        return self != Metric.RETURNS_PER_SUBMISSION

    @property
    def is_rate(self) -> bool:
        """Shares 0–1 shown as percentages; returns per submission is shown as a plain number."""
        return self != Metric.RETURNS_PER_SUBMISSION


_METRIC_LABELS: dict[Metric, tuple[str, str]] = {
    Metric.ACHIEVEMENT_RATE: ("达标率", "Achievement rate"),
    Metric.ON_TIME_RATE: ("报送及时率", "On-time reporting rate"),
    Metric.RETURNS_PER_SUBMISSION: ("每次报送退回次数", "Returns per submission"),
    Metric.SUPERVISION_ON_TIME_RATE: ("督办按期办结率", "Supervision closed on time"),
}

# Published precision: rates to 0.1 percentage point (4 decimals of the share), returns to 2 decimals.
_RANK_DECIMALS: dict[Metric, int] = {
    Metric.ACHIEVEMENT_RATE: 4,
    Metric.ON_TIME_RATE: 4,
    Metric.RETURNS_PER_SUBMISSION: 2,
    Metric.SUPERVISION_ON_TIME_RATE: 4,
}


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A unit's rates with the counts behind them; a rate is None when its denominator is 0.

    achievement_rate = (achieved + on track) ÷ assessable targets (not_assessable left out; counts, not
    target weights); on_time_rate = on time ÷ due; returns_per_submission = returns ÷ submissions made (on
    time or late); supervision_on_time_rate = closed on time ÷ due. Rates are shares 0–1.
    """

    unit_code: str
    unit_name: str
    targets_assessable: int
    targets_met: int
    targets_not_assessable: int
    status_counts: dict[Status, int]
    submissions_due: int
    submissions_on_time: int
    submissions_late: int
    submissions_missing: int
    returns: int
    supervision_due: int
    supervision_closed_on_time: int
    satisfaction: float | None
    achievement_rate: float | None
    on_time_rate: float | None
    returns_per_submission: float | None
    supervision_on_time_rate: float | None

    def value(self, metric: Metric) -> float | None:
        """The scorecard's value for `metric`."""
        return {
            Metric.ACHIEVEMENT_RATE: self.achievement_rate,
            Metric.ON_TIME_RATE: self.on_time_rate,
            Metric.RETURNS_PER_SUBMISSION: self.returns_per_submission,
            Metric.SUPERVISION_ON_TIME_RATE: self.supervision_on_time_rate,
        }[metric]

    def display(self, metric: Metric) -> str:
        """The value as published: "80.0%" for a rate, "0.16" for returns per submission, "—" without data."""
        return display_value(metric, self.value(metric))


def display_value(metric: Metric, value: float | None) -> str:
    """`value` of `metric` as published ("80.0%", "0.16", "—")."""
    if value is None:
        return "—"
    if metric.is_rate:
        return f"{fmt(value * 100, 1)}%"
    return fmt(value, 2)


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def scorecard(facts: UnitFacts) -> Scorecard:
    """The scorecard of one unit."""
    counts = dict.fromkeys(Status, 0)
    for t in facts.targets:
        counts[t.status] += 1
    assessable = len(facts.targets) - counts[Status.NOT_ASSESSABLE]
    met = counts[Status.ACHIEVED] + counts[Status.ON_TRACK]
    return Scorecard(
        unit_code=facts.unit_code,
        unit_name=facts.unit_name,
        targets_assessable=assessable,
        targets_met=met,
        targets_not_assessable=counts[Status.NOT_ASSESSABLE],
        status_counts=counts,
        submissions_due=facts.submissions_due,
        submissions_on_time=facts.submissions_on_time,
        submissions_late=facts.submissions_late,
        submissions_missing=facts.submissions_missing,
        returns=facts.returns,
        supervision_due=facts.supervision_due,
        supervision_closed_on_time=facts.supervision_closed_on_time,
        satisfaction=facts.satisfaction,
        achievement_rate=_share(met, assessable),
        on_time_rate=_share(facts.submissions_on_time, facts.submissions_due),
        returns_per_submission=_share(facts.returns, facts.submissions_made),
        supervision_on_time_rate=_share(facts.supervision_closed_on_time, facts.supervision_due),
    )


def scorecards(units: Iterable[UnitFacts]) -> tuple[Scorecard, ...]:
    """The scorecard of every unit, in the order given."""
    return tuple(scorecard(u) for u in units)


@dataclass(frozen=True, slots=True)
class RankingRow:
    """One line of a ranking: rank (None without data), the unit, the value and how it is published."""

    rank: int | None
    unit_code: str
    unit_name: str
    value: float | None
    display: str


def rank_by(cards: Iterable[Scorecard], metric: Metric) -> tuple[RankingRow, ...]:
    """Rank units on `metric`: best first, ties share a rank ("1224"), units without data last (no rank).

    Values are compared as published (rates to 0.1 percentage point, returns per submission to 2 decimals),
    so units shown with the same figure share a rank. Within a rank, units are listed by code.
    """
    listed = list(cards)
    keys = [
        None if (v := c.value(metric)) is None else round_half_up(v, _RANK_DECIMALS[metric]) for c in listed
    ]
    ranks = competition_ranks(keys, higher_is_better=metric.higher_is_better)
    rows = [
        RankingRow(rank, c.unit_code, c.unit_name, c.value(metric), c.display(metric))
        for c, rank in zip(listed, ranks, strict=True)
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_code))
    return tuple(rows)


def rankings(cards: Iterable[Scorecard]) -> dict[Metric, tuple[RankingRow, ...]]:
    """A ranking on every metric."""
    listed = list(cards)
    return {m: rank_by(listed, m) for m in Metric}


__all__ = [
    "Metric",
    "RankingRow",
    "Scorecard",
    "display_value",
    "rank_by",
    "rankings",
    "scorecard",
    "scorecards",
]
