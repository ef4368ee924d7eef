"""Scoped reads of the policy catalog. The catalog is the published policy text: every signed-in role reads it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from .models import Commitment, Policy, PolicySystem, Target, Task


def default_policy() -> Policy | None:
    return Policy.objects.filter(is_default=True).first() or Policy.objects.order_by("id").first()


def policies_visible_to(user: Any) -> QuerySet[Policy]:
    if not getattr(user, "is_authenticated", False):
        return Policy.objects.none()
    return Policy.objects.order_by("-is_default", "code")


def targets_visible_to(user: Any) -> QuerySet[Target]:
    if not getattr(user, "is_authenticated", False):
        return Target.objects.none()
    return Target.objects.select_related("task", "task__system", "lead_unit").order_by(
        "task__system__code", "code"
    )


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    return Task.objects.select_related("system", "lead_unit").order_by("code")


def catalog_systems(policy: Policy) -> QuerySet[PolicySystem]:
    """Systems → tasks → targets and commitments, in four queries whatever the catalog's size."""
    return (
        PolicySystem.objects.filter(policy=policy)
        .select_related("office_unit", "working_group")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("lead_unit")
                .annotate(n_targets=Count("targets", distinct=True))
                .order_by("number"),
            ),
            Prefetch("tasks__targets", queryset=Target.objects.select_related("lead_unit").order_by("code")),
            Prefetch(
                "tasks__commitments", queryset=Commitment.objects.select_related("lead_unit").order_by("code")
            ),
        )
        .order_by("code")
    )


def targets_filtered(
    user: Any, policy: Policy, *, system: str = "", task: str = "", lead_unit: str = ""
) -> QuerySet[Target]:
    qs = targets_visible_to(user).filter(task__policy=policy)
    if system:
        qs = qs.filter(task__system__code=system)
    if task:
        qs = qs.filter(task__code=task)
    if lead_unit:
        qs = qs.filter(lead_unit__code=lead_unit)
    return qs


def get_target_for_user_or_404(user: Any, policy_code: str, code: str) -> Target:
    target = (
        targets_visible_to(user)
        .filter(task__policy__code=policy_code, code=code)
        .prefetch_related("co_units")
        .first()
    )
    if target is None:
        raise Http404("目标不存在")
    return target
