"""What a unit did in a year, as plain facts: the input of the scorecards and of the annual assessment (考核).

The progress app fills these from its status cache, the reporting app from submissions and returns, the
supervision app from its items; nothing here knows where the numbers came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .types import Status


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetFact:
    """One target (or the unit's share of it) owned by the unit, with its status at the assessment date.

    `score` is the engine's −5…+5 score when it has one (shown, not used by the formulas); `weight` lets a
    scheme count a key target (约束性指标) more than once (default 1).
    """

    code: str
    status: Status
    score: float | None = None
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"target {self.code}: weight must be a positive number, got {self.weight!r}")
        if self.score is not None and not (math.isfinite(self.score) and -5 <= self.score <= 5):
            raise ValueError(f"target {self.code}: score must lie within −5…5, got {self.score!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitFacts:
    """A unit's facts for the assessment year.

    Reporting: every submission that fell due in the year is exactly one of on time, late or missing
    (`submissions_due = on_time + late + missing`); `returns` counts every time a reviewer sent a submission
    back (a submission returned twice counts 2). Supervision: items whose deadline fell in the year, and how
    many of them were closed (办结销号) by their deadline. `satisfaction` is the third-party score 0–100,
    None when there is none.
    """

    unit_code: str
    unit_name: str
    targets: tuple[TargetFact, ...] = ()
    submissions_on_time: int = 0
    submissions_late: int = 0
    submissions_missing: int = 0
    returns: int = 0
    supervision_due: int = 0
    supervision_closed_on_time: int = 0
    satisfaction: float | None = None

    def __post_init__(self) -> None:
        counts = (
            "submissions_on_time",
            "submissions_late",
            "submissions_missing",
            "returns",
            "supervision_due",
            "supervision_closed_on_time",
        )
        for name in counts:
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{self.unit_code}: {name} must be a whole number ≥ 0, got {value!r}")
        if self.supervision_closed_on_time > self.supervision_due:
            raise ValueError(f"{self.unit_code}: more supervision items closed on time than were due")
        if self.satisfaction is not None and not (
            math.isfinite(self.satisfaction) and 0 <= self.satisfaction <= 100
        ):
            raise ValueError(
                f"{self.unit_code}: satisfaction must lie within 0–100, got {self.satisfaction!r}"
            )
        codes = [t.code for t in self.targets]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.unit_code}: a target is listed twice")

    @property
    def submissions_due(self) -> int:
        """Submissions that fell due in the year: on time + late + missing."""
        return self.submissions_on_time + self.submissions_late + self.submissions_missing

    @property
    def submissions_made(self) -> int:
        """Submissions actually made (on time or late): the denominator of returns per submission."""
        return self.submissions_on_time + self.submissions_late

    @property
    def assessable_targets(self) -> tuple[TargetFact, ...]:
        """The targets with a status other than "cannot be assessed"."""
        return tuple(t for t in self.targets if t.status != Status.NOT_ASSESSABLE)


__all__ = ["TargetFact", "UnitFacts"]
