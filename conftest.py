"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _audit_maintenance_for_flush(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """Transactional tests end with a flush; let it past the audit table's append-only triggers."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from minsheng.audit.maintenance import audit_maintenance

        with django_db_blocker.unblock(), audit_maintenance():
            yield
    else:
        yield
