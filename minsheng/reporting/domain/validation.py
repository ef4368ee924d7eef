"""Validation of a reported value: pure functions returning Chinese messages bound to form fields.

Each rule is its own function so it can be tested alone and named in docs/domain/reporting.md; `validate`
runs them in order and stops at the first error of the `value` field that makes later rules meaningless
(a value that is not a number cannot be out of range).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class ValueMeaning(StrEnum):
    RUNNING_TOTAL = "running_total"  # 本年累计：year-to-date total, never goes down within a year
    PERIOD_AMOUNT = "period_amount"  # 本期新增：the amount in the period alone
    LEVEL = "level"  # 期末水平：a rate, a count held, a time
    NONE = "none"  # 定性事项：no number, the narrative is the report


MEANING_LABELS_ZH = {
    ValueMeaning.RUNNING_TOTAL: "本年累计值",
    ValueMeaning.PERIOD_AMOUNT: "本期新增值",
    ValueMeaning.LEVEL: "期末水平值",
    ValueMeaning.NONE: "定性事项（无需数值）",
}

# Target kinds (policy.domain.vocab.TargetKind values) → what a reported value means.
MEANING_FOR_KIND = {
    "cumulative": ValueMeaning.RUNNING_TOTAL,
    "annual": ValueMeaning.RUNNING_TOTAL,
    "annual_change": ValueMeaning.LEVEL,
    "level": ValueMeaning.LEVEL,
    "per_unit": ValueMeaning.LEVEL,
    "circle": ValueMeaning.LEVEL,
}

# Units whose values are shares: never above 100.
PERCENT_UNITS = frozenset({"%", "％", "百分比"})
# Modified z-score above which a value is an outlier (Iglewicz and Hoaglin's 3.5).
OUTLIER_Z = Decimal("3.5")
OUTLIER_MIN_HISTORY = 4
MAX_ABS_VALUE = Decimal("1e12")


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


@dataclass(frozen=True)
class ValueContext:
    """What the rules need to know about the item and the unit's earlier reports.

    `previous_running_total` is the unit's value for the previous period of the same year (running totals
    only). `history` holds earlier comparable values (period amounts or levels), oldest first.
    """

    unit: str
    meaning: ValueMeaning
    goal: Decimal | None = None
    allow_negative: bool = False
    previous_running_total: Decimal | None = None
    history: Sequence[Decimal] = field(default_factory=tuple)


@dataclass(frozen=True)
class ValidationResult:
    value: Decimal | None
    errors: tuple[FieldError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e.message)
        return out


def parse_value(raw: str | int | float | Decimal | None) -> Decimal | FieldError | None:
    """The entered text as a Decimal, None when blank, or a `type` error (thousands separators allowed)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return FieldError("value", "type", "请输入数字")
    if isinstance(raw, Decimal | int | float):
        text = str(raw)
    else:
        text = raw.strip().replace(",", "").replace("，", "").replace(" ", "")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return FieldError("value", "type", "请输入数字，例如 22 或 3.5（不要带单位或文字）")
    if not value.is_finite() or abs(value) >= MAX_ABS_VALUE:
        return FieldError("value", "type", "请输入有效的数字")
    return value


def check_range(value: Decimal, ctx: ValueContext) -> FieldError | None:
    """Counts are never negative; percentages lie between 0 and 100."""
    if value < 0 and not ctx.allow_negative:
        return FieldError("value", "range", "数值不能为负数")
    if ctx.unit in PERCENT_UNITS and value > 100:
        return FieldError("value", "range", "百分比不能超过100")
    return None


def check_magnitude(value: Decimal, ctx: ValueContext) -> FieldError | None:
    """A value ≥ 10,000 × the goal when the unit is 万… was almost surely entered in the base unit."""
    if not ctx.unit.startswith("万") or ctx.goal is None or ctx.goal <= 0 or len(ctx.unit) < 2:
        return None
    if value >= ctx.goal * 10000:
        base = ctx.unit[1:]
        return FieldError("value", "unit", f"疑似按“{base}”填报，单位应为“{ctx.unit}”")
    return None


def check_running_total(value: Decimal, ctx: ValueContext) -> FieldError | None:
    """A year-to-date total may not fall below the previous period's total."""
    if ctx.meaning != ValueMeaning.RUNNING_TOTAL or ctx.previous_running_total is None:
        return None
    if value < ctx.previous_running_total:
        prev = format(ctx.previous_running_total.normalize(), "f")
        return FieldError("value", "decrease", f"本年累计值不能小于上期累计值（上期为 {prev}{ctx.unit}）")
    return None


def robust_z(value: Decimal, history: Sequence[Decimal]) -> Decimal | None:
    """The modified z-score of `value` against `history` (median and median absolute deviation).

    When the MAD is 0 the mean absolute deviation is used (× 1.2533, its consistency constant); when that
    is 0 too, any other value is infinitely far (returned as a large number) and an equal one scores 0.
    None when the history is shorter than OUTLIER_MIN_HISTORY.
    """
    if len(history) < OUTLIER_MIN_HISTORY:
        return None
    med = Decimal(statistics.median(history))
    deviations = [abs(h - med) for h in history]
    mad = Decimal(statistics.median(deviations))
    if mad > 0:
        return Decimal("0.6745") * abs(value - med) / mad
    mean_ad = sum(deviations, Decimal(0)) / len(deviations)
    if mean_ad > 0:
        return abs(value - med) / (Decimal("1.253314") * mean_ad)
    return Decimal(0) if value == med else Decimal("1e9")


def check_outlier(value: Decimal, ctx: ValueContext, reason: str) -> FieldError | None:
    """An outlier against earlier periods is accepted only with a stated reason."""
    z = robust_z(value, ctx.history)
    if z is None or z <= OUTLIER_Z or reason.strip():
        return None
    return FieldError(
        "outlier_reason",
        "outlier",
        "该数值与以往各期相比明显异常，请核对；如确属实，请在“异常说明”中写明原因",
    )


def validate(
    raw_value: str | int | float | Decimal | None,
    ctx: ValueContext,
    *,
    outlier_reason: str = "",
    require_value: bool = True,
) -> ValidationResult:
    """Run every rule; `require_value=False` for drafts (a blank value is fine until submission)."""
    parsed = parse_value(raw_value)
    if isinstance(parsed, FieldError):
        return ValidationResult(None, (parsed,))
    if parsed is None:
        if require_value and ctx.meaning != ValueMeaning.NONE:
            return ValidationResult(None, (FieldError("value", "required", "请填写本期数值"),))
        return ValidationResult(None, ())
    errors: list[FieldError] = []
    for rule in (check_range, check_magnitude, check_running_total):
        error = rule(parsed, ctx)
        if error is not None:
            errors.append(error)
            break
    if not errors:
        # A running total grows by design: judge the period's amount, not the total.
        candidate = parsed
        if ctx.meaning == ValueMeaning.RUNNING_TOTAL:
            candidate = parsed - (ctx.previous_running_total or Decimal(0))
        outlier = check_outlier(candidate, ctx, outlier_reason)
        if outlier is not None:
            errors.append(outlier)
    return ValidationResult(parsed, tuple(errors))


def period_amounts(running_totals: Sequence[Decimal]) -> list[Decimal]:
    """Turn one year's running totals (in period order) into the amounts of each period."""
    out: list[Decimal] = []
    previous = Decimal(0)
    for total in running_totals:
        out.append(total - previous)
        previous = total
    return out
