"""Scoped reads for reporting screens and the API. Each list runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from minsheng.accounts import facts
from minsheng.common.prepared import PreparedCount
from minsheng.org.access import unit_scope
from minsheng.org.models import Role, Unit

from .access import (
    items_visible_to,
    reporting_units,
    review_filter,
    role_units,
    submissions_visible_to,
)
from .domain.approval import Status
from .domain.periods import DEFAULT_DUE_RULE, DueRuleSpec, Period, parse_period, reporting_period_for
from .domain.validation import ValueContext, ValueMeaning, period_amounts
from .models import DueRule, GoalShare, LedgerItem, LedgerYear, Notice, PublishedFigure, Submission

REPORTED = (Status.SUBMITTED, Status.APPROVED)


def items_for_year(user: Any, ledger_year: LedgerYear, *, with_shares: bool = True) -> list[LedgerItem]:
    """The year's ledger as the user may see it, with owners and shares (constant query count).

    `with_shares=False` sets only `n_shares` on each item: an item shared down to every community has
    thousands of shares, and the ledger and "my reports" pages need the count or the caller's own few."""
    qs = (
        items_visible_to(user)
        .filter(ledger_year=ledger_year)
        .select_related("lead_unit", "target", "commitment")
        .order_by("sort_order", "code")
    )
    if with_shares:
        return list(
            qs.prefetch_related(
                "co_units",
                Prefetch("shares", queryset=GoalShare.objects.select_related("unit")),
                "milestones",
            )
        )
    items = list(qs.prefetch_related("co_units", "milestones"))
    counts = dict(
        GoalShare.objects.filter(item__in=[i.pk for i in items])
        .order_by()
        .values("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    for item in items:
        item.n_shares = counts.get(item.pk, 0)  # type: ignore[attr-defined]
    return items


SHARES_PER_LISTED_ITEM = 10


def _share_count(where: Q) -> Coalesce:
    """The number of an item's shares matching `where`, as a correlated subquery (no GROUP BY on items)."""
    counted = (
        GoalShare.objects.filter(where, item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def items_for_api(user: Any, *, year: int | None = None) -> QuerySet[LedgerItem]:
    """Ledger items for the API list: light rows whatever an item's share count.

    Each item carries `share_count` (all its shares), `shares_in_scope` (those of units in the caller's
    scope) and `scoped_shares`: at most SHARES_PER_LISTED_ITEM of the latter, prefetched by one windowed
    query per page. The full list is `shares_in_scope_of(...)`, paged by the item's own endpoint."""
    scope = unit_scope(user)
    qs = (
        items_visible_to(user)
        .select_related("ledger_year", "lead_unit")
        .annotate(share_count=_share_count(Q()), shares_in_scope=_share_count(scope.q_in("unit")))
        .prefetch_related(
            Prefetch(
                "shares",
                queryset=shares_in_scope_of(user)[:SHARES_PER_LISTED_ITEM],
                to_attr="scoped_shares",
            )
        )
        .order_by("ledger_year__year", "sort_order", "code")
    )
    return qs.filter(ledger_year__year=year) if year else qs


def shares_in_scope_of(user: Any, item: LedgerItem | None = None) -> QuerySet[GoalShare]:
    """Goal shares held by units in the caller's scope (of one item, or of any), in unit order."""
    qs = GoalShare.objects.filter(unit_scope(user).q_in("unit")).select_related("unit")
    if item is not None:
        qs = qs.filter(item=item)
    return qs.order_by("item_id", "unit__sort_order", "unit__code")


def due_rule_for(item: LedgerItem, rules: dict[int | None, DueRuleSpec] | None = None) -> DueRuleSpec:
    """The item's own rule, else its year's default, else the city default (20th of the next month)."""
    if rules is None:
        rules = {r.item_id: r.spec() for r in DueRule.objects.filter(ledger_year_id=item.ledger_year_id)}
    return rules.get(item.pk) or rules.get(None) or DEFAULT_DUE_RULE


def due_rules_of(ledger_year: LedgerYear) -> dict[int | None, DueRuleSpec]:
    return {r.item_id: r.spec() for r in DueRule.objects.filter(ledger_year=ledger_year)}


@dataclass(frozen=True)
class ToReport:
    item: LedgerItem
    unit: Unit
    period: Period
    due_on: dt.date
    submission: Submission | None


def my_report_rows(user: Any, ledger_year: LedgerYear, today: dt.date) -> list[ToReport]:
    """For a reporter: each (item, own unit) pair with the period due now and its current report.

    Only the shares held by the reporter's own units are loaded (not every community's)."""
    own = role_units(user, Role.REPORTER)
    if not own:
        return []
    items = items_for_year(user, ledger_year, with_shares=False)
    rules = due_rules_of(ledger_year)
    current = {
        (s.item_id, s.unit_id, s.period_key): s
        for s in Submission.objects.filter(item__ledger_year=ledger_year, is_current=True, unit__in=own)
    }
    in_own = Q(pk__in=[])
    for u in own:
        in_own |= Q(unit__path__startswith=u.path)
    shared = [i.pk for i in items if getattr(i, "n_shares", 0)]
    shared_set = set(shared)
    own_shares: dict[int, list[Unit]] = {}
    for share in GoalShare.objects.filter(in_own, item__in=shared).select_related("unit"):
        own_shares.setdefault(share.item_id, []).append(share.unit)
    rows: list[ToReport] = []
    for item in items:
        period = reporting_period_for(today, ledger_year.year, item.frequency)
        if item.pk in shared_set:
            units = own_shares.get(item.pk, [])
        else:
            units = [item.lead_unit] if item.lead_unit is not None else []
        for unit in units:
            if any(unit.path.startswith(u.path) for u in own):
                rows.append(
                    ToReport(
                        item,
                        unit,
                        period,
                        period.due_on(due_rule_for(item, rules)),
                        current.get((item.pk, unit.pk, period.key)),
                    )
                )
    return rows


def missing_reports(user: Any, ledger_year: LedgerYear, today: dt.date) -> list[ToReport]:
    """The not-yet-reported list: (item, unit) pairs whose period due now has no submitted report."""
    scope = unit_scope(user)
    items = list(items_for_year(user, ledger_year))
    rules = due_rules_of(ledger_year)
    reported = set(
        Submission.objects.filter(
            item__ledger_year=ledger_year, is_current=True, status__in=REPORTED
        ).values_list("item_id", "unit_id", "period_key")
    )
    drafts = {
        (s.item_id, s.unit_id, s.period_key): s
        for s in Submission.objects.filter(
            item__ledger_year=ledger_year, is_current=True, status__in=(Status.DRAFT, Status.RETURNED)
        )
    }
    rows: list[ToReport] = []
    for item in items:
        period = reporting_period_for(today, ledger_year.year, item.frequency)
        for unit in reporting_units(item):
            key = (item.pk, unit.pk, period.key)
            if key in reported or not (
                scope.contains(unit) or scope.contains_path(item.lead_unit.path if item.lead_unit else "")
            ):
                continue
            rows.append(
                ToReport(item, unit, period, period.due_on(due_rule_for(item, rules)), drafts.get(key))
            )
    return rows


def review_queue(user: Any) -> QuerySet[Submission]:
    """Submissions waiting at a level the user decides."""
    return (
        submissions_visible_to(user)
        .filter(status=Status.SUBMITTED, is_current=True)
        .filter(review_filter(user))
        .select_related("item", "item__ledger_year", "unit", "submitted_by")
        .order_by("submitted_at", "id")
    )


def submission_versions(submission: Submission) -> list[Submission]:
    """Every version of this (item, unit, period), newest first."""
    return list(
        Submission.objects.filter(
            item_id=submission.item_id, unit_id=submission.unit_id, period_key=submission.period_key
        )
        .select_related("created_by", "submitted_by")
        .prefetch_related("steps", "evidence")
        .order_by("-version")
    )


def submissions_for_item(user: Any, item: LedgerItem) -> QuerySet[Submission]:
    return (
        submissions_visible_to(user)
        .filter(item=item, is_current=True)
        .select_related("unit")
        .order_by("period_key", "unit__code")
    )


def current_submission(item: LedgerItem, unit: Unit, period_key: str) -> Submission | None:
    return Submission.objects.filter(item=item, unit=unit, period_key=period_key, is_current=True).first()


def figures_for_target(target_id: int | None) -> list[PublishedFigure]:
    if target_id is None:
        return []
    return list(PublishedFigure.objects.filter(target_id=target_id).order_by("year", "figure_kind"))


def goal_for(item: LedgerItem, unit: Unit) -> Decimal | None:
    share = GoalShare.objects.filter(item=item, unit=unit).values_list("value", flat=True).first()
    if share is not None:
        return share
    if item.goal_value is not None:
        return item.goal_value
    return item.target.value if item.target is not None else None


def value_context(item: LedgerItem, unit: Unit, period_key: str) -> ValueContext:
    """What validation needs: the goal, the previous running total, and the comparable history."""
    period = parse_period(period_key)
    meaning = ValueMeaning(item.value_meaning)
    if item.target_id is None:
        return ValueContext(unit=item.unit_label, meaning=meaning)
    earlier = list(
        Submission.objects.filter(
            item__target_id=item.target_id,
            unit=unit,
            is_current=True,
            status__in=REPORTED,
            value__isnull=False,
        )
        .exclude(period_key=period_key)
        .values_list("period_key", "value")
    )
    earlier_sorted: list[tuple[Period, Decimal]] = sorted(
        ((parse_period(k), v) for k, v in earlier if v is not None and parse_period(k) < period),
        key=lambda kv: kv[0],
    )
    previous_total: Decimal | None = None
    history: list[Decimal] = []
    if meaning == ValueMeaning.RUNNING_TOTAL:
        prev = period.previous()
        for p, v in earlier_sorted:
            if prev is not None and p == prev:
                previous_total = v
        by_year: dict[int, list[Decimal]] = {}
        for p, v in earlier_sorted:
            if p.frequency == period.frequency:
                by_year.setdefault(p.year, []).append(v)
        for totals in by_year.values():
            history.extend(period_amounts(totals))
    else:
        history = [v for _p, v in earlier_sorted]
    return ValueContext(
        unit=item.unit_label,
        meaning=meaning,
        goal=goal_for(item, unit),
        allow_negative=item.allow_negative,
        previous_running_total=previous_total,
        history=tuple(history),
    )


# The header's bell asks on every page; compiled once per process (common/prepared.py, ADR 0010).
def _unread(user: Any) -> QuerySet[Notice]:
    """A user's unread notices (`user`: an id, or an `OuterRef` to the user for the fact)."""
    return Notice.objects.filter(user=user, read_at__isnull=True)


_UNREAD = PreparedCount(Notice, _unread)


UNREAD_FACT = "unread_notices"


def unread_notice_fact() -> Coalesce:
    """Registered as a user fact (ADR 0012): the unread count arrives with the user."""
    unread = _unread(OuterRef("pk")).order_by().values("user")
    return Coalesce(Subquery(unread.annotate(n=Count("pk")).values("n")), 0)


def unread_notice_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    counted = facts.fact(user, UNREAD_FACT)
    return _UNREAD.count(user.pk) if counted is facts.MISSING else int(counted)
