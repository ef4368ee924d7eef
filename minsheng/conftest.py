"""Org and user fixtures: the reference tree, demo-like users, and a logged-in client per role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

if TYPE_CHECKING:
    from minsheng.accounts.models import User
    from minsheng.org.models import Unit

SAMPLE = "code,name,parent_code\n420102S01,大智街道,420102\n420102S01C01,和平社区,420102S01\n420106S01,积玉桥街道,420106\n"


@pytest.fixture
def org_tree(db: Any) -> dict[str, Unit]:
    # Imports inside fixtures keep this conftest loadable by pure tests run with `-p no:django`.
    from minsheng.org.models import Unit
    from minsheng.org.services import REFERENCE_UNITS, units_import_csv, units_load_reference

    units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
    units_import_csv(actor=None, text=SAMPLE, synthetic=True)
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def make_user(db: Any) -> Any:
    from minsheng.accounts.models import User
    from minsheng.org.services import role_grant

    def _make(username: str, role: str | None = None, unit: Unit | None = None, **extra: Any) -> User:
        user = User.objects.create(username=username, **extra)
        user.set_password("Pw#12345abc")
        user.save()
        if role and unit:
            role_grant(actor=None, user=user, unit=unit, role=role)
        return user

    return _make


@pytest.fixture
def client_for(make_user: Any) -> Any:
    def _client(username: str, role: str, unit: Unit) -> Client:
        client = Client()
        client.force_login(make_user(username, role, unit))
        return client

    return _client


@pytest.fixture
def jiangan_reporter(org_tree: dict[str, Unit], client_for: Any) -> Client:
    client: Client = client_for("jiangan_rep", "reporter", org_tree["420102"])
    return client
