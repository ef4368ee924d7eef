"""Setting up a year's ledger and splitting goals. Only the working-group office may do this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from minsheng.audit.services import audit_record
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Commitment, Policy, Target

from ..access import is_office
from ..domain.approval import Level
from ..domain.periods import Frequency
from ..domain.splits import SplitWarning, check_adds_up, split_even
from ..domain.validation import MEANING_FOR_KIND, ValueMeaning
from ..models import DueRule, GoalShare, LedgerItem, LedgerYear, LedgerYearStatus, Milestone, YearlyGoal
from .errors import ReportingError


@dataclass(frozen=True)
class SplitResult:
    parts: dict[str, Decimal]
    warning: SplitWarning | None


def _require_office(actor: Any, action: str) -> None:
    if actor is not None and not is_office(actor):
        audit_record(actor=actor, action=action, outcome="denied")
        raise PermissionDenied("只有专班办公室可以设置年度台帐")


def _item_for_target(year: LedgerYear, target: Target, goals: dict[int, Decimal], order: int) -> LedgerItem:
    meaning = MEANING_FOR_KIND.get(target.kind, ValueMeaning.LEVEL)
    if target.kind == "cumulative":
        goal = goals.get(target.pk)
        goal_max = None
    else:
        goal, goal_max = target.value, target.value_max
    return LedgerItem(
        ledger_year=year,
        target=target,
        code=target.code,
        title=target.indicator,
        goal_value=goal,
        goal_value_max=goal_max,
        comparator=target.comparator,
        unit_label=target.unit,
        lead_unit=target.lead_unit,
        deadline=min(target.deadline, dt.date(year.year, 12, 31)),
        frequency=Frequency.QUARTERLY,
        value_meaning=meaning,
        allow_negative=target.kind == "annual_change",
        sort_order=order,
    )


def ledger_year_create(*, actor: Any, policy: Policy, year: int) -> LedgerYear:
    """Create a year's ledger (draft) with one item per target and per commitment of the catalog.

    Cumulative targets take the year's goal from the plan split (empty until the office splits them);
    other targets take the catalog value. Commitments get a year-end milestone.
    """
    _require_office(actor, "reporting.ledger_year_create")
    if not 2000 <= year <= 2100:
        raise ReportingError("年度不正确")
    if LedgerYear.objects.filter(policy=policy, year=year).exists():
        raise ReportingError(f"{year}年度台帐已存在")
    targets = list(
        Target.objects.filter(task__policy=policy)
        .select_related("task")
        .prefetch_related("co_units")
        .order_by("task__code", "code")
    )
    commitments = list(
        Commitment.objects.filter(task__policy=policy)
        .select_related("task")
        .prefetch_related("co_units")
        .order_by("task__code", "code")
    )
    goals = dict(
        YearlyGoal.objects.filter(target__task__policy=policy, year=year).values_list("target", "value")
    )
    with transaction.atomic():
        ledger_year = LedgerYear.objects.create(policy=policy, year=year)
        DueRule.objects.create(ledger_year=ledger_year)
        items = [_item_for_target(ledger_year, t, goals, n) for n, t in enumerate(targets)]
        for n, c in enumerate(commitments, start=len(items)):
            items.append(
                LedgerItem(
                    ledger_year=ledger_year,
                    commitment=c,
                    code=c.code,
                    title=c.title,
                    lead_unit=c.lead_unit,
                    deadline=min(c.deadline, dt.date(year, 12, 31)),
                    frequency=Frequency.QUARTERLY,
                    value_meaning=ValueMeaning.NONE,
                    sort_order=n,
                )
            )
        created = LedgerItem.objects.bulk_create(items)
        sources: list[Target | Commitment] = [*targets, *commitments]
        through = LedgerItem.co_units.through
        through.objects.bulk_create(
            [
                through(ledgeritem_id=item.pk, unit_id=unit.pk)
                for item, source in zip(created, sources, strict=True)
                for unit in source.co_units.all()
            ]
        )
        Milestone.objects.bulk_create(
            [
                Milestone(item=item, title=f"{year}年度工作任务完成", due_on=item.deadline)
                for item in created
                if item.commitment_id is not None
            ]
        )
        audit_record(
            actor=actor,
            action="reporting.ledger_year_create",
            target=ledger_year,
            detail={"year": year, "items": len(created)},
        )
    return ledger_year


def ledger_year_publish(*, actor: Any, ledger_year: LedgerYear) -> LedgerYear:
    """Publish a year: units see its items and start reporting."""
    _require_office(actor, "reporting.ledger_year_publish")
    with transaction.atomic():
        ledger_year.status = LedgerYearStatus.PUBLISHED
        ledger_year.save(update_fields=["status"])
        audit_record(actor=actor, action="reporting.ledger_year_publish", target=ledger_year)
    return ledger_year


def ledger_split_plan_target(
    *, actor: Any, target: Target, mode: Literal["even"] | Mapping[int, Decimal] = "even"
) -> SplitResult:
    """Split a plan-period (2021–2025) cumulative target into yearly goals.

    `mode="even"` divides evenly (the last year takes the rounding remainder); a mapping sets each year by
    hand and is saved even when it does not add up, with a warning saying by how much.
    """
    _require_office(actor, "reporting.ledger_split_plan_target")
    if target.kind != "cumulative":
        raise ReportingError("只有规划期累计目标需要分解到年度")
    policy = target.task.policy
    years = [str(y) for y in range(policy.plan_start_year, policy.plan_end_year + 1)]
    if mode == "even":
        parts = split_even(target.value, years)
    else:
        parts = {str(y): Decimal(v) for y, v in dict(mode).items()}
        unknown = set(parts) - set(years)
        if unknown:
            raise ReportingError(f"年度超出规划期：{'、'.join(sorted(unknown))}")
        if any(v < 0 for v in parts.values()):
            raise ReportingError("年度目标不能为负数")
    warning = check_adds_up(target.value, parts)
    with transaction.atomic():
        YearlyGoal.objects.filter(target=target).exclude(year__in=[int(y) for y in parts]).delete()
        for y, value in parts.items():
            YearlyGoal.objects.update_or_create(target=target, year=int(y), defaults={"value": value})
            LedgerItem.objects.filter(target=target, ledger_year__year=int(y)).update(goal_value=value)
        audit_record(
            actor=actor,
            action="reporting.ledger_split_plan_target",
            target=target,
            detail={"parts": {k: str(v) for k, v in parts.items()}, "adds_up": warning is None},
        )
    return SplitResult(parts=parts, warning=warning)


def ledger_split_districts(
    *, actor: Any, item: LedgerItem, shares: Literal["even"] | Mapping[str, Decimal] = "even"
) -> SplitResult:
    """Split an item's city goal into district (and functional-zone) shares, keyed by unit code.

    Saved even when the shares do not add up to the goal; the warning says by how much.
    """
    _require_office(actor, "reporting.ledger_split_districts")
    if item.goal_value is None:
        raise ReportingError("该事项尚无年度目标，请先分解规划期目标")
    districts = {u.code: u for u in Unit.objects.filter(kind__in=(UnitKind.DISTRICT, UnitKind.ZONE))}
    if shares == "even":
        parts = split_even(item.goal_value, sorted(districts))
    else:
        parts = {str(k): Decimal(v) for k, v in dict(shares).items()}
        unknown = set(parts) - set(districts)
        if unknown:
            raise ReportingError(f"不是区或功能区：{'、'.join(sorted(unknown))}")
        if any(v < 0 for v in parts.values()):
            raise ReportingError("分解目标不能为负数")
    warning = check_adds_up(item.goal_value, parts)
    with transaction.atomic():
        GoalShare.objects.filter(item=item).delete()
        GoalShare.objects.bulk_create(
            [GoalShare(item=item, unit=districts[code], value=v) for code, v in parts.items()]
        )
        if Level.DISTRICT.value not in item.approval_chain:
            item.approval_chain = [Level.DISTRICT.value, *item.approval_chain]
            item.save(update_fields=["approval_chain"])
        audit_record(
            actor=actor,
            action="reporting.ledger_split_districts",
            target=item,
            detail={"shares": {k: str(v) for k, v in parts.items()}, "adds_up": warning is None},
        )
    return SplitResult(parts=parts, warning=warning)


def ledger_item_update(
    *,
    actor: Any,
    item: LedgerItem,
    plan_text: str | None = None,
    frequency: str | None = None,
    approval_chain: list[str] | None = None,
    due_rule: tuple[int, int] | None = None,
) -> LedgerItem:
    """Change an item's plan text, reporting frequency, approval chain or its own due-date rule."""
    _require_office(actor, "reporting.ledger_item_update")
    fields: list[str] = []
    if plan_text is not None:
        item.plan_text, fields = plan_text[:5000], [*fields, "plan_text"]
    if frequency is not None:
        item.frequency, fields = Frequency(frequency).value, [*fields, "frequency"]
    if approval_chain is not None:
        chain = [Level(c).value for c in approval_chain]
        if not chain or len(set(chain)) != len(chain) or Level.OFFICE.value not in chain:
            raise ReportingError("审核链必须包含专班办公室，且层级不能重复")
        order = [lv.value for lv in Level]
        item.approval_chain, fields = sorted(chain, key=order.index), [*fields, "approval_chain"]
    with transaction.atomic():
        if fields:
            item.save(update_fields=fields)
        if due_rule is not None:
            months_after, day = due_rule
            DueRule.objects.update_or_create(
                ledger_year=item.ledger_year, item=item, defaults={"months_after": months_after, "day": day}
            )
        audit_record(
            actor=actor,
            action="reporting.ledger_item_update",
            target=item,
            detail={"fields": fields, "due_rule": list(due_rule) if due_rule else None},
        )
    return item


def milestone_add(*, actor: Any, item: LedgerItem, title: str, due_on: dt.date) -> Milestone:
    _require_office(actor, "reporting.milestone_add")
    with transaction.atomic():
        milestone = Milestone.objects.create(item=item, title=title[:200], due_on=due_on)
        audit_record(actor=actor, action="reporting.milestone_add", target=item, detail={"title": title})
    return milestone
