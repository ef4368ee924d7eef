"""Value types of the progress engine: StrEnums and frozen dataclasses, no behaviour beyond validation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from minsheng.policy.domain.vocab import Comparator, TargetKind

Lang = Literal["zh", "en"]


class Status(StrEnum):
    """The judgement of one target (or one unit's share of it) as of a date."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "needs_acceleration"
    LIMITED = "limited"
    DETERIORATION = "deterioration"
    NOT_ASSESSABLE = "not_assessable"

    def label(self, lang: Lang = "zh") -> str:
        """The label shown to officials: Chinese (`zh`, default) or English (`en`)."""
        return _STATUS_LABELS[self][0 if lang == "zh" else 1]

    @property
    def code(self) -> int:
        """Small integer used by the batch path: 0 not assessable … 5 achieved, ordered worst to best."""
        return STATUS_BY_CODE.index(self)

    @classmethod
    def from_code(cls, code: int) -> Status:
        """Inverse of `code`; raises IndexError for a code outside 0–5."""
        return STATUS_BY_CODE[code]


_STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.ACHIEVED: ("已达标", "Target achieved"),
    Status.ON_TRACK: ("进展顺利", "On track"),
    Status.NEEDS_ACCELERATION: ("需加快", "Needs acceleration"),
    Status.LIMITED: ("进展有限", "Limited progress"),
    Status.DETERIORATION: ("倒退", "Deterioration"),
    Status.NOT_ASSESSABLE: ("无法评估", "Cannot be assessed"),
}

# Ordered worst to best, with "cannot be assessed" at 0, so that the batch path can store int8 codes and a
# dashboard can sort by them.
STATUS_BY_CODE: tuple[Status, ...] = (
    Status.NOT_ASSESSABLE,
    Status.DETERIORATION,
    Status.LIMITED,
    Status.NEEDS_ACCELERATION,
    Status.ON_TRACK,
    Status.ACHIEVED,
)


class Light(StrEnum):
    """Traffic light of a ledger item (台帐事项) under time-elapsed progress (序时进度)."""

    GREEN = "green"
    YELLOW = "yellow"
    BLUE = "blue"
    RED = "red"

    def label(self, lang: Lang = "zh") -> str:
        """The label shown to officials: Chinese (`zh`, default) or English (`en`)."""
        return _LIGHT_LABELS[self][0 if lang == "zh" else 1]


_LIGHT_LABELS: dict[Light, tuple[str, str]] = {
    Light.GREEN: ("绿灯（按序时推进）", "Green (on schedule)"),
    Light.YELLOW: ("黄灯（滞后于序时进度）", "Yellow (behind schedule)"),
    Light.BLUE: ("蓝灯（临近时限）", "Blue (deadline near)"),
    Light.RED: ("红灯（逾期未完成）", "Red (overdue)"),
}


def label(value: Status | Light, lang: Lang = "zh") -> str:
    """The official label of a status or a light in `lang` ("zh" or "en")."""
    return value.label(lang)


class Accumulation(StrEnum):
    """How the numbers of a counted series are reported.

    RUNNING_TOTAL: each value is the total so far (since plan start for a cumulative target, since
    1 January for an annual one). PER_PERIOD: each value is the amount of its own period (a month, a year).
    """

    RUNNING_TOTAL = "running_total"
    PER_PERIOD = "per_period"


@dataclass(frozen=True, slots=True)
class Observation:
    """One reported value, dated on the last day of the period it describes (an annual value on 31 Dec)."""

    on: date
    value: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"observation on {self.on} is not a finite number: {self.value!r}")


_RISING = (Comparator.GE, Comparator.GT)
_FALLING = (Comparator.LE, Comparator.LT)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetSpec:
    """A target as the engine sees it; every direction comes from here, never from a default.

    Units: `value`, `value_max`, `baseline_value` and `limit` are in the target's own unit (`unit`);
    for a circle, observations are population shares 0–1 and `value` may hold the minutes (display only).
    For annual_change, `comparator`/`value` describe the yearly change (e.g. >= 0.5 points) while
    `higher_is_better` says which way the level itself should move.
    `hold` marks a ceiling or floor to hold (控制在/保持在) rather than a level to reach; only for `level`.
    """

    kind: TargetKind
    comparator: Comparator
    value: float | None
    higher_is_better: bool
    value_max: float | None = None
    baseline_value: float | None = None
    baseline_year: int = 2020
    plan_start: date = date(2021, 1, 1)
    deadline: date = date(2025, 12, 31)
    limit: float | None = None
    formed_share: float = 0.9
    hold: bool = False
    accumulation: Accumulation = Accumulation.RUNNING_TOTAL
    unit: str = ""
    unit_en: str = ""
    decimals: int = 1

    def __post_init__(self) -> None:
        for name in ("value", "value_max", "baseline_value", "limit", "formed_share"):
            number = getattr(self, name)
            if number is not None and not math.isfinite(number):
                raise ValueError(f"{name} must be a finite number, got {number!r}")
        if self.deadline <= self.plan_start:
            raise ValueError("deadline must fall after plan_start")
        if self.comparator == Comparator.RANGE:
            if self.value is None or self.value_max is None or self.value > self.value_max:
                raise ValueError("a range needs value <= value_max")
        elif self.value_max is not None:
            raise ValueError("value_max is only for comparator 'range'")
        needs_value = self.kind in (TargetKind.CUMULATIVE, TargetKind.ANNUAL, TargetKind.ANNUAL_CHANGE)
        if needs_value and self.value is None:
            raise ValueError(f"a {self.kind} target needs a numeric value")
        if self.hold and (self.kind != TargetKind.LEVEL or self.value is None):
            raise ValueError("hold (a ceiling or floor) applies to a level target with a value")
        if self.kind == TargetKind.CIRCLE and not (0 < self.formed_share <= 1 and self.higher_is_better):
            raise ValueError("a circle needs 0 < formed_share <= 1 and higher_is_better=True")
        # A ">=" target where lower is better (or the reverse) is a data-entry error: refuse it rather than
        # guess which half is right. annual_change is exempt: its comparator is about the change.
        if self.kind != TargetKind.ANNUAL_CHANGE and (
            (self.comparator in _RISING and not self.higher_is_better)
            or (self.comparator in _FALLING and self.higher_is_better)
        ):
            raise ValueError(
                f"comparator {self.comparator} contradicts higher_is_better={self.higher_is_better}"
            )
        if not 0 <= self.decimals <= 6:
            raise ValueError("decimals must be between 0 and 6")


@dataclass(frozen=True, slots=True)
class Check:
    """One line of a year-by-year or unit-by-unit judgement: the key ("2023" or a unit code), value, met."""

    key: str
    value: float | None
    met: bool


@dataclass(frozen=True, slots=True)
class Forecast:
    """Projection at the deadline: advice beside the status, never a replacement for it.

    `lower`/`upper` bound the `level` prediction interval (0.8 = 80%); `probability` is the chance of
    meeting the target under the same predictive distribution (None when there is no numeric target).
    """

    on: date
    projected: float
    lower: float
    upper: float
    level: float
    probability: float | None
    method: str
    n: int


@dataclass(frozen=True, slots=True)
class Assessment:
    """The engine's answer for one target (or one unit's share) as of a date.

    score is −5…+5 (Open SDG scale; 5 whenever achieved; None where the rule has no score); ratio is the
    Open SDG R (or the signed growth for method 1), or actual ÷ expected for pace rules; share_met is 0–1.
    """

    status: Status
    method: str
    explanation_zh: str
    explanation_en: str
    score: float | None = None
    ratio: float | None = None
    latest_value: float | None = None
    latest_on: date | None = None
    running_total: float | None = None
    expected_value: float | None = None
    share_met: float | None = None
    forecast: Forecast | None = None
    flags: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    def explanation(self, lang: Lang = "zh") -> str:
        """The one-sentence explanation in `lang`."""
        return self.explanation_zh if lang == "zh" else self.explanation_en


__all__ = [
    "Accumulation",
    "Assessment",
    "Check",
    "Comparator",
    "Forecast",
    "Lang",
    "Light",
    "Observation",
    "Status",
    "TargetKind",
    "TargetSpec",
    "label",
]
