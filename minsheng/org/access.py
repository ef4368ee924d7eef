"""Who may see and do what in the organisation tree. The one scoping function lives here.

`unit_scope(user)` answers "which units' objects may this user see"; every list, search, export,
dashboard, download and API endpoint filters through it (via `Scope.q`), and every object fetch goes
through a `get_*_for_user_or_404` helper so an object outside the scope is indistinguishable from one
that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import CITYWIDE_ROLES, Role, Unit


@dataclass(frozen=True)
class Scope:
    """A set of subtrees (materialised-path prefixes), or everything."""

    everything: bool
    paths: tuple[str, ...]

    def q(self, field: str = "") -> Q:
        """A filter for rows whose unit (reached by `field`, e.g. "unit") lies in the scope."""
        path_field = f"{field}__path" if field else "path"
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        query = Q()
        for prefix in self.paths:
            query |= Q(**{f"{path_field}__startswith": prefix})
        return query

    def contains_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)

    def contains(self, unit: Unit) -> bool:
        return self.contains_path(unit.path)


NOTHING = Scope(everything=False, paths=())
EVERYTHING = Scope(everything=True, paths=())


def _collapse(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path in the set."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for p in ordered:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return tuple(sorted(kept))


def unit_scope(user: Any) -> Scope:
    """The units whose objects `user` may read: city-wide roles see all, others their units' subtrees."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached: Scope | None = getattr(user, "_minsheng_scope", None)
    if cached is not None:
        return cached
    paths: set[str] = set()
    everything = False
    for role, path in user.role_assignments.values_list("role", "unit__path"):
        if role in CITYWIDE_ROLES:
            everything = True
            break
        paths.add(path)
    scope = EVERYTHING if everything else Scope(everything=False, paths=_collapse(paths))
    user._minsheng_scope = scope
    return scope


def units_visible_to(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope(user).q())


def get_unit_for_user_or_404(user: Any, code: str) -> Unit:
    """Fetch a unit by code and authorise in one step; outside the scope it does not exist (404)."""
    unit = units_visible_to(user).filter(code=code).first()
    if unit is None:
        raise Http404("单位不存在")
    return unit


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.role_assignments.values_list("role", flat=True))


def can_grant_role(actor: Any, *, unit: Unit, role: str) -> bool:
    """Delegated admins grant only inside their subtree and only roles they hold themselves.

    The security administrator manages role grants city-wide; nobody else may.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if getattr(actor, "admin_role", "") == "security_admin":
        return True
    admin_units = [
        ra.unit for ra in actor.role_assignments.select_related("unit").filter(role=Role.UNIT_ADMIN)
    ]
    if not any(unit.path.startswith(u.path) for u in admin_units):
        return False
    held = set(
        actor.role_assignments.filter(unit__path__in=_ancestor_paths(unit.path)).values_list(
            "role", flat=True
        )
    )
    return role in held


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
