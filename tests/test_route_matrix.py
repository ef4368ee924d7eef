"""Every URL that takes an object id, for every role: a sibling unit's object answers like a missing one.

The routes come from walking the URL resolver (screens, Django admin and the ninja API); how to make an
object for each lives in `tests/route_matrix.py`. A route with a parameter but no entry fails the first test.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter, UUIDConverter

from minsheng.org.models import Unit
from tests import route_matrix as rm
from tests.urlwalk import Route, all_routes, api_methods, routes_with_ids

pytestmark = pytest.mark.django_db


def methods_for(route: Route) -> list[str]:
    return api_methods(route)


def missing_kwargs(route: Route) -> dict[str, Any]:
    """Kwargs that address no object at all, built from the route's converters."""
    out: dict[str, Any] = {}
    for name, conv in route.params.items():
        if isinstance(conv, IntConverter):
            out[name] = 987654321
        elif isinstance(conv, UUIDConverter):
            out[name] = uuid.UUID(int=0)
        else:
            out[name] = "zz-missing-0"
    return out


def test_every_url_with_an_id_has_a_registry_entry() -> None:
    missing = sorted({r.name or r.template for r in routes_with_ids() if rm.entry_for(r.name) is None})
    assert not missing, (
        "These URLs take an object id or code but have no entry in tests/route_matrix.py ROUTES: "
        f"{missing}. Add one line per route, e.g. "
        '`"app:name": Scoped(lambda w, unit: {"pk": make_thing(unit).pk})`, '
        "so the route matrix can check that a sibling unit's object answers 404."
    )


def test_registry_has_no_stale_entries() -> None:
    names = {r.name for r in all_routes()}
    stale = sorted(set(rm.ROUTES) - names)
    assert not stale, f"tests/route_matrix.py ROUTES names routes that no longer exist: {stale}"


def test_the_walk_sees_screens_and_api() -> None:
    names = {r.name for r in routes_with_ids()}
    assert {"org:unit", "api-v1:get_unit"} <= names


def _request(client: Client, method: str, url: str, body: dict[str, Any] | None) -> int:
    if method == "GET":
        return int(client.get(url).status_code)
    response = client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")
    return int(response.status_code)


def _matrix_routes() -> list[Route]:
    return [r for r in routes_with_ids() if isinstance(rm.entry_for(r.name), rm.Scoped | rm.Public)]


@pytest.mark.parametrize("route", _matrix_routes(), ids=lambda r: r.name)
def test_sibling_units_object_is_invisible_to_unit_roles(
    route: Route, role_clients: dict[str, Client], org_tree: dict[str, Unit], make_user: Any
) -> None:
    entry = rm.entry_for(route.name)
    assert isinstance(entry, rm.Scoped | rm.Public)
    world = rm.World(units=org_tree, make_user=make_user)
    sibling_url = reverse(route.name, kwargs=entry.factory(world, world.sibling))
    own_url = reverse(route.name, kwargs=entry.factory(world, world.home))
    missing_url = reverse(route.name, kwargs=missing_kwargs(route))
    failures: list[str] = []

    def expect(role: str, what: str, got: int, want: int | str) -> None:
        if (want == "missing-like" and not got >= 400) or (isinstance(want, int) and got != want):
            failures.append(f"{role}: {what} → {got}, expected {want}")

    for method in methods_for(route):
        body = entry.body(world, world.sibling) if isinstance(entry, rm.Scoped) and entry.body else None
        for role in rm.ALL_ROLES:
            client = role_clients[role]
            got_sibling = _request(client, method, sibling_url, body)
            got_missing = _request(client, method, missing_url, body)
            if isinstance(entry, rm.Public):
                if method == "GET":
                    want = entry.admins if role in rm.ADMIN_ROLES else 200
                    expect(role, f"GET {sibling_url}", got_sibling, want)
                continue
            if role in rm.CITYWIDE_ROLES:
                if method == "GET":
                    expect(role, f"GET {sibling_url}", got_sibling, entry.citywide)
                continue
            # Unit-scoped roles and administrators: the sibling's object is exactly like a missing one.
            if got_sibling != got_missing:
                failures.append(
                    f"{role}: {method} {sibling_url} → {got_sibling}, but a missing object → {got_missing}"
                )
            expect(role, f"{method} {sibling_url}", got_sibling, 404 if method == "GET" else "missing-like")
            if method == "GET" and role in entry.own_ok:
                expect(role, f"GET own {own_url}", _request(client, "GET", own_url, None), 200)
    assert not failures, "\n".join(failures)


def _staff_routes() -> list[Route]:
    return [r for r in routes_with_ids() if isinstance(rm.entry_for(r.name), rm.StaffOnly)]


def test_admin_pages_with_ids_send_business_roles_to_the_admin_login(role_clients: dict[str, Client]) -> None:
    failures: list[str] = []
    for route in _staff_routes():
        try:
            url = reverse(route.name, kwargs=missing_kwargs(route))
        except Exception:  # noqa: S112  (a catch-all regex route cannot be reversed with kwargs)
            continue
        for role in (*rm.CITYWIDE_ROLES, *rm.SCOPED_ROLES):
            response = role_clients[role].get(url)
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                failures.append(f"{role}: GET {url} → {response.status_code}")
    assert not failures, "\n".join(failures)


def _post_only_routes() -> list[Route]:
    return [r for r in routes_with_ids() if isinstance(rm.entry_for(r.name), rm.PostOnly)]


def test_post_only_entries_on_objects_not_owned_by_units_give_a_reason() -> None:
    for route in _post_only_routes():
        entry = rm.entry_for(route.name)
        assert isinstance(entry, rm.PostOnly)
        assert entry.owned or entry.reason, f"{route.name}: PostOnly(owned=False) needs a reason"


@pytest.mark.parametrize(
    "route",
    [r for r in _post_only_routes() if getattr(rm.entry_for(r.name), "owned", False)],
    ids=lambda r: r.name,
)
def test_posting_to_a_sibling_units_object_is_like_posting_to_a_missing_one(
    route: Route, role_clients: dict[str, Client], org_tree: dict[str, Unit], make_user: Any
) -> None:
    entry = rm.entry_for(route.name)
    assert isinstance(entry, rm.PostOnly)
    world = rm.World(units=org_tree, make_user=make_user)
    sibling_url = reverse(route.name, kwargs=entry.factory(world, world.sibling))
    missing_url = reverse(route.name, kwargs=missing_kwargs(route))
    failures = []
    for role in (*rm.SCOPED_ROLES, *rm.ADMIN_ROLES):
        client = role_clients[role]
        got_sibling = client.post(sibling_url).status_code
        got_missing = client.post(missing_url).status_code
        if got_sibling != 404 or got_missing != 404:
            failures.append(
                f"{role}: POST {sibling_url} → {got_sibling}, missing → {got_missing}, expected 404"
            )
    assert not failures, "\n".join(failures)
