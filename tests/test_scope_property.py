"""Property: over random org trees and role assignments, every row every list endpoint returns lies in the
caller's subtree, and `unit_scope` agrees with a brute-force ancestor walk over parent links."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.accounts.models import User
from minsheng.org.access import unit_scope, units_visible_to
from minsheng.org.models import CITYWIDE_ROLES, Role, RoleAssignment, Unit, UnitKind
from tests.list_endpoints import LIST_ENDPOINTS, LIST_EXEMPT
from tests.urlwalk import api_list_operations

pytestmark = pytest.mark.django_db

KIND_AT_DEPTH = [UnitKind.CITY, UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY]
MAX_DEPTH = 3  # root at depth 0: at most four levels


@st.composite
def org_worlds(draw: st.DrawFn) -> tuple[list[int], list[list[tuple[str, int]]]]:
    """(parent index per node, node 0 the root; per user a list of (role, node index))."""
    n = draw(st.integers(min_value=1, max_value=24))
    parents = [-1]
    depth = [0]
    for _ in range(1, n):
        candidates = [i for i, d in enumerate(depth) if d < MAX_DEPTH]
        parent = draw(st.sampled_from(candidates))
        parents.append(parent)
        depth.append(depth[parent] + 1)
    roles = st.sampled_from(list(Role.values))
    assignment = st.tuples(roles, st.integers(min_value=0, max_value=n - 1))
    users = draw(st.lists(st.lists(assignment, min_size=0, max_size=3), min_size=1, max_size=4))
    return parents, users


def brute_force_visible(units: list[Unit], assignments: list[tuple[str, int]]) -> set[str]:
    """Visible codes, from parent links only (no paths): city-wide role → all; else ancestors-or-self."""
    if any(role in CITYWIDE_ROLES for role, _ in assignments):
        return {u.code for u in units}
    held = {units[i].pk for _, i in assignments}
    by_pk = {u.pk: u for u in units}
    visible: set[str] = set()
    for unit in units:
        node: Unit | None = unit
        while node is not None:
            if node.pk in held:
                visible.add(unit.code)
                break
            node = by_pk.get(node.parent_id) if node.parent_id else None
    return visible


def build(parents: list[int]) -> list[Unit]:
    units: list[Unit] = []
    depth: list[int] = []
    for i, parent in enumerate(parents):
        d = 0 if parent < 0 else depth[parent] + 1
        depth.append(d)
        units.append(
            Unit.objects.create(
                code=f"P{i:02d}",
                name=f"单位{i}",
                kind=KIND_AT_DEPTH[d],
                parent=units[parent] if parent >= 0 else None,
            )
        )
    return units


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=org_worlds())
def test_every_listed_row_lies_in_the_callers_subtree(
    world: tuple[list[int], list[list[tuple[str, int]]]],
) -> None:
    parents, users_spec = world
    with transaction.atomic():
        units = build(parents)
        for endpoint in LIST_ENDPOINTS.values():
            if endpoint.seed is not None:
                for unit in units:
                    endpoint.seed(unit)
        for n, assignments in enumerate(users_spec):
            user = User.objects.create(username=f"prop{n}")
            for role, index in set(assignments):
                RoleAssignment.objects.get_or_create(user=user, unit=units[index], role=role)
            user = User.objects.get(pk=user.pk)  # fresh: no cached scope
            expected = brute_force_visible(units, assignments)
            scope = unit_scope(user)
            assert {u.code for u in units if scope.contains(u)} == expected
            assert set(units_visible_to(user).values_list("code", flat=True)) == expected
            client = Client()
            client.force_login(user)
            for name, endpoint in LIST_ENDPOINTS.items():
                for url in endpoint.urls(client):
                    response = client.get(url)
                    assert response.status_code == 200, f"{name} {url}: {response.status_code}"
                    outside = endpoint.extract(response) - expected
                    assert not outside, (
                        f"{name} returned rows of units outside the caller's subtree: {outside}"
                    )
        transaction.set_rollback(True)


def test_every_api_list_is_registered() -> None:
    unregistered = sorted(
        r.name for r in api_list_operations() if r.name not in LIST_ENDPOINTS and r.name not in LIST_EXEMPT
    )
    assert not unregistered, (
        f"API list operations missing from tests/list_endpoints.py: {unregistered}. Add a ListEndpoint "
        "(URL, how to read each row's unit code, and a seed that creates a row in a unit), or a LIST_EXEMPT "
        "line saying why its rows are not unit-owned."
    )


def test_list_registry_reaches_some_rows(org_tree: dict[str, Unit], make_user: Any) -> None:
    """Guard against a vacuous property: each registered list shows rows to its viewer (city-wide by default)."""
    for name, endpoint in LIST_ENDPOINTS.items():
        if endpoint.seed is not None:
            endpoint.seed(org_tree["420106"])
        role, code = endpoint.viewer
        client = Client()
        client.force_login(make_user(f"viewer-{name}", role, org_tree[code]))
        urls = endpoint.urls(client)
        assert urls, f"{name}: no object to list the rows of"
        assert all(endpoint.extract(client.get(url)) for url in urls), f"{name} returned no rows at all"
