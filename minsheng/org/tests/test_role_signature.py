"""Role assignments kept per process under the signature read with the user (ADR 0012): never stale, whatever
changed them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minsheng.accounts import facts
from minsheng.accounts.models import User
from minsheng.conftest import PASSWORD_BACKEND
from minsheng.org import access
from minsheng.org.models import Role, RoleAssignment, Unit
from minsheng.org.services import role_grant

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


def _role_reads(client: Client, url: str = "/progress/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(q["sql"].startswith('SELECT "org_roleassignment"') for q in ctx.captured_queries)


def test_a_warm_request_reads_no_role_rows(org_tree: dict[str, Unit], make_user: Any) -> None:
    client = _client(make_user("sig1", Role.REPORTER, org_tree["420102"]))
    assert _role_reads(client) == 1  # first request of this signature in this process
    assert _role_reads(client) == 0


def test_a_grant_or_revocation_counts_from_the_next_request(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("sig2", Role.REPORTER, org_tree["420102"])
    client = _client(user)
    assert org_tree["420106"].name not in client.get("/progress/").content.decode().split("<main>")[0]
    role_grant(actor=None, user=user, unit=org_tree["420106"], role=Role.REPORTER)
    header = client.get("/progress/").content.decode().split("<main>")[0]
    assert org_tree["420106"].name in header
    RoleAssignment.objects.filter(user=user, unit=org_tree["420106"]).delete()
    header = client.get("/progress/").content.decode().split("<main>")[0]
    assert org_tree["420106"].name not in header


def test_a_change_made_outside_the_orm_is_seen_on_the_next_request(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("sig3", Role.REPORTER, org_tree["420102"])
    client = _client(user)
    assert "改名后的江岸区" not in client.get("/progress/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_unit SET name = %s WHERE code = %s", ["改名后的江岸区", "420102"])
    assert "改名后的江岸区" in client.get("/progress/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_roleassignment SET role = %s WHERE user_id = %s", [Role.LEADER, user.pk])
    loaded = _loaded(user)
    assert access.roles_of(loaded) == {Role.LEADER}
    assert access.unit_scope(loaded).everything is True  # leaders see the whole city


def _loaded(user: User) -> Any:
    from minsheng.accounts.backends import ModelBackend

    loaded = ModelBackend().get_user(user.pk)
    assert loaded is not None
    return loaded


def test_rows_are_kept_under_the_signature_read_with_them_never_under_a_stale_one(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    """A request whose signature was read before a change fetches the rows after it: they are kept under their
    own signature, so the old signature can never later stand for the new rows."""
    user = make_user("sig4", Role.REPORTER, org_tree["420102"])
    loaded = _loaded(user)
    stale = facts.fact(loaded, access.ROLES_FACT)
    assert isinstance(stale, str)
    assert stale
    role_grant(actor=None, user=user, unit=org_tree["420106"], role=Role.REPORTER)  # after the user was read
    access._ROWS_BY_SIGNATURE.clear()
    held = access.assignments(loaded)
    assert {ra.unit.code for ra in held} == {"420102", "420106"}  # the rows as they are now
    kept = {signature for _, signature in access._ROWS_BY_SIGNATURE}
    assert stale not in kept
    assert kept == {facts.fact(_loaded(user), access.ROLES_FACT)}


def test_a_user_without_grants_needs_no_role_read(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("nogrants")
    loaded = _loaded(user)
    assert facts.fact(loaded, access.ROLES_FACT) is None
    with CaptureQueriesContext(connection) as ctx:
        assert access.assignments(loaded) == []
    assert ctx.captured_queries == []


def test_instances_are_fresh_for_each_request(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("sig5", Role.REPORTER, org_tree["420102"])
    first, second = access.assignments(_loaded(user)), access.assignments(_loaded(user))
    assert [ra.pk for ra in first] == [ra.pk for ra in second]
    assert first[0] is not second[0]
    assert first[0].unit is not second[0].unit


def test_a_warm_page_builds_no_role_instance(
    org_tree: dict[str, Unit], make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header, the scope and the role checks of a kept page come from the summary kept beside the rows."""
    client = _client(make_user("sig6", Role.REPORTER, org_tree["420102"]))
    first = client.get("/progress/").content.decode()
    built: list[int] = []
    real = access._ASSIGNMENTS.instances

    def counted(rows: list[Any]) -> list[RoleAssignment]:
        built.append(len(rows))
        return real(rows)

    monkeypatch.setattr(access._ASSIGNMENTS, "instances", counted)
    second = client.get("/progress/").content.decode()
    assert built == []
    assert org_tree["420102"].name in second.split("<main>")[0]
    assert first.split("<main>")[0].count("·") == second.split("<main>")[0].count("·")


def test_the_kept_summary_is_what_the_rows_give(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("sig7", Role.REPORTER, org_tree["420102"])
    role_grant(actor=None, user=user, unit=org_tree["420106"], role=Role.REVIEWER)
    cold = _loaded(user)
    access._ROWS_BY_SIGNATURE.clear()
    from_rows = access.role_summary(cold)  # reads the rows, keeps them with their summary
    warm = _loaded(user)
    with CaptureQueriesContext(connection) as ctx:
        kept = access.role_summary(warm)
    assert ctx.captured_queries == []
    assert kept == from_rows == access.RoleSummary.of(access.assignments(_loaded(user)))
    assert kept.roles == {Role.REPORTER, Role.REVIEWER}
    assert [name for _, name in kept.grants] == [org_tree["420102"].name, org_tree["420106"].name]
    assert kept.scope.paths == tuple(sorted({org_tree["420102"].path, org_tree["420106"].path}))
    assert access.roles_of(warm) == {Role.REPORTER, Role.REVIEWER}
    assert access.unit_scope(warm) == kept.scope
