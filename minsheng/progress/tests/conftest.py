"""Fixtures for the Django side of progress: the Wuhan catalog, synthetic history, computed statuses."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from minsheng.org.models import Unit
    from minsheng.policy.models import Policy

AS_OF = date(2024, 12, 31)
EARLIER = date(2023, 12, 31)


@pytest.fixture
def catalog(org_tree: dict[str, Unit]) -> Policy:
    from minsheng.policy.services import WUHAN_CATALOG, policy_load_file

    return policy_load_file(actor=None, path=WUHAN_CATALOG).policy


@pytest.fixture
def progress_data(catalog: Policy, org_tree: dict[str, Unit]) -> dict[str, Unit]:
    """The demo's synthetic observations and district shares (city, 13 districts, 4 zones)."""
    from minsheng.demo.progress_data import synthetic_rows
    from minsheng.org.models import Unit, UnitKind
    from minsheng.progress.models import SourceKind, TargetShare
    from minsheng.progress.services import observations_bulk_load

    city = org_tree["420100"]
    areas = list(
        Unit.objects.filter(parent=city, kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]).order_by("code")
    )
    rows, shares = synthetic_rows(city, areas)
    observations_bulk_load(actor=None, rows=rows, label="test")
    TargetShare.objects.bulk_create(
        [TargetShare(target=t, unit=u, value=v, source_kind=SourceKind.SYNTHETIC) for t, u, v in shares]
    )
    return org_tree


@pytest.fixture
def statuses(progress_data: dict[str, Unit]) -> dict[str, Unit]:
    """TargetStatus rows as of the end of 2023 and 2024."""
    from minsheng.progress.services import progress_recompute

    progress_recompute(actor=None, as_of=EARLIER)
    progress_recompute(actor=None, as_of=AS_OF)
    return progress_data


@pytest.fixture
def leader(client_for: Any, org_tree: dict[str, Unit]) -> Any:
    return client_for("leader1", "leader", org_tree["420100"])


@pytest.fixture
def jiangan(client_for: Any, org_tree: dict[str, Unit]) -> Any:
    return client_for("jiangan1", "reporter", org_tree["420102"])
