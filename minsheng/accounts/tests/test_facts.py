"""User facts (ADR 0012): what every page needs about the user arrives in the statement that loads the user, and
is as current as the database at the start of each request."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minsheng.accounts import facts
from minsheng.accounts.middleware import requires_second_factor
from minsheng.accounts.models import User
from minsheng.conftest import PASSWORD_BACKEND
from minsheng.org.models import Unit
from minsheng.reporting.models import Notice
from minsheng.reporting.selectors import unread_notice_count

pytestmark = pytest.mark.django_db


def _signed_in(make_user: Any, unit: Unit) -> tuple[Client, User]:
    user = make_user("facts_leader", "leader", unit)
    client = Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client, user


def test_a_warm_page_reads_the_user_and_every_fact_in_one_statement(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    client, _ = _signed_in(make_user, org_tree["420100"])
    assert client.get("/progress/").status_code == 200  # warms this process's role rows and page
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/progress/").status_code == 200
    # The session, the user and the facts (ADR 0014): one statement in all.
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].startswith('SELECT "accounts_user"."id"')
    assert 'INNER JOIN "accounts_session"' in statements[0]
    for name in (
        "holds_unmask",
        "unread_notices",
        "roles_signature",
        "statuses_changed",
        "observations_changed",
    ):
        assert f'AS "ms_fact_{name}"' in statements[0]


def test_the_unread_badge_and_the_second_factor_follow_the_database_from_the_next_request(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    assert '<span class="badge">' not in client.get("/progress/").content.decode()
    Notice.objects.create(user=user, kind="due_soon", message="m1")
    Notice.objects.create(user=user, kind="due_soon", message="m2")
    assert '<span class="badge">2</span>' in client.get("/progress/").content.decode()
    user.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    response = client.get("/progress/")
    assert response.status_code == 302
    assert "/accounts/otp/" in response["Location"]


def test_a_user_loaded_another_way_has_no_facts_and_readers_ask_the_database(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("plain", "leader", org_tree["420100"])
    Notice.objects.create(user=user, kind="due_soon", message="m")
    plain = User.objects.get(pk=user.pk)
    assert facts.fact(plain, "unread_notices") is facts.MISSING
    assert unread_notice_count(plain) == 1
    assert requires_second_factor(plain) is False
    plain.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    assert requires_second_factor(User.objects.get(pk=user.pk)) is True


def test_a_fact_read_with_the_user_is_the_one_readers_use(org_tree: dict[str, Unit], make_user: Any) -> None:
    from minsheng.accounts.backends import ModelBackend

    user = make_user("loaded", "leader", org_tree["420100"])
    Notice.objects.create(user=user, kind="due_soon", message="m")
    loaded = ModelBackend().get_user(user.pk)
    assert loaded is not None
    assert facts.fact(loaded, "unread_notices") == 1
    Notice.objects.all().delete()
    assert unread_notice_count(loaded) == 1  # as of the start of the request that loaded it
    assert unread_notice_count(ModelBackend().get_user(user.pk)) == 0


@pytest.mark.parametrize("name", ["", "two words", "a__b", "1st"])
def test_a_fact_name_must_be_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        facts.register(name, lambda: None)  # type: ignore[arg-type,return-value]


@pytest.mark.postgres_only
def test_the_user_statement_stays_short_enough_for_psycopgs_statement_cache(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    """psycopg re-parses a statement longer than this on every execution (about 15 % of a warm page's time, seen
    with a longer signature expression); a new fact or user column must keep the statement under it."""
    from psycopg import _queries

    from minsheng.accounts.backends import _USER_BY_ID

    user = make_user("short", "leader", org_tree["420100"])
    _USER_BY_ID.rows(user.pk)
    compiled = _USER_BY_ID._compiled[("default", connection.vendor)]
    assert len(compiled.sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(compiled.params) <= _queries.MAX_CACHED_STATEMENT_PARAMS


def test_the_encrypted_real_name_fields_are_decrypted_only_when_read(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    from minsheng.accounts.backends import ModelBackend

    user = make_user("with_phone", "leader", org_tree["420100"])
    user.phone = "13800138000"
    user.save()
    loaded = ModelBackend().get_user(user.pk)
    assert loaded is not None
    assert {"phone", "id_number"} <= loaded.get_deferred_fields()
    assert loaded.phone == "13800138000"  # loaded on first read
