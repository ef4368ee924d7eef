from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from .access import unit_scope
from .models import Body, RoleAssignment, Unit


def primary_role(user: Any) -> tuple[str, str]:
    """(role, unit code) to stamp on audit events: the administrator role, else the first business role."""
    if getattr(user, "admin_role", ""):
        return str(user.admin_role), ""
    first = user.role_assignments.select_related("unit").order_by("id").first()
    if first is None:
        return "", ""
    return str(first.role), str(first.unit.code)


def unit_tree_for(user: Any) -> QuerySet[Unit]:
    """The visible units in tree order with their child counts (one query, whatever the size)."""
    return (
        Unit.objects.filter(unit_scope(user).q())
        .exclude(kind="department")
        .annotate(n_children=Count("children"))
        .order_by("path")
    )


def departments() -> QuerySet[Unit]:
    return Unit.objects.filter(kind="department").order_by("sort_order", "code")


def bodies() -> QuerySet[Body]:
    return Body.objects.select_related("office_unit", "parent").order_by("code")


def role_assignments_for(user: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("unit", "body").order_by("unit__path")
