"""Prepared queries answer exactly what the ORM answers, with the same instances, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minsheng.accounts.backends import ModelBackend
from minsheng.accounts.middleware import requires_second_factor
from minsheng.accounts.models import User
from minsheng.common.prepared import PreparedCount, PreparedQuery
from minsheng.org.access import assignments
from minsheng.org.models import Body, BodyKind, Role, RoleAssignment, Unit
from minsheng.org.services import role_grant

pytestmark = pytest.mark.django_db

_BY_USER = PreparedQuery(
    RoleAssignment,
    lambda user_id: (
        RoleAssignment.objects.filter(user_id=user_id).select_related("unit", "body").order_by("id")
    ),
)
_UNITS_UNDER = PreparedCount(Unit, lambda parent_id: Unit.objects.filter(parent_id=parent_id))


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_prepared_select_related_read_matches_the_orm(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("two_roles", Role.REPORTER, org_tree["420102"])
    body = Body.objects.create(code="bench-body", name="测试工作小组", kind=BodyKind.WORKING_GROUP)
    RoleAssignment.objects.create(user=user, unit=org_tree["420100"], role=Role.OFFICE, body=body)
    orm = list(RoleAssignment.objects.filter(user_id=user.pk).select_related("unit", "body").order_by("id"))
    for _ in range(2):  # the second call runs the SQL compiled by the first
        prepared = _BY_USER.fetch(user.pk)
        assert [_fields(ra) for ra in prepared] == [_fields(ra) for ra in orm]
        assert [_fields(ra.unit) for ra in prepared] == [_fields(ra.unit) for ra in orm]
        assert [ra.body and _fields(ra.body) for ra in prepared] == [
            ra.body and _fields(ra.body) for ra in orm
        ]
        assert all(not ra._state.adding and ra._state.db == "default" for ra in prepared)
    with CaptureQueriesContext(connection) as queries:
        [(ra.unit.path, ra.body) for ra in _BY_USER.fetch(user.pk)]
    assert len(queries) == 1  # unit and body came with the row
    assert _BY_USER.fetch(-1) == []


def test_the_prepared_user_read_matches_the_orm(make_user: Any) -> None:
    """Every column the per-request user read returns (binary results on PostgreSQL, ADR 0013) equals the ORM's,
    time zones included; the encrypted real-name fields are deferred, not read."""
    from django.utils import timezone

    user = make_user("same_as_orm")
    user.last_login = timezone.now()
    user.password_changed_at = timezone.now()
    user.save()
    orm = User.objects.get(pk=user.pk)
    for _ in range(2):
        loaded = ModelBackend().get_user(user.pk)
        assert loaded is not None
        deferred = loaded.get_deferred_fields()
        assert deferred == {"phone", "id_number"}
        read = [f.attname for f in User._meta.concrete_fields if f.attname not in deferred]
        assert {k: getattr(loaded, k) for k in read} == {k: getattr(orm, k) for k in read}
        assert loaded.last_login is not None
        assert loaded.last_login.utcoffset() is not None


def test_a_prepared_count_matches_the_orm(org_tree: dict[str, Unit]) -> None:
    for unit in org_tree.values():
        assert _UNITS_UNDER.count(unit.pk) == Unit.objects.filter(parent_id=unit.pk).count()


def test_a_prepared_read_by_a_string_matches_the_orm(org_tree: dict[str, Unit]) -> None:
    """String arguments (ADR 0014: the session key) bind as parameters, never as SQL text."""
    by_code = PreparedQuery(Unit, lambda code: Unit.objects.filter(code=code))
    for code in ("420102", "420106S01", "420102S01C01"):
        assert [u.pk for u in by_code.fetch(code)] == [org_tree[code].pk]
    assert by_code.fetch("no-such-code' OR '1'='1") == []


def test_a_shape_that_drops_an_argument_is_refused() -> None:
    broken = PreparedQuery(Unit, lambda unit_id: Unit.objects.filter(depth=0))
    with pytest.raises(ValueError, match="exactly once"):
        broken.fetch(1)


def test_the_backend_loads_active_users_only(make_user: Any) -> None:
    user = make_user("active_one")
    loaded = ModelBackend().get_user(user.pk)
    assert loaded is not None
    assert _fields(loaded) == _fields(User.objects.get(pk=user.pk))
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user("not-a-number") is None
    assert ModelBackend().get_user(10**9) is None


def test_a_signed_in_session_uses_the_prepared_backend(org_tree: dict[str, Unit], make_user: Any) -> None:
    make_user("pw_user", Role.LEADER, org_tree["420100"])
    user = User.objects.get(username="pw_user")
    user.set_password("Correct-horse-9!")
    user.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": "pw_user", "password": "Correct-horse-9!"})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "minsheng.accounts.backends.ModelBackend"
    assert client.get("/progress/").status_code == 200


def test_roles_read_fresh_on_every_request(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("regrant", Role.REPORTER, org_tree["420102"])
    assert [ra.role for ra in assignments(User.objects.get(pk=user.pk))] == [Role.REPORTER]
    role_grant(actor=None, user=user, unit=org_tree["420103"], role=Role.REVIEWER)
    assert [ra.role for ra in assignments(User.objects.get(pk=user.pk))] == [Role.REPORTER, Role.REVIEWER]
    RoleAssignment.objects.filter(user=user).delete()
    assert assignments(User.objects.get(pk=user.pk)) == []


def test_the_second_factor_follows_the_unmask_permission_at_once(make_user: Any) -> None:
    user = make_user("maybe_unmasker")
    perm = Permission.objects.get(content_type__app_label="accounts", codename="unmask_personal_data")
    assert not requires_second_factor(User.objects.get(pk=user.pk))
    user.user_permissions.add(perm)
    assert requires_second_factor(User.objects.get(pk=user.pk))
    user.user_permissions.remove(perm)
    assert not requires_second_factor(User.objects.get(pk=user.pk))
    group = Group.objects.create(name="unmaskers")
    group.permissions.add(perm)
    user.groups.add(group)
    assert requires_second_factor(User.objects.get(pk=user.pk))
    group.permissions.remove(perm)
    assert not requires_second_factor(User.objects.get(pk=user.pk))
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    assert requires_second_factor(User.objects.get(pk=user.pk))


def test_postgresql_runs_them_as_prepared_statements(make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("server-side prepared statements are a PostgreSQL feature")
    if connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None:
        pytest.skip("prepared statements turned off (DATABASE_PREPARE=0)")
    user = make_user("prepared_one")
    for _ in range(2):
        assert ModelBackend().get_user(user.pk) is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    # The user statement carries the user facts' parameters first (ADR 0012), so its own is not always $1.
    assert any(
        re.search(r'FROM "accounts_user" WHERE "accounts_user"\."id" = \$\d+$', s) for s in statements
    ), statements
