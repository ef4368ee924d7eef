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

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from minsheng.org.models import Unit

Extract = Callable[[Any], set[str]]  # takes the test client's response
Seed = Callable[[Unit], None]


def html_units(response: Any) -> set[str]:
    return set(re.findall(r'data-unit="([^"]+)"', response.content.decode()))


def json_units(field: str) -> Extract:
    def extract(response: Any) -> set[str]:
        data = response.json()
        items = data["items"] if isinstance(data, dict) and "items" in data else data
        return {str(item[field]) for item in items if item.get(field)}

    return extract


@dataclass(frozen=True)
class ListEndpoint:
    url: str
    extract: Extract
    seed: Seed | None = None


LIST_ENDPOINTS: dict[str, ListEndpoint] = {
    "org:tree": ListEndpoint("/org/?depth=9", html_units),
    "api-v1:list_units": ListEndpoint("/api/v1/units?limit=1000", json_units("code")),
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
