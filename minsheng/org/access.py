"""Who may see and do what in the organisation tree. The one scoping function lives here.

`unit_scope(user)` answers "which units' objects may this user see"; every list, search, export,
dashboard, download and API endpoint filters through it (via `Scope.q`), and every object fetch goes
through a `get_*_for_user_or_404` helper so an object outside the scope is indistinguishable from one
that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import F, OuterRef, Q, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONArray
from django.http import Http404

from minsheng.accounts import facts
from minsheng.common.prepared import PreparedQuery

from .models import CITYWIDE_ROLES, Body, Role, RoleAssignment, Unit


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

    def units(self) -> QuerySet[Unit, Any]:
        """The primary keys of the units in the scope, as a subquery (one indexed prefix range per path)."""
        return Unit.objects.filter(self.q()).values("pk")

    def q_in(self, field: str) -> Q:
        """Like `q(field)`, but as `field IN (units in scope)` rather than a join on the unit's path.

        Use it where several scope conditions are OR-ed across different relations: an OR over outer joins
        cannot use an index and makes the database build the whole join (every item × every share) on each
        request; `IN (subquery)` conditions are each answered once from the indexes and hashed."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": self.units()})

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


ASSIGNMENTS_ATTR = "_minsheng_assignments"


ROLES_FACT = "roles_signature"
_SIGNATURE_ATTR = "ms_roles_signature"


def _signature(user_ref: str) -> Subquery:
    """Every column of the user's role assignments and of their units and bodies, as one text (ADR 0012).

    Each grant is a JSON array of its columns (an unambiguous encoding on both databases), the grants joined
    in id order. Equal signatures mean equal rows, so rows read once can stand for every later request that
    reads the same signature; any change to a grant, its unit or its body (by any code path, raw SQL included)
    changes it."""
    columns = [
        F(prefix + f.attname)
        for prefix, model in (("", RoleAssignment), ("unit__", Unit), ("body__", Body))
        for f in model._meta.concrete_fields
    ]
    ordered = connections[DEFAULT_DB_ALIAS].features.supports_aggregate_order_by_clause
    row = Cast(JSONArray(*columns), TextField())
    aggregate = StringAgg(row, Value("\n"), order_by="id" if ordered else None)
    grants = RoleAssignment.objects.filter(user_id=OuterRef(user_ref)).order_by().values("user_id")
    return Subquery(grants.annotate(signature=aggregate).values("signature"))


def roles_signature_fact() -> Subquery:
    """Registered as a user fact: the signature arrives with the user on every request."""
    return _signature("pk")


# Read when a user's signature is not in this process's memory; compiled once per process (common/prepared.py,
# ADR 0010). Each row carries the signature computed in the same statement, so the rows kept under a signature
# are exactly the rows that signature describes.
_ASSIGNMENTS = PreparedQuery(
    RoleAssignment,
    lambda user_id: (
        RoleAssignment.objects.filter(user_id=user_id)
        .select_related("unit", "body")
        .annotate(**{_SIGNATURE_ATTR: _signature("user_id")})
        .order_by("id")
    ),
)


@dataclass(frozen=True)
class RoleSummary:
    """What most requests need from a user's grants, as plain immutable values (ADR 0013): the roles held, each
    grant's role and unit name in grant order (the page header), and the unit scope. Kept beside the rows under
    the roles signature, so a request whose signature is known builds no model instance for them."""

    roles: frozenset[str]
    grants: tuple[tuple[str, str], ...]
    scope: Scope

    @classmethod
    def of(cls, held: list[RoleAssignment]) -> RoleSummary:
        paths: set[str] = set()
        everything = False
        for ra in held:
            if ra.role in CITYWIDE_ROLES:
                everything = True
            else:
                paths.add(ra.unit.path)
        return cls(
            roles=frozenset(ra.role for ra in held),
            grants=tuple((ra.role, ra.unit.name) for ra in held),
            scope=EVERYTHING if everything else Scope(everything=False, paths=_collapse(paths)),
        )


NO_ROLES = RoleSummary(roles=frozenset(), grants=(), scope=NOTHING)
SUMMARY_ATTR = "_minsheng_role_summary"

# signature -> (rows, their summary), per process and database. Bounded: cleared when full (users' next requests
# read afresh).
_ROWS_BY_SIGNATURE: dict[tuple[str, str], tuple[list[tuple[Any, ...]], RoleSummary]] = {}
_ROWS_KEPT = 20_000


def _kept(user: Any) -> tuple[list[tuple[Any, ...]], RoleSummary] | None:
    """The rows and summary kept under the signature read with `user`; ([], NO_ROLES) for a user the statement
    that loaded them found without grants; None when unknown (not kept, or the user was loaded another way)."""
    signature = facts.fact(user, ROLES_FACT)
    if signature is None:
        return [], NO_ROLES
    if signature is facts.MISSING:
        return None
    return _ROWS_BY_SIGNATURE.get((router.db_for_read(RoleAssignment), signature))


def _instances(user: Any, rows: list[tuple[Any, ...]]) -> list[RoleAssignment]:
    held = _ASSIGNMENTS.instances(rows)
    user_field = RoleAssignment._meta.get_field("user")
    for ra in held:
        user_field.set_cached_value(ra, user)  # as `user.role_assignments` would
    return held


def assignments(user: Any) -> list[RoleAssignment]:
    """The user's role assignments with their units and bodies, as of this request: rows kept in this process
    under the signature read with the user (ADR 0012), else one query; the instances are built afresh for each
    request and kept on its user object, so a grant or revocation counts from the next request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, ASSIGNMENTS_ATTR, None)
    if cached is not None:
        return cached
    kept = _kept(user)
    if kept is not None:
        held = _instances(user, kept[0])
    else:
        rows = _ASSIGNMENTS.rows(user.pk)
        held = _instances(user, rows)
        if rows:
            # The signature column is the same on every row: the one read in this statement, so the rows are
            # filed under the signature that describes them.
            read = _ASSIGNMENTS.annotation(rows[0], _SIGNATURE_ATTR)
            if len(_ROWS_BY_SIGNATURE) >= _ROWS_KEPT:
                _ROWS_BY_SIGNATURE.clear()
            _ROWS_BY_SIGNATURE[(router.db_for_read(RoleAssignment), read)] = (rows, RoleSummary.of(held))
    setattr(user, ASSIGNMENTS_ATTR, held)
    return held


def role_summary(user: Any) -> RoleSummary:
    """`RoleSummary` of the user's grants as of this request: kept under the signature read with the user, else
    worked out from `assignments` (which keeps it for the next request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ROLES
    cached: RoleSummary | None = getattr(user, SUMMARY_ATTR, None)
    if cached is None:
        kept = None if hasattr(user, ASSIGNMENTS_ATTR) else _kept(user)
        cached = kept[1] if kept is not None else RoleSummary.of(assignments(user))
        setattr(user, SUMMARY_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop what `assignments`, `role_summary` and `unit_scope` kept on this user object (after a grant or
    revocation)."""
    for attr in (ASSIGNMENTS_ATTR, SUMMARY_ATTR, "_minsheng_can_ingest"):
        if hasattr(user, attr):
            delattr(user, attr)


def unit_scope(user: Any) -> Scope:
    """The units whose objects `user` may read: city-wide roles see all, others their units' subtrees."""
    return role_summary(user).scope


def units_visible_to(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope(user).q())


def get_unit_for_user_or_404(user: Any, code: str) -> Unit:
    """Fetch a unit by code and authorise in one step; outside the scope it does not exist (404)."""
    unit = units_visible_to(user).filter(code=code).first()
    if unit is None:
        raise Http404("单位不存在")
    return unit


def roles_of(user: Any) -> set[str]:
    return set(role_summary(user).roles)


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
