"""Approved reports feed the progress engine: the one bridge from reporting to progress.

The progress engine judges only approved data. When a submission reaches final approval (or a published
figure is loaded as an approved city report), its number becomes an `progress.Observation` through
`progress.services.observation_upsert`. Reporting depends on progress here; progress never imports reporting.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from minsheng.org.models import Unit, UnitKind
from minsheng.progress.domain import TargetKind
from minsheng.progress.models import AccumulationKind, Observation
from minsheng.progress.models import SourceKind as ProgressSource
from minsheng.progress.services import observation_upsert

from ..domain.approval import Status
from ..domain.periods import parse_period
from ..domain.validation import ValueMeaning
from ..models import Comparability, SourceKind, Submission


def _area_unit(unit: Unit) -> Unit:
    """Progress values belong to areas: a department's report is the city's figure."""
    area = unit
    while area.kind == UnitKind.DEPARTMENT and area.parent is not None:
        area = area.parent
    return area


def _year_to_date_before(submission: Submission) -> Decimal | None:
    """The latest approved year-to-date value of the same item and unit earlier in the same year."""
    period = parse_period(submission.period_key)
    earlier = (
        Submission.objects.filter(
            item=submission.item,
            unit=submission.unit,
            is_current=True,
            status=Status.APPROVED,
            value__isnull=False,
        )
        .exclude(pk=submission.pk)
        .only("period_key", "value")
    )
    candidates = [
        (p.end, other.value)
        for other in earlier
        if other.value is not None
        and (p := parse_period(other.period_key)).year == period.year
        and p.end < period.end
    ]
    return max(candidates)[1] if candidates else None


def _accumulation_and_value(submission: Submission, kind: str) -> tuple[str, float]:
    """Translate the report's value meaning into the engine's accumulation.

    Reports carry year-to-date totals (本年累计) or the period's own amount (本期新增). A plan-period
    cumulative target needs each period's amount, so a year-to-date figure becomes the increase since the
    previous approved figure of the same year; a yearly target keeps its year-to-date total.
    """
    assert submission.value is not None
    value = submission.value
    meaning = submission.value_meaning
    if kind == TargetKind.CUMULATIVE:
        if meaning == ValueMeaning.RUNNING_TOTAL:
            before = _year_to_date_before(submission)
            value = value - before if before is not None else value
        return AccumulationKind.PER_PERIOD, float(value)
    if kind == TargetKind.ANNUAL:
        if meaning == ValueMeaning.PERIOD_AMOUNT:
            return AccumulationKind.PER_PERIOD, float(value)
        return AccumulationKind.RUNNING_TOTAL, float(value)
    return AccumulationKind.LEVEL, float(value)


def observation_from_submission(*, actor: Any, submission: Submission) -> Observation | None:
    """Record an approved, current, numeric, comparable report as a progress observation; None otherwise.

    Synthetic demo reports are skipped (progress keeps its own synthetic history); values published on a
    different basis (comparable = no) are context only and never become the indicator's value.
    """
    item = submission.item
    if (
        submission.status != Status.APPROVED
        or not submission.is_current
        or submission.value is None
        or item.target_id is None
        or submission.comparable == Comparability.NO
        or submission.source_kind == SourceKind.SYNTHETIC
    ):
        return None
    target = item.target
    assert target is not None
    accumulation, value = _accumulation_and_value(submission, target.kind)
    real = submission.source_kind == SourceKind.REAL
    return observation_upsert(
        actor=actor,
        target=target,
        unit=_area_unit(submission.unit),
        period_end=parse_period(submission.period_key).end,
        value=value,
        accumulation=accumulation,
        source_kind=ProgressSource.REAL if real else ProgressSource.REPORTED,
        source_ref=submission.source_url if real and submission.source_url else f"submission:{submission.pk}",
        source_note=submission.source_quote
        if real
        else f"{submission.unit.name} {submission.period_key} 审定",
        approved_at=timezone.now(),
        reported_at=submission.submitted_at,
        due_on=submission.due_on,
    )
