"""The annual assessment (年度考核): weighted component scores, totals, ranks and an explanation trail.

Every score can be opened to show how it was made: each unit carries a list of lines such as
"达标率：已达标 8×1 + 进展顺利 4×1 = 12 ÷ 可评估目标 15 = 80.00 分 × 权重 40% = 32.00 分".
The formulas are written up in docs/domain/assessment.md (Chinese, then English).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .ranking import competition_ranks, fmt, round_half_up
from .types import Lang, Status
from .unitfacts import TargetFact, UnitFacts


class Component(StrEnum):
    """A part of the annual assessment, in the order it is shown."""

    ACHIEVEMENT = "achievement"
    TIMELINESS = "timeliness"
    QUALITY = "quality"
    SUPERVISION = "supervision"
    SATISFACTION = "satisfaction"

    def label(self, lang: Lang = "zh") -> str:
        """The component's name for officials: Chinese (default) or English."""
        return _COMPONENT_LABELS[self][0 if lang == "zh" else 1]


_COMPONENT_LABELS: dict[Component, tuple[str, str]] = {
    Component.ACHIEVEMENT: ("目标完成（达标率）", "Target achievement"),
    Component.TIMELINESS: ("报送及时率", "Timely reporting"),
    Component.QUALITY: ("报送质量（退回率）", "Reporting quality (returns)"),
    Component.SUPERVISION: ("督办按期办结率", "Supervision closed on time"),
    Component.SATISFACTION: ("第三方满意度", "Third-party satisfaction"),
}

# The statuses that can earn achievement credit, best first (not_assessable is left out of the count).
CREDITED: tuple[Status, ...] = (
    Status.ACHIEVED,
    Status.ON_TRACK,
    Status.NEEDS_ACCELERATION,
    Status.LIMITED,
    Status.DETERIORATION,
)

_WEIGHT_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True, kw_only=True)
class AssessmentScheme:
    """One year's assessment rules (考核方案), decided by the city and published before the year starts.

    Weights are percentages summing to 100; a weight of 0 leaves the component out of the scheme (e.g. no
    third-party survey this year). Achievement credits say how much a target in each status counts (an
    achieved target always counts 1; default: on track 1, every other status 0, so the component is the plain
    达标率). `late_credit` is what a late submission earns against an on-time one (default 0.5); a missing one
    earns 0. `returns_for_zero` is the average number of returns per submission that brings the quality
    score to 0 (default 1: every submission sent back once). A unit whose components with data weigh less
    than `min_present_weight` (% of the scheme, default 50) gets no total and no rank: re-normalising would
    let one small component decide its place. Published numbers carry `decimals` decimals.
    """

    year: int
    name: str = ""
    achievement: float = 40.0
    timeliness: float = 20.0
    quality: float = 15.0
    supervision: float = 15.0
    satisfaction: float = 10.0
    credit_on_track: float = 1.0
    credit_needs_acceleration: float = 0.0
    credit_limited: float = 0.0
    credit_deterioration: float = 0.0
    late_credit: float = 0.5
    returns_for_zero: float = 1.0
    min_present_weight: float = 50.0
    decimals: int = 2

    def __post_init__(self) -> None:
        weights = self.weights
        for component, w in weights.items():
            if not (math.isfinite(w) and w >= 0):
                raise ValueError(f"weight of {component} must be a number ≥ 0, got {w!r}")
        total = sum(weights.values())
        if abs(total - 100) > _WEIGHT_TOLERANCE:
            raise ValueError(f"weights must sum to 100, they sum to {total:g}")
        credits = [self.credit(s) for s in CREDITED]
        if any(not (math.isfinite(c) and 0 <= c <= 1) for c in credits):
            raise ValueError("achievement credits must lie within 0–1")
        if any(worse > better for better, worse in itertools.pairwise(credits)):
            raise ValueError("a worse status may not earn more achievement credit than a better one")
        if not (math.isfinite(self.late_credit) and 0 <= self.late_credit <= 1):
            raise ValueError("late_credit must lie within 0–1")
        if not (math.isfinite(self.returns_for_zero) and self.returns_for_zero > 0):
            raise ValueError("returns_for_zero must be a positive number")
        if not (math.isfinite(self.min_present_weight) and 0 < self.min_present_weight <= 100):
            raise ValueError("min_present_weight must lie within (0, 100]")
        if not 0 <= self.decimals <= 4:
            raise ValueError("decimals must be between 0 and 4")

    @property
    def weights(self) -> dict[Component, float]:
        """The weight (%) of every component, in display order, including those at 0."""
        return {
            Component.ACHIEVEMENT: self.achievement,
            Component.TIMELINESS: self.timeliness,
            Component.QUALITY: self.quality,
            Component.SUPERVISION: self.supervision,
            Component.SATISFACTION: self.satisfaction,
        }

    @property
    def components(self) -> tuple[Component, ...]:
        """The components this scheme assesses (weight above 0), in display order."""
        return tuple(c for c, w in self.weights.items() if w > 0)

    def credit(self, status: Status) -> float:
        """Achievement credit of a target in `status` (0–1); not_assessable targets are not counted at all."""
        return {
            Status.ACHIEVED: 1.0,
            Status.ON_TRACK: self.credit_on_track,
            Status.NEEDS_ACCELERATION: self.credit_needs_acceleration,
            Status.LIMITED: self.credit_limited,
            Status.DETERIORATION: self.credit_deterioration,
            Status.NOT_ASSESSABLE: 0.0,
        }[status]

    def formula(self, component: Component, lang: Lang = "zh") -> str:
        """The formula of `component` under this scheme, in words, as printed in the export."""
        n = _num
        if component == Component.ACHIEVEMENT:
            parts = " + ".join(f"{s.label(lang)}×{n(self.credit(s))}" for s in CREDITED)
            if lang == "zh":
                return f"100 ×（{parts}）÷ 可评估目标数；无法评估的目标不计入；可按目标权重加权"
            return f"100 × ({parts}) ÷ assessable targets; targets that cannot be assessed are left out; weighted by target weight"
        if component == Component.TIMELINESS:
            if lang == "zh":
                return f"100 ×（按时次数 + 逾期次数×{n(self.late_credit)}）÷ 应报次数；缺报计0"
            return f"100 × (on time + late × {n(self.late_credit)}) ÷ due; missing counts 0"
        if component == Component.QUALITY:
            if lang == "zh":
                return f"100 × max(0, 1 − 退回次数 ÷ 报送次数 ÷ {n(self.returns_for_zero)})"
            return f"100 × max(0, 1 − returns ÷ submissions made ÷ {n(self.returns_for_zero)})"
        if component == Component.SUPERVISION:
            if lang == "zh":
                return "100 × 按期办结事项数 ÷ 当年到期督办事项数"
            return "100 × items closed by their deadline ÷ items due in the year"
        if lang == "zh":
            return "第三方评估机构测评得分（0—100）"
        return "the third-party survey score (0–100)"


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One component of one unit's assessment.

    `score` is 0–100 (None when the unit has no data for it: 缺项); `weight` is the scheme's percentage and
    `effective_weight` the percentage actually applied after missing components were re-normalised away;
    `contribution` = score × effective_weight ÷ 100. Numbers are rounded half up to the scheme's decimals,
    except `effective_weight`, which is exact.
    """

    component: Component
    weight: float
    score: float | None
    effective_weight: float | None
    contribution: float | None
    trail_zh: tuple[str, ...]
    trail_en: tuple[str, ...]

    def trail(self, lang: Lang = "zh") -> tuple[str, ...]:
        """How this score was made, line by line."""
        return self.trail_zh if lang == "zh" else self.trail_en


@dataclass(frozen=True, slots=True)
class UnitAssessment:
    """One unit's result: component scores, weighted total (0–100), rank, and the whole explanation trail."""

    unit_code: str
    unit_name: str
    components: tuple[ComponentScore, ...]
    total: float | None
    rank: int | None
    missing: tuple[Component, ...]
    trail_zh: tuple[str, ...]
    trail_en: tuple[str, ...]

    def trail(self, lang: Lang = "zh") -> tuple[str, ...]:
        """Every line of the explanation: each component, any re-normalisation, the total and the rank."""
        return self.trail_zh if lang == "zh" else self.trail_en

    def component(self, component: Component) -> ComponentScore | None:
        """The score of `component`, or None when the scheme does not assess it."""
        return next((c for c in self.components if c.component == component), None)


@dataclass(frozen=True, slots=True)
class AssessmentResults:
    """The assessment of every unit under one scheme, best rank first (units without a total last)."""

    scheme: AssessmentScheme
    units: tuple[UnitAssessment, ...] = field(default_factory=tuple)

    def for_unit(self, unit_code: str) -> UnitAssessment:
        """The result of one unit; KeyError when it was not assessed."""
        for unit in self.units:
            if unit.unit_code == unit_code:
                return unit
        raise KeyError(unit_code)


# ---------------------------------------------------------------------------------------------- formulas


@dataclass(frozen=True, slots=True)
class _Raw:
    """A component's exact score (None = no data) and the lines that explain it, before weighting."""

    score: float | None
    zh: tuple[str, ...]
    en: tuple[str, ...]


def _num(x: float) -> str:
    """A count or parameter as written: up to 4 decimals, trailing zeros dropped (12, 0.5, 8.25)."""
    text = f"{round_half_up(x, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pct(w: float) -> str:
    """A weight as a percentage with at most 2 decimals (40%, 44.44%)."""
    return f"{_num(round_half_up(w, 2))}%"


def _achievement(scheme: AssessmentScheme, facts: UnitFacts, d: int) -> _Raw:
    name_zh, name_en = Component.ACHIEVEMENT.label("zh"), Component.ACHIEVEMENT.label("en")
    excluded = [t for t in facts.targets if t.status == Status.NOT_ASSESSABLE]
    excluded_zh = (
        (f"无法评估的目标 {len(excluded)} 项（{'、'.join(t.code for t in excluded)}）不计入分母",)
        if excluded
        else ()
    )
    excluded_en = (
        (
            f"{len(excluded)} target(s) that cannot be assessed ({', '.join(t.code for t in excluded)}) left out",
        )
        if excluded
        else ()
    )
    assessable = facts.assessable_targets
    if not assessable:
        return _Raw(
            None,
            (f"{name_zh}：没有可评估的目标，本项缺项", *excluded_zh),
            (f"{name_en}: no assessable target, component missing", *excluded_en),
        )
    weighted = any(t.weight != 1 for t in assessable)
    by_status: dict[Status, list[TargetFact]] = {s: [] for s in CREDITED}
    for t in assessable:
        by_status[t.status].append(t)
    sums = {s: sum(t.weight for t in ts) for s, ts in by_status.items() if ts}
    credited = sum(w * scheme.credit(s) for s, w in sums.items())
    denominator = sum(sums.values())
    score = 100 * credited / denominator
    terms_zh = " + ".join(f"{s.label('zh')} {_num(w)}×{_num(scheme.credit(s))}" for s, w in sums.items())
    terms_en = " + ".join(f"{s.label('en')} {_num(w)}×{_num(scheme.credit(s))}" for s, w in sums.items())
    unit_zh = "（按目标权重计）" if weighted else ""
    unit_en = " (weighted by target weight)" if weighted else ""
    return _Raw(
        score,
        (
            f"{name_zh}：{terms_zh} = {_num(credited)} ÷ 可评估目标 {_num(denominator)}{unit_zh}"
            f" = {fmt(score, d)} 分",
            *excluded_zh,
        ),
        (
            f"{name_en}: {terms_en} = {_num(credited)} ÷ {_num(denominator)} assessable targets{unit_en}"
            f" = {fmt(score, d)} points",
            *excluded_en,
        ),
    )


def _timeliness(scheme: AssessmentScheme, facts: UnitFacts, d: int) -> _Raw:
    name_zh, name_en = Component.TIMELINESS.label("zh"), Component.TIMELINESS.label("en")
    due = facts.submissions_due
    if due == 0:
        return _Raw(
            None,
            (f"{name_zh}：本年度没有应报事项，本项缺项",),
            (f"{name_en}: nothing fell due this year, component missing",),
        )
    on_time, late, missing = facts.submissions_on_time, facts.submissions_late, facts.submissions_missing
    credited = on_time + scheme.late_credit * late
    score = 100 * credited / due
    lc = _num(scheme.late_credit)
    return _Raw(
        score,
        (
            f"{name_zh}：按时 {on_time} 次×1 + 逾期 {late} 次×{lc} + 缺报 {missing} 次×0"
            f" = {_num(credited)} ÷ 应报 {due} 次 = {fmt(score, d)} 分",
        ),
        (
            f"{name_en}: on time {on_time}×1 + late {late}×{lc} + missing {missing}×0"
            f" = {_num(credited)} ÷ {due} due = {fmt(score, d)} points",
        ),
    )


def _quality(scheme: AssessmentScheme, facts: UnitFacts, d: int) -> _Raw:
    name_zh, name_en = Component.QUALITY.label("zh"), Component.QUALITY.label("en")
    made = facts.submissions_made
    if made == 0:
        return _Raw(
            None,
            (f"{name_zh}：本年度没有报送，本项缺项",),
            (f"{name_en}: nothing was submitted, component missing",),
        )
    per = facts.returns / made
    score = 100 * max(0.0, 1 - per / scheme.returns_for_zero)
    z = _num(scheme.returns_for_zero)
    return _Raw(
        score,
        (
            f"{name_zh}：退回 {facts.returns} 次 ÷ 报送 {made} 次 = 每次报送退回 {fmt(per, 4)} 次；"
            f"100 × (1 − {fmt(per, 4)} ÷ {z}) = {fmt(score, d)} 分",
            f"（平均每次报送退回 {z} 次及以上得 0 分）",
        ),
        (
            f"{name_en}: {facts.returns} returns ÷ {made} submissions = {fmt(per, 4)} per submission; "
            f"100 × (1 − {fmt(per, 4)} ÷ {z}) = {fmt(score, d)} points",
            f"({z} or more returns per submission on average scores 0)",
        ),
    )


def _supervision(facts: UnitFacts, d: int) -> _Raw:
    name_zh, name_en = Component.SUPERVISION.label("zh"), Component.SUPERVISION.label("en")
    due = facts.supervision_due
    if due == 0:
        return _Raw(
            None,
            (f"{name_zh}：本年度没有到期的督办事项，本项缺项",),
            (f"{name_en}: no supervision item fell due this year, component missing",),
        )
    closed = facts.supervision_closed_on_time
    score = 100 * closed / due
    return _Raw(
        score,
        (f"{name_zh}：按期办结 {closed} 项 ÷ 到期 {due} 项 = {fmt(score, d)} 分",),
        (f"{name_en}: {closed} closed on time ÷ {due} due = {fmt(score, d)} points",),
    )


def _satisfaction(facts: UnitFacts, d: int) -> _Raw:
    name_zh, name_en = Component.SATISFACTION.label("zh"), Component.SATISFACTION.label("en")
    if facts.satisfaction is None:
        return _Raw(
            None,
            (f"{name_zh}：暂无第三方测评结果，本项缺项",),
            (f"{name_en}: no third-party survey result, component missing",),
        )
    return _Raw(
        facts.satisfaction,
        (f"{name_zh}：第三方测评得分 {fmt(facts.satisfaction, d)} 分",),
        (f"{name_en}: third-party survey score {fmt(facts.satisfaction, d)} points",),
    )


def _raw(component: Component, scheme: AssessmentScheme, facts: UnitFacts) -> _Raw:
    d = scheme.decimals
    if component == Component.ACHIEVEMENT:
        return _achievement(scheme, facts, d)
    if component == Component.TIMELINESS:
        return _timeliness(scheme, facts, d)
    if component == Component.QUALITY:
        return _quality(scheme, facts, d)
    if component == Component.SUPERVISION:
        return _supervision(facts, d)
    return _satisfaction(facts, d)


# -------------------------------------------------------------------------------------------- the scoring


def score_unit(scheme: AssessmentScheme, facts: UnitFacts) -> UnitAssessment:
    """One unit's component scores, weighted total and trail under `scheme`, without a rank.

    A component without data (缺项) is left out and the remaining weights are scaled up in proportion so they
    again sum to 100; the trail says so. A unit with no data at all gets no total (and later no rank).
    """
    d = scheme.decimals
    weights = scheme.weights
    raws = {c: _raw(c, scheme, facts) for c in scheme.components}
    present_weight = sum(weights[c] for c, r in raws.items() if r.score is not None)
    # Too little data: score the components but give no total (and so no rank) rather than let re-normalising
    # blow one small component up to the whole assessment.
    enough = present_weight >= scheme.min_present_weight - _WEIGHT_TOLERANCE
    present = [c for c, r in raws.items() if r.score is not None] if enough else []
    missing = tuple(c for c, r in raws.items() if r.score is None)
    scale = 100 / present_weight if present else 0.0

    components: list[ComponentScore] = []
    exact_total = 0.0
    for c, raw in raws.items():
        if raw.score is None or not present:
            score = None if raw.score is None else round_half_up(raw.score, d)
            components.append(ComponentScore(c, weights[c], score, None, None, raw.zh, raw.en))
            continue
        effective = weights[c] * scale
        contribution = raw.score * effective / 100
        exact_total += contribution
        if missing:
            w_zh = f"{_pct(effective)}（原 {_pct(weights[c])}，按比例放大）"
            w_en = f"{_pct(effective)} (scheme {_pct(weights[c])}, scaled up)"
        else:
            w_zh = w_en = _pct(effective)
        first_zh = f"{raw.zh[0]} × 权重 {w_zh} = {fmt(contribution, d)} 分"
        first_en = f"{raw.en[0]} × weight {w_en} = {fmt(contribution, d)}"
        components.append(
            ComponentScore(
                c,
                weights[c],
                round_half_up(raw.score, d),
                effective,
                round_half_up(contribution, d),
                (first_zh, *raw.zh[1:]),
                (first_en, *raw.en[1:]),
            )
        )

    trail_zh: list[str] = [line for cs in components for line in cs.trail_zh]
    trail_en: list[str] = [line for cs in components for line in cs.trail_en]
    total: float | None = None
    if present and missing:
        names_zh = "、".join(c.label("zh") for c in missing)
        names_en = ", ".join(c.label("en") for c in missing)
        trail_zh.append(
            f"缺项处理：{names_zh}无数据，不计分；其余各项权重合计 {_pct(present_weight)}，"
            f"各乘以 100 ÷ {_num(present_weight)} 放大至合计 100%"
        )
        trail_en.append(
            f"Missing: {names_en} (no data, not scored); the other weights sum to {_pct(present_weight)} and are "
            f"each multiplied by 100 ÷ {_num(present_weight)} to sum to 100% again"
        )
    if present:
        total = round_half_up(exact_total, d)
        shown = [cs.contribution for cs in components if cs.contribution is not None]
        addends = " + ".join(fmt(x, d) for x in shown)
        note_zh = note_en = ""
        if round_half_up(sum(shown), d) != total:
            note_zh = "（各项加权得分四舍五入显示，总分由未舍入的各项相加后四舍五入，故可能相差0.01）"
            note_en = " (the parts are shown rounded; the total adds the unrounded parts, then rounds)"
        trail_zh.append(f"总分：{addends} = {fmt(total, d)} 分{note_zh}")
        trail_en.append(f"Total: {addends} = {fmt(total, d)}{note_en}")
    elif present_weight > 0:
        trail_zh.append(
            f"总分：有数据的各项权重合计仅 {_pct(present_weight)}，低于方案要求的 "
            f"{_pct(scheme.min_present_weight)}，不计总分、不参加排名"
        )
        trail_en.append(
            f"Total: the components with data weigh only {_pct(present_weight)}, below the scheme's "
            f"{_pct(scheme.min_present_weight)}; no total and no rank"
        )
    else:
        trail_zh.append("总分：各项均无数据，不计总分、不参加排名")
        trail_en.append("Total: no component has data; no total and no rank")

    return UnitAssessment(
        unit_code=facts.unit_code,
        unit_name=facts.unit_name,
        components=tuple(components),
        total=total,
        rank=None,
        missing=missing,
        trail_zh=tuple(trail_zh),
        trail_en=tuple(trail_en),
    )


def assess(scheme: AssessmentScheme, units: Iterable[UnitFacts]) -> AssessmentResults:
    """Score every unit and rank them by total (ties share a rank, "1224"); best first, unranked last.

    Ranks compare the published totals (rounded to the scheme's decimals), so two units shown with the same
    total share a rank. Units with equal rank are listed by unit code. A unit code listed twice is refused.
    """
    facts = list(units)
    codes = [f.unit_code for f in facts]
    if len(set(codes)) != len(codes):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        raise ValueError(f"unit listed twice: {', '.join(dupes)}")
    scored = [score_unit(scheme, f) for f in facts]
    ranks = competition_ranks([u.total for u in scored])
    ranked_count = sum(1 for r in ranks if r is not None)
    sharing: dict[int, list[str]] = {}
    for unit, rank in zip(scored, ranks, strict=True):
        if rank is not None:
            sharing.setdefault(rank, []).append(unit.unit_code)
    names = {u.unit_code: u.unit_name for u in scored}
    results: list[UnitAssessment] = []
    for unit, rank in zip(scored, ranks, strict=True):
        if rank is None:
            results.append(unit)
            continue
        peers = [names[code] for code in sharing[rank] if code != unit.unit_code]
        tie_zh = f"，与{'、'.join(peers)}并列" if peers else ""
        tie_en = f", tied with {', '.join(peers)}" if peers else ""
        results.append(
            _with_rank(
                unit,
                rank,
                f"名次：第 {rank} 名（共 {ranked_count} 个单位参加排名{tie_zh}）",
                f"Rank: {rank} of {ranked_count}{tie_en}",
            )
        )
    results.sort(key=lambda u: (u.rank is None, u.rank or 0, u.unit_code))
    return AssessmentResults(scheme=scheme, units=tuple(results))


def _with_rank(unit: UnitAssessment, rank: int, line_zh: str, line_en: str) -> UnitAssessment:
    return UnitAssessment(
        unit_code=unit.unit_code,
        unit_name=unit.unit_name,
        components=unit.components,
        total=unit.total,
        rank=rank,
        missing=unit.missing,
        trail_zh=(*unit.trail_zh, line_zh),
        trail_en=(*unit.trail_en, line_en),
    )


__all__ = [
    "CREDITED",
    "AssessmentResults",
    "AssessmentScheme",
    "Component",
    "ComponentScore",
    "UnitAssessment",
    "assess",
    "score_unit",
]
