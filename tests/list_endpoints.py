"""Every list endpoint (screens and API) whose rows belong to units, for the scope property test.

An entry names the URL and how to read the unit codes of the rows a response returns; optionally a `seed`
creates one row in a given unit (it runs for every unit of the random tree before the requests). Screens mark
each row with `data-unit="{{ row.unit.code }}"`; API lists are read from a field of each item.

Adding a list is one line, e.g.::

    "reporting:submissions": ListEndpoint("/reporting/", html_units, seed=lambda unit: make_submission(unit)),
    "api-v1:list_submissions": ListEndpoint("/api/v1/submissions?limit=1000", json_units("unit_code"), seed=...),

An API GET operation that returns a list and is neither here nor in LIST_EXEMPT fails
`test_every_api_list_is_registered`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from minsheng.org.models import Role, Unit
from minsheng.policy.models import Policy, PolicySystem, Target, Task
from minsheng.reporting.models import GoalShare, LedgerItem, LedgerYear, Submission

Extract = Callable[[Any], set[str]]  # takes the test client's response
Seed = Callable[[Unit], object]  # creates rows in the unit (idempotent: several lists share a seed)


def html_units(response: Any) -> set[str]:
    return set(re.findall(r'data-unit="([^"]+)"', response.content.decode()))


def json_units(field: str) -> Extract:
    def extract(response: Any) -> set[str]:
        data = response.json()
        items = data["items"] if isinstance(data, dict) and "items" in data else data
        return {str(item[field]) for item in items if item.get(field)}

    return extract


def item_units(response: Any) -> set[str]:
    """Ledger items (api-v1:list_items): every unit an item names, its lead unit and the shares it lists."""
    units: set[str] = set()
    for item in response.json()["items"]:
        if item.get("lead_unit"):
            units.add(str(item["lead_unit"]))
        units.update(str(share["unit_code"]) for share in item.get("shares") or [])
    return units


def seed_ledger_item(unit: Unit) -> LedgerItem:
    """A published 2025 ledger item that names `unit` alone: its lead unit, its co-unit and its only goal
    share. Items are visible through any of the three, so every row a caller gets must be in its subtree."""
    year, target = _ledger_scaffold()
    item, created = LedgerItem.objects.get_or_create(
        ledger_year=year,
        code=f"LE-{unit.code}",
        defaults={
            "target": target,
            "title": "列表测试事项",
            "lead_unit": unit,
            "deadline": dt.date(2025, 12, 31),
            "value_meaning": "level",
        },
    )
    if created:
        item.co_units.add(unit)
        GoalShare.objects.create(item=item, unit=unit, value=1)
    return item


def _ledger_scaffold() -> tuple[LedgerYear, Target]:
    """The published 2025 ledger year and one target the seeded items hang from."""
    policy, _ = Policy.objects.get_or_create(
        code="le-policy", defaults={"title": "列表测试政策", "issuer": "武汉市人民政府"}
    )
    system, _ = PolicySystem.objects.get_or_create(policy=policy, code="S1", defaults={"name": "民生保障"})
    task, _ = Task.objects.get_or_create(
        policy=policy, code="T1", defaults={"system": system, "number": 1, "title": "任务"}
    )
    target, _ = Target.objects.get_or_create(
        task=task,
        code="G1",
        defaults={
            "indicator": "指标",
            "comparator": ">=",
            "value": 1,
            "unit": "人",
            "higher_is_better": True,
            "kind": "level",
            "deadline": dt.date(2025, 12, 31),
            "source_sentence": "原文",
        },
    )
    year, _ = LedgerYear.objects.get_or_create(policy=policy, year=2025, defaults={"status": "published"})
    return year, target


SHARED_ITEM = "LE-SHARED"


def seed_item_share(unit: Unit) -> LedgerItem:
    """A share for `unit` of the one item (no lead unit) shared to every unit of the tree."""
    year, target = _ledger_scaffold()
    item, _ = LedgerItem.objects.get_or_create(
        ledger_year=year,
        code=SHARED_ITEM,
        defaults={
            "target": target,
            "title": "全部单位分解事项",
            "deadline": dt.date(2025, 12, 31),
            "value_meaning": "level",
        },
    )
    GoalShare.objects.get_or_create(item=item, unit=unit, defaults={"value": 1})
    return item


def seed_pending_reports(unit: Unit) -> None:
    """Two reports by `unit` waiting for review: its share of the shared item at the district level (decided
    by reviewers of a district above it) and its own item at the lead-department level (by the unit's own
    reviewers)."""
    for item, level in ((seed_item_share(unit), "district"), (seed_ledger_item(unit), "department")):
        Submission.objects.get_or_create(
            item=item,
            unit=unit,
            period_key="2025Q3",  # not the period due now (2025Q4 once 2025 is over): those stay missing
            is_current=True,
            defaults={
                "due_on": dt.date(2025, 10, 20),
                "value": 1,
                "value_meaning": "level",
                "status": "submitted",
                "chain": [level, "office"],
                "current_level": level,
                "submitted_at": dt.datetime(2025, 10, 10, tzinfo=dt.UTC),
            },
        )


def shared_item_ids(client: Any) -> list[int]:
    """The shared item, if the caller sees it (through the item list, which is scoped)."""
    items = client.get(f"/api/v1/reporting/items?limit={API_PAGE}").json()["items"]
    return [int(i["id"]) for i in items if i["code"] == SHARED_ITEM]


API_PAGE = 100  # the largest page the item list serves; the random trees have at most 24 units


@dataclass(frozen=True)
class ListEndpoint:
    url: str
    extract: Extract
    seed: Seed | None = None
    # A per-object list: `url` holds `{id}`, filled with each id this returns for the caller's client.
    ids: Callable[[Any], list[int]] | None = None
    # Who, at which unit, sees rows once the unit 420106 is seeded (test_list_registry_reaches_some_rows).
    viewer: tuple[str, str] = (Role.LEADER, "420100")

    def urls(self, client: Any) -> list[str]:
        if self.ids is None:
            return [self.url]
        return [self.url.format(id=pk) for pk in self.ids(client)]


LIST_ENDPOINTS: dict[str, ListEndpoint] = {
    "org:tree": ListEndpoint("/org/?depth=9", html_units),
    "api-v1:list_units": ListEndpoint("/api/v1/units?limit=1000", json_units("code")),
    "api-v1:list_items": ListEndpoint(
        f"/api/v1/reporting/items?limit={API_PAGE}", item_units, seed=seed_ledger_item
    ),
    "api-v1:list_item_shares": ListEndpoint(
        "/api/v1/reporting/items/{id}/shares?limit=500",
        json_units("unit_code"),
        seed=seed_item_share,
        ids=shared_item_ids,
    ),
    # Ledger rows mark the units an item names (lead unit, co-units); an item is visible through any unit it
    # names or shares to, so with one unit per seeded item no row may name a unit outside the subtree.
    "reporting:ledger": ListEndpoint("/reporting/ledger/2025/", html_units, seed=seed_ledger_item),
    "reporting:mine": ListEndpoint(
        "/reporting/?year=2025", html_units, seed=seed_item_share, viewer=(Role.REPORTER, "420106")
    ),
    "reporting:missing": ListEndpoint("/reporting/missing/?year=2025", html_units, seed=seed_ledger_item),
    "reporting:queue": ListEndpoint(
        "/reporting/queue/", html_units, seed=seed_pending_reports, viewer=(Role.REVIEWER, "420106")
    ),
}

CATALOG = "the published policy catalog: every signed-in role reads all of it"
LIST_EXEMPT: dict[str, str] = {
    "api-v1:list_policies": CATALOG,
    "api-v1:list_tasks": CATALOG,
    "api-v1:list_targets": CATALOG,
    # A screen, listed here to say why it is not in LIST_ENDPOINTS: its rows are not unit-owned, and it answers
    # 404 to every role but the working-group office (see tests/route_matrix.py INGEST and the ingest tests).
    "ingest:documents": "policy ingestion is office-only and office-wide; everyone else gets 404",
}
