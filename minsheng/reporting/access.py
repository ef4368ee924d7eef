"""Who may see and do what in reporting. Every read goes through `org.access.unit_scope`.

A report is visible to the units above the reporting unit (its subtree's scope) and to the ledger item's
lead department (which reviews it); city-wide roles see everything. Objects outside answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from minsheng.org.access import assignments, unit_scope
from minsheng.org.models import Role, RoleAssignment, Unit, UnitKind

from .domain.approval import Actor, Level
from .models import Evidence, GoalShare, LedgerImport, LedgerItem, LedgerYear, Submission

DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.ZONE)


def _assignments(user: Any) -> list[RoleAssignment]:
    """The user's role assignments with their units (the one per-request load in `org.access`)."""
    return assignments(user)


def has_role(user: Any, role: str) -> bool:
    return any(ra.role == role for ra in _assignments(user))


def is_office(user: Any) -> bool:
    """The working-group office (专班办公室): sets up and publishes ledger years, gives final approval."""
    return has_role(user, Role.OFFICE)


def role_units(user: Any, role: str) -> list[Unit]:
    return [ra.unit for ra in _assignments(user) if ra.role == role]


def ledger_years_visible_to(user: Any) -> QuerySet[LedgerYear]:
    """Published years for everyone signed in; drafts only for the office."""
    if not getattr(user, "is_authenticated", False):
        return LedgerYear.objects.none()
    qs = LedgerYear.objects.select_related("policy").order_by("-year")
    return qs if is_office(user) else qs.filter(status="published")


def items_visible_to(user: Any) -> QuerySet[LedgerItem]:
    """Items whose lead unit, a co-unit or a share's district lies in the caller's scope."""
    scope = unit_scope(user)
    qs = LedgerItem.objects.filter(ledger_year__in=ledger_years_visible_to(user))
    if scope.everything:
        return qs
    if not scope.paths:
        return qs.none()
    # Three independent IN-subqueries, not one OR over a join of items × co-units × shares: that join is every
    # share of every item (≈ 230,000 rows for a city shared down to its communities) and was the largest
    # single cost in the database during the deadline soak (loadtest: pg_stat_activity sampling).
    co_unit_items = LedgerItem.co_units.through.objects.filter(scope.q_in("unit")).values("ledgeritem_id")
    share_items = GoalShare.objects.filter(scope.q_in("unit")).values("item_id")
    return qs.filter(scope.q_in("lead_unit") | Q(pk__in=co_unit_items) | Q(pk__in=share_items))


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    """Reports by units in the caller's scope, and reports on items the caller's units lead."""
    scope = unit_scope(user)
    qs = Submission.objects.filter(item__ledger_year__in=ledger_years_visible_to(user))
    if scope.everything:
        return qs
    if not scope.paths:
        return qs.none()
    led_items = LedgerItem.objects.filter(scope.q_in("lead_unit")).values("pk")
    return qs.filter(scope.q_in("unit") | Q(item__in=led_items))


def get_item_for_user_or_404(user: Any, pk: int) -> LedgerItem:
    item = (
        items_visible_to(user)
        .select_related("ledger_year", "ledger_year__policy", "lead_unit", "target", "commitment")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("台帐事项不存在")
    return item


def get_submission_for_user_or_404(user: Any, pk: int) -> Submission:
    sub = (
        submissions_visible_to(user)
        .select_related("item", "item__ledger_year", "item__lead_unit", "unit", "created_by", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if sub is None:
        raise Http404("报送不存在")
    return sub


def get_evidence_for_user_or_404(user: Any, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(submission__in=submissions_visible_to(user), pk=pk)
        .select_related("submission")
        .first()
    )
    if evidence is None:
        raise Http404("文件不存在")
    return evidence


def get_import_for_user_or_404(user: Any, pk: int) -> LedgerImport:
    """A ledger import is seen only by the person who uploaded it (its errors echo their file)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("导入记录不存在")
    job = LedgerImport.objects.filter(pk=pk, actor=user).select_related("ledger_year").first()
    if job is None:
        raise Http404("导入记录不存在")
    return job


def _shares_cached(item: LedgerItem) -> list[Any] | None:
    cache: dict[str, Any] = getattr(item, "_prefetched_objects_cache", {})
    return list(cache["shares"]) if "shares" in cache else None


def reporting_units(item: LedgerItem) -> list[Unit]:
    """Who reports on an item: the districts holding a share of its goal, else its lead unit.

    One query (shares with their units) unless the shares were prefetched: an item shared down to every
    community has thousands of them."""
    shares = _shares_cached(item)
    if shares is None:
        shares = list(item.shares.select_related("unit"))
    if shares:
        return [s.unit for s in shares]
    return [item.lead_unit] if item.lead_unit is not None else []


def reports_on(item: LedgerItem, unit: Unit) -> bool:
    """Whether `unit` is one of the item's reporting units, without loading all of them."""
    shares = _shares_cached(item)
    if shares is not None:
        return unit.pk in {s.unit_id for s in shares} if shares else unit.pk == item.lead_unit_id
    if item.shares.filter(unit_id=unit.pk).exists():
        return True
    return unit.pk == item.lead_unit_id and not item.shares.exists()


def can_report(user: Any, item: LedgerItem, unit: Unit) -> bool:
    """A reporter of `unit` (or of a unit above it) may fill in `unit`'s report on an item it reports on."""
    if item.ledger_year.status != "published":
        return False
    if not any(unit.path.startswith(u.path) for u in role_units(user, Role.REPORTER)):
        return False
    return reports_on(item, unit)


def unit_in_district(unit: Unit) -> bool:
    return unit.kind in DISTRICT_KINDS or unit.kind in (UnitKind.STREET, UnitKind.COMMUNITY)


def approval_levels(user: Any, submission: Submission) -> frozenset[Level]:
    """The chain levels at which `user` may decide on `submission`.

    District level: a reviewer of the district (or zone) containing the reporting unit. Department level:
    a reviewer of the item's lead unit. Office level: the working-group office (of the item's system when
    the office's role names a working group).
    """
    levels: set[Level] = set()
    item = submission.item
    for ra in _assignments(user):
        if ra.role == Role.REVIEWER:
            if ra.unit.kind in DISTRICT_KINDS and submission.unit.path.startswith(ra.unit.path):
                levels.add(Level.DISTRICT)
            if item.lead_unit_id is not None and ra.unit_id == item.lead_unit_id:
                levels.add(Level.DEPARTMENT)
        elif ra.role == Role.OFFICE and (ra.body_id is None or ra.body_id == _working_group_id(item)):
            levels.add(Level.OFFICE)
    return frozenset(levels)


def _working_group_id(item: LedgerItem) -> int | None:
    source = item.target or item.commitment
    if source is None:
        return None
    return source.task.system.working_group_id


def approval_actor(user: Any, submission: Submission) -> Actor:
    return Actor(
        user_id=int(user.pk),
        levels=approval_levels(user, submission),
        may_submit=can_report(user, submission.item, submission.unit),
    )


def review_filter(user: Any) -> Q:
    """Pending submissions whose current level the user may decide (a superset; checked again on action)."""
    query = Q(pk__in=[])
    for ra in _assignments(user):
        if ra.role == Role.REVIEWER:
            if ra.unit.kind in DISTRICT_KINDS:
                query |= Q(unit__path__startswith=ra.unit.path, current_level=Level.DISTRICT)
            query |= Q(item__lead_unit=ra.unit, current_level=Level.DEPARTMENT)
        elif ra.role == Role.OFFICE:
            mine = Q(current_level=Level.OFFICE)
            if ra.body_id is not None:
                mine &= Q(item__target__task__system__working_group_id=ra.body_id) | Q(
                    item__commitment__task__system__working_group_id=ra.body_id
                )
            query |= mine
    return query
