"""The API's ledger items: a light, paged list (share counts and a few shares in scope), the full share list
paged per item, both scoped by the org tree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minsheng.org.models import Role, Unit, UnitKind
from minsheng.reporting.api import ITEMS_MAX_PAGE, ITEMS_PER_PAGE, SHARES_MAX_PAGE
from minsheng.reporting.models import GoalShare, LedgerItem
from minsheng.reporting.selectors import SHARES_PER_LISTED_ITEM

from .conftest import JOBS, World

pytestmark = pytest.mark.django_db
COMMUNITIES_PER_STREET = 1650  # two streets: 3,300 communities, the city's order of magnitude
ITEMS = "/api/v1/reporting/items"


def _share_to_communities(item: LedgerItem) -> dict[str, list[Unit]]:
    """Share `item` down to 3,300 communities, half under a street of Jiang'an, half under one of Wuchang."""
    by_street: dict[str, list[Unit]] = {}
    for street in Unit.objects.filter(code__in=("420102S01", "420106S01")):
        communities = [
            Unit(
                code=f"{street.code}X{n:04d}",
                name=f"社区{n}",
                kind=UnitKind.COMMUNITY,
                parent=street,
                path=f"{street.path}{street.code}X{n:04d}/",
                depth=street.depth + 1,
                synthetic=True,
            )
            for n in range(COMMUNITIES_PER_STREET)
        ]
        by_street[street.code] = Unit.objects.bulk_create(communities)
    GoalShare.objects.bulk_create(
        GoalShare(item=item, unit=unit, value=Decimal("0.01"))
        for units in by_street.values()
        for unit in units
    )
    return by_street


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response


def _jobs(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(i for i in items if i["code"] == JOBS)


def test_an_item_shared_to_3300_communities_lists_small(world: World, make_user: Any) -> None:
    _share_to_communities(world.jobs)
    leader = world.client(make_user("leader", Role.LEADER, world.units["420100"]))
    response = _get(leader, f"{ITEMS}?year=2025&limit={ITEMS_MAX_PAGE}")
    page = response.json()
    jobs = _jobs(page["items"])
    assert jobs["share_count"] == jobs["shares_in_scope"] == 2 * COMMUNITIES_PER_STREET + 2
    assert len(jobs["shares"]) == SHARES_PER_LISTED_ITEM
    # Every item of the Wuhan ledger on one page, yet far below the ≈170 KB the five shared items used to cost.
    assert len(response.content) < 100 * 1024, len(response.content)
    one = _get(leader, f"{ITEMS}/{world.jobs.pk}")
    assert len(one.content) < 4 * 1024
    assert one.json()["share_count"] == jobs["share_count"]


def test_listed_shares_are_the_callers_own(world: World, make_user: Any) -> None:
    communities = _share_to_communities(world.jobs)
    own = communities["420106S01"][7]
    community = world.client(make_user("community_rep", Role.REPORTER, own))
    jobs = _jobs(_get(community, f"{ITEMS}?year=2025").json()["items"])
    assert jobs["share_count"] == 2 * COMMUNITIES_PER_STREET + 2
    assert jobs["shares_in_scope"] == 1
    assert jobs["shares"] == [{"unit_code": own.code, "value": "0.0100"}]
    district = world.client(world.wuchang_reporter)
    jobs = _jobs(_get(district, f"{ITEMS}?year=2025").json()["items"])
    assert jobs["shares_in_scope"] == COMMUNITIES_PER_STREET + 1  # its communities and the district's share
    assert {s["unit_code"][:6] for s in jobs["shares"]} == {"420106"}


def test_item_shares_are_paged_and_scoped(world: World) -> None:
    _share_to_communities(world.jobs)
    client = world.client(world.jiangan_reporter)
    url = f"{ITEMS}/{world.jobs.pk}/shares"
    first = _get(client, url).json()
    assert first["count"] == COMMUNITIES_PER_STREET + 1
    assert len(first["items"]) == 100  # the default page
    seen: list[str] = []
    for offset in range(0, first["count"], SHARES_MAX_PAGE):
        seen += [
            s["unit_code"]
            for s in _get(client, f"{url}?limit={SHARES_MAX_PAGE}&offset={offset}").json()["items"]
        ]
    assert len(seen) == len(set(seen)) == first["count"]
    assert all(code.startswith("420102") for code in seen)
    assert client.get(f"{url}?limit={SHARES_MAX_PAGE + 1}").status_code == 422


def test_item_list_is_paged(world: World) -> None:
    client = world.client(world.office)
    first = _get(client, f"{ITEMS}?year=2025").json()
    assert len(first["items"]) == ITEMS_PER_PAGE < first["count"]
    codes: list[str] = []
    for offset in range(0, first["count"], 7):
        codes += [
            i["code"] for i in _get(client, f"{ITEMS}?year=2025&limit=7&offset={offset}").json()["items"]
        ]
    assert len(codes) == len(set(codes)) == first["count"]
    assert client.get(f"{ITEMS}?limit={ITEMS_MAX_PAGE + 1}").status_code == 422


def test_item_outside_scope_answers_404_on_detail_and_shares(world: World) -> None:
    client = world.client(world.wuchang_reporter)  # the rate item is led by 市人社局 and has no shares
    assert client.get(f"{ITEMS}/{world.rate.pk}").status_code == 404
    assert client.get(f"{ITEMS}/{world.rate.pk}/shares").status_code == 404
    assert client.get(f"{ITEMS}/{world.jobs.pk}/shares").status_code == 200


def test_item_list_query_count_does_not_grow_with_shares(
    world: World, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    _share_to_communities(world.jobs)
    leader = world.client(make_user("leader", Role.LEADER, world.units["420100"]))
    with django_assert_max_num_queries(12):
        _get(leader, f"{ITEMS}?limit={ITEMS_MAX_PAGE}")
