"""Org and user fixtures: the reference tree, demo-like users, and a logged-in client per role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

if TYPE_CHECKING:
    from minsheng.accounts.models import User
    from minsheng.org.models import Unit

PASSWORD_BACKEND = "minsheng.accounts.backends.ModelBackend"  # noqa: S105  # a dotted path, not a password
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
        # The backend a password sign-in records (force_login would take the first configured: django-axes'),
        # so pages load the user as they do in service, with the user facts (ADR 0012).
        client.force_login(make_user(username, role, unit), backend=PASSWORD_BACKEND)
        return client

    return _client


@pytest.fixture
def jiangan_reporter(org_tree: dict[str, Unit], client_for: Any) -> Client:
    client: Client = client_for("jiangan_rep", "reporter", org_tree["420102"])
    return client


def otp_verified_login(client: Client, user: User) -> None:
    """Sign `user` in on `client` with a confirmed TOTP device already verified in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client_for(make_user: Any) -> Any:
    """A signed-in, TOTP-verified client for one of the three administrators."""
    from minsheng.org.services import admin_role_set

    def _client(username: str, admin_role: str) -> Client:
        user = make_user(username)
        admin_role_set(actor=None, user=user, admin_role=admin_role)
        client = Client()
        otp_verified_login(client, user)
        return client

    return _client


CITYWIDE_AT = {"leader": "420100", "office": "420100", "supervisor": "420100", "evaluator": "420100"}
ADMIN_ROLE_NAMES = ("system_admin", "security_admin", "audit_admin")


@pytest.fixture
def role_clients(org_tree: dict[str, Unit], client_for: Any, admin_client_for: Any) -> dict[str, Client]:
    """One signed-in client per role: city-wide roles at the city, unit roles in 江岸区, the three admins."""
    from minsheng.org.models import Role

    clients: dict[str, Client] = {}
    for role in Role.values:
        unit = org_tree[CITYWIDE_AT.get(role, "420102")]
        clients[role] = client_for(f"rc_{role}", role, unit)
    for admin_role in ADMIN_ROLE_NAMES:
        clients[admin_role] = admin_client_for(f"rc_{admin_role}", admin_role)
    return clients
