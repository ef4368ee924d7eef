"""The annual assessment (考核) from the database: facts per unit, the year's scheme, scoped results, export.

Where each fact comes from (docs/domain/assessment.md § 8):

- achievement: a district's or zone's own statuses at the year end (31 December; rows or blocks, through
  `statusstore`); a city department is judged on the city-level statuses of the targets it leads
  (`Target.lead_unit`, else the task's lead unit);
- reporting: every report slot (ledger item × reporting unit × period) whose due date falls in the year and
  has passed — slots come from the published ledgers (their periods and due rules) and from any `Submission`
  row due in the year; a slot is on time when its first submission's `submitted_at` (local time) falls on or
  before the due date, late when after, missing when never submitted; a street's report counts for its
  district;
- returns: `ApprovalStep` rows with action "return" on those slots' submissions (every version);
- supervision: there is no supervision app yet, so every unit has 0 items due and the component is missing
  (its weight is re-normalised away; the screen says so);
- satisfaction: `SatisfactionScore` for the year when the evaluator entered one, else missing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from minsheng.audit.services import audit_record
from minsheng.org.access import roles_of, unit_scope
from minsheng.org.models import Role, Unit, UnitKind
from minsheng.policy.models import Target
from minsheng.policy.selectors import default_policy
from minsheng.reporting.access import reporting_units
from minsheng.reporting.domain.approval import Action
from minsheng.reporting.domain.periods import periods_of_year
from minsheng.reporting.models import ApprovalStep, GoalShare, LedgerItem, Submission
from minsheng.reporting.selectors import due_rule_for, due_rules_of

from . import statusstore
from .briefing import write_assessment_xlsx
from .domain import Status
from .domain.assessment import AssessmentResults, assess
from .domain.assessment import AssessmentScheme as DomainScheme
from .domain.scorecard import Metric, RankingRow, Scorecard, rankings, scorecards
from .domain.unitfacts import TargetFact, UnitFacts
from .models import AssessmentScheme, SatisfactionScore
from .selectors import city_unit

SCHEME_ROLES = frozenset({Role.OFFICE})
SATISFACTION_ROLES = frozenset({Role.EVALUATOR})
YEARS = range(2000, 2101)


# ------------------------------------------------------------------------------------------------ facts


def assessed_units() -> list[Unit]:
    """The units assessed: the city's districts and zones, then the city departments that lead a target."""
    city = city_unit()
    if city is None:
        return []
    areas = list(
        Unit.objects.filter(parent=city, kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]).order_by(
            "sort_order", "code"
        )
    )
    policy = default_policy()
    lead_ids: set[int] = set()
    if policy is not None:
        for lead, task_lead in Target.objects.filter(task__policy=policy).values_list(
            "lead_unit_id", "task__lead_unit_id"
        ):
            if lead or task_lead:
                lead_ids.add(lead or task_lead)
    departments = list(
        Unit.objects.filter(id__in=lead_ids, kind=UnitKind.DEPARTMENT).order_by("sort_order", "code")
    )
    return [*areas, *departments]


def _score(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) and -5 <= value <= 5 else None


def _target_facts(year: int, units: list[Unit]) -> dict[int, list[TargetFact]]:
    as_of = date(year, 12, 31)
    city = city_unit()
    policy = default_policy()
    out: dict[int, list[TargetFact]] = {u.id: [] for u in units}
    if city is None or policy is None:
        return out
    targets = {
        t.id: t for t in Target.objects.filter(task__policy=policy).select_related("task").order_by("code")
    }
    departments = {u.id for u in units if u.kind == UnitKind.DEPARTMENT}
    areas = [u.id for u in units if u.id not in departments]
    found = statusstore.at(as_of, unit_ids=[*areas, city.id], target_ids=list(targets))
    for s in sorted(found, key=lambda s: (s.target_id, s.unit_id)):
        target = targets[s.target_id]
        fact = TargetFact(code=target.code, status=Status(s.status), score=_score(s.score))
        unit_id = s.unit_id
        if unit_id == city.id:
            lead = target.lead_unit_id or target.task.lead_unit_id
            if lead in departments:
                out[lead].append(fact)
        else:
            out[unit_id].append(fact)
    return out


@dataclass
class _Slot:
    unit_id: int
    due_on: date
    submission_ids: list[int]
    first_submitted: datetime | None = None


def _slots(year: int, today: date) -> dict[tuple[int, int, str], _Slot]:
    """Every report slot due in `year` up to `today`: from the published ledgers and from submissions."""
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    slots: dict[tuple[int, int, str], _Slot] = {}
    items = (
        LedgerItem.objects.filter(ledger_year__year__in=(year - 1, year), ledger_year__status="published")
        .select_related("ledger_year", "lead_unit")
        .prefetch_related(Prefetch("shares", queryset=GoalShare.objects.select_related("unit")))
    )
    rules_by_year: dict[int, Any] = {}
    for item in items:
        ly = item.ledger_year
        if ly.id not in rules_by_year:
            rules_by_year[ly.id] = due_rules_of(ly)
        rule = due_rule_for(item, rules_by_year[ly.id])
        for period in periods_of_year(ly.year, item.frequency):
            due = period.due_on(rule)
            if start <= due <= end:
                for unit in reporting_units(item):
                    slots[(item.id, unit.id, period.key)] = _Slot(unit.id, due, [])
    for sub_id, item_id, unit_id, key, due, submitted_at in Submission.objects.filter(
        due_on__gte=start, due_on__lte=end
    ).values_list("id", "item_id", "unit_id", "period_key", "due_on", "submitted_at"):
        slot = slots.setdefault((item_id, unit_id, key), _Slot(unit_id, due, []))
        slot.submission_ids.append(sub_id)
        if submitted_at is not None and (slot.first_submitted is None or submitted_at < slot.first_submitted):
            slot.first_submitted = submitted_at
    return slots


def _owner_of(unit_path: str, owners: list[Unit]) -> Unit | None:
    for owner in owners:
        if unit_path.startswith(owner.path):
            return owner
    return None


def unit_facts_for(year: int, *, today: date | None = None) -> list[UnitFacts]:
    """Every assessed unit's facts for `year` (see the module docstring for the sources); `today` bounds
    what is already due (default: the local date)."""
    today = today or timezone.localdate()
    units = assessed_units()
    targets = _target_facts(year, units)
    slots = _slots(year, today)
    paths = dict(Unit.objects.filter(id__in={s.unit_id for s in slots.values()}).values_list("id", "path"))
    # the deepest owner first, so a department inside another unit's path is not swallowed
    owners = sorted(units, key=lambda u: -len(u.path))
    on_time: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    missing: dict[int, int] = defaultdict(int)
    returns: dict[int, int] = defaultdict(int)
    owner_of_submission: dict[int, int] = {}
    for slot in slots.values():
        owner = _owner_of(paths.get(slot.unit_id, ""), owners)
        if owner is None:
            continue
        for sub_id in slot.submission_ids:
            owner_of_submission[sub_id] = owner.id
        if slot.first_submitted is None:
            missing[owner.id] += 1
        elif timezone.localtime(slot.first_submitted).date() <= slot.due_on:
            on_time[owner.id] += 1
        else:
            late[owner.id] += 1
    for sub_id in ApprovalStep.objects.filter(
        action=Action.RETURN.value, submission_id__in=list(owner_of_submission)
    ).values_list("submission_id", flat=True):
        returns[owner_of_submission[sub_id]] += 1
    satisfaction = dict(SatisfactionScore.objects.filter(year=year).values_list("unit_id", "score"))
    return [
        UnitFacts(
            unit_code=u.code,
            unit_name=u.name,
            targets=tuple(targets[u.id]),
            submissions_on_time=on_time[u.id],
            submissions_late=late[u.id],
            submissions_missing=missing[u.id],
            returns=returns[u.id],
            supervision_due=0,
            supervision_closed_on_time=0,
            satisfaction=satisfaction.get(u.id),
        )
        for u in units
    ]


# ------------------------------------------------------------------------------------------------ scheme


def scheme_for(year: int) -> DomainScheme:
    """The year's scheme as stored, else the default scheme (40/20/15/15/10)."""
    row = AssessmentScheme.objects.filter(year=year).first()
    return row.to_domain() if row else DomainScheme(year=year)


def can_edit_scheme(user: Any) -> bool:
    return bool(roles_of(user) & SCHEME_ROLES)


def can_enter_satisfaction(user: Any) -> bool:
    return bool(roles_of(user) & SATISFACTION_ROLES)


def scheme_save(*, actor: Any, year: int, values: dict[str, Any]) -> AssessmentScheme:
    """Create or change the year's scheme (the office only); ValueError when the rules are broken."""
    if not can_edit_scheme(actor):
        audit_record(actor=actor, action="progress.assessment_scheme_save", outcome="denied")
        raise PermissionDenied
    with transaction.atomic():
        row = AssessmentScheme.objects.select_for_update().filter(year=year).first() or AssessmentScheme(
            year=year
        )
        before = {f: getattr(row, f) for f in AssessmentScheme.FIELDS}
        for name in AssessmentScheme.FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.to_domain()
        row.save()
        audit_record(
            actor=actor,
            action="progress.assessment_scheme_save",
            target=row,
            detail={
                "year": year,
                "changed": {
                    f: getattr(row, f) for f in AssessmentScheme.FIELDS if getattr(row, f) != before[f]
                },
            },
        )
    return row


def satisfaction_set(*, actor: Any, year: int, unit: Unit, score: float, source: str) -> SatisfactionScore:
    """Record a unit's third-party score for a year (the evaluator only)."""
    if not can_enter_satisfaction(actor):
        audit_record(actor=actor, action="progress.satisfaction_set", outcome="denied")
        raise PermissionDenied
    if not (math.isfinite(score) and 0 <= score <= 100):
        raise ValueError("测评得分应在0—100之间")
    with transaction.atomic():
        row, _ = SatisfactionScore.objects.update_or_create(
            year=year, unit=unit, defaults={"score": score, "source": source, "entered_by": actor}
        )
        audit_record(
            actor=actor,
            action="progress.satisfaction_set",
            target=row,
            detail={"year": year, "unit": unit.code, "score": score, "source": source},
        )
    return row


# ------------------------------------------------------------------------------------------------ reads


@dataclass(frozen=True)
class AssessmentView:
    """What one user may see of a year's assessment: the ranked results (ranks computed over every unit),
    the scorecards and per-metric rankings, each cut down to the units in the user's scope."""

    year: int
    results: AssessmentResults
    cards: tuple[Scorecard, ...]
    rankings: dict[Metric, tuple[RankingRow, ...]]
    everything: bool


def assessment_for_user(user: Any, year: int, *, today: date | None = None) -> AssessmentView | None:
    """The year's assessment as `user` may see it; None for an account that sees no unit at all."""
    scope = unit_scope(user)
    if not scope.everything and not scope.paths:
        return None
    facts = unit_facts_for(year, today=today)
    results = assess(scheme_for(year), facts)
    cards = scorecards(facts)
    ranked = rankings(cards)
    if scope.everything:
        return AssessmentView(year, results, cards, ranked, True)
    visible = {
        u.code for u in Unit.objects.filter(code__in=[f.unit_code for f in facts]) if scope.contains(u)
    }
    return AssessmentView(
        year,
        AssessmentResults(
            scheme=results.scheme, units=tuple(u for u in results.units if u.unit_code in visible)
        ),
        tuple(c for c in cards if c.unit_code in visible),
        {m: tuple(r for r in rows if r.unit_code in visible) for m, rows in ranked.items()},
        False,
    )


def assessment_export(*, actor: Any, view: AssessmentView, path: Path) -> Path:
    """Write what `view` shows to .xlsx (write_assessment_xlsx) and audit the export."""
    written = write_assessment_xlsx(view.results, path)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="progress.assessment_export",
            object_ref=("assessment", str(view.year)),
            detail={"year": view.year, "units": len(view.results.units), "format": "xlsx"},
        )
    return written


__all__ = [
    "AssessmentView",
    "assessed_units",
    "assessment_export",
    "assessment_for_user",
    "can_edit_scheme",
    "can_enter_satisfaction",
    "satisfaction_set",
    "scheme_for",
    "scheme_save",
    "unit_facts_for",
]
