"""The session engine (ADR 0014): sessions in `accounts.Session` with the user's id as a column, read in the same
statement as the user; Django's checks (expiry, signed data, password hash, inactive users) unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minsheng.accounts.backends import ModelBackend
from minsheng.accounts.models import Session, User
from minsheng.accounts.sessions import SessionStore, resolving, take_prefetched_user
from minsheng.conftest import PASSWORD_BACKEND
from minsheng.org.models import Unit

pytestmark = pytest.mark.django_db


def _signed_in(make_user: Any, unit: Unit, name: str = "sess_leader") -> tuple[Client, User]:
    user = make_user(name, "leader", unit)
    client = Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client, user


def _row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _signed_in_as(client: Client) -> str | None:
    """The username the leadership page was served to, or None when the request was sent to sign in."""
    response = client.get("/progress/")
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
        return None
    assert response.status_code == 200
    return str(response.wsgi_request.user.username)


def test_the_session_row_names_its_user_and_a_sign_out_removes_it(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    assert _row(client).user_id == user.pk
    assert _signed_in_as(client) == user.username
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert _signed_in_as(client) is None


def test_a_session_without_a_user_is_read_the_ordinary_way(db: Any) -> None:
    store = SessionStore()
    store["draft"] = "保存的草稿"
    store.create()
    assert Session.objects.get(session_key=store.session_key).user_id is None
    again = SessionStore(store.session_key)
    assert again["draft"] == "保存的草稿"
    assert again.prefetched_user is None


def test_a_signed_in_read_is_one_statement_with_the_user(org_tree: dict[str, Unit], make_user: Any) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    store = SessionStore(client.cookies["sessionid"].value)
    with CaptureQueriesContext(connection) as ctx:
        assert store[SESSION_KEY] == str(user.pk)
    assert len(ctx.captured_queries) == 1
    assert store.prefetched_user is not None
    assert store.prefetched_user.pk == user.pk
    assert store.prefetched_user.get_deferred_fields() == {"phone", "id_number"}
    assert not hasattr(store.prefetched_user, "ms_session_data")  # the session text is not left on the user


def test_an_expired_session_signs_the_user_out(org_tree: dict[str, Unit], make_user: Any) -> None:
    client, _ = _signed_in(make_user, org_tree["420100"])
    Session.objects.filter(pk=_row(client).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert _signed_in_as(client) is None


def test_tampered_session_data_signs_the_user_out(org_tree: dict[str, Unit], make_user: Any) -> None:
    client, _ = _signed_in(make_user, org_tree["420100"])
    row = _row(client)
    Session.objects.filter(pk=row.pk).update(session_data=row.session_data[:-3] + "abc")
    assert _signed_in_as(client) is None


def test_the_data_not_the_column_decides_who_is_signed_in(org_tree: dict[str, Unit], make_user: Any) -> None:
    """Were the column ever to disagree with the signed data, the data's user is served (read on its own)."""
    client, user = _signed_in(make_user, org_tree["420100"])
    other = make_user("sess_other", "leader", org_tree["420100"])
    Session.objects.filter(pk=_row(client).pk).update(user=other)
    assert _signed_in_as(client) == user.username


def test_an_inactive_or_re_passworded_user_is_signed_out(org_tree: dict[str, Unit], make_user: Any) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    assert _signed_in_as(client) == user.username
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _signed_in_as(client) is None

    client, user = _signed_in(make_user, org_tree["420100"], name="sess_repassword")
    user.set_password("Another#Pw2026x")
    User.objects.filter(pk=user.pk).update(password=user.password)
    assert _signed_in_as(client) is None


def test_deleting_a_user_deletes_their_sessions(org_tree: dict[str, Unit], make_user: Any) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    key = client.cookies["sessionid"].value
    user.delete()
    assert not Session.objects.filter(session_key=key).exists()


def test_the_prefetched_user_is_handed_over_once_and_only_while_resolving(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    store = SessionStore(client.cookies["sessionid"].value)
    store._session_cache = store.load()  # type: ignore[attr-defined]  # loaded, as the middleware's first session read leaves it
    assert store.prefetched_user is not None
    assert take_prefetched_user(user.pk) is None  # not resolving: nothing to take
    with resolving(store):
        assert take_prefetched_user(user.pk + 1) is None  # another user's id takes nothing
        with CaptureQueriesContext(connection) as ctx:
            taken = ModelBackend().get_user(user.pk)
        assert taken is not None
        assert taken.pk == user.pk
        assert len(ctx.captured_queries) == 0
        assert take_prefetched_user(user.pk) is None  # once
        assert ModelBackend().get_user(user.pk) is not None  # read afresh


def test_the_idle_clock_refresh_keeps_the_user_column(
    org_tree: dict[str, Unit], make_user: Any, time_machine: Any
) -> None:
    client, user = _signed_in(make_user, org_tree["420100"])
    assert _signed_in_as(client) == user.username
    before = _row(client).expire_date
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=5), tick=False)
    assert _signed_in_as(client) == user.username
    row = _row(client)
    assert row.expire_date > before
    assert row.user_id == user.pk


def test_a_signed_session_text_is_decoded_once_per_process_and_handed_out_as_copies(
    org_tree: dict[str, Unit], make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minsheng.accounts import sessions

    client, user = _signed_in(make_user, org_tree["420100"])
    key = client.cookies["sessionid"].value
    monkeypatch.setattr(sessions, "_DECODED", {})
    decodes: list[str] = []
    real_decode = SessionStore.decode

    def counting(self: SessionStore, session_data: str) -> dict[str, Any]:
        decodes.append(session_data)
        return real_decode(self, session_data)

    monkeypatch.setattr(SessionStore, "decode", counting)
    first, second = SessionStore(key), SessionStore(key)
    assert first[SESSION_KEY] == second[SESSION_KEY] == str(user.pk)
    assert len(decodes) == 1  # the second read used the kept data
    second["changed_here"] = "只在这一次请求"  # a request's change does not reach the kept data
    assert SessionStore(key).get("changed_here") is None
    assert len(decodes) == 1
    # A written session is a new text, decoded afresh; a tampered one too, and it is refused.
    second.save()
    assert SessionStore(key)["changed_here"] == "只在这一次请求"
    assert len(decodes) == 2
    row = Session.objects.get(pk=key)
    Session.objects.filter(pk=key).update(session_data=row.session_data[:-3] + "abc")
    assert SessionStore(key).get(SESSION_KEY) is None
    assert len(decodes) == 3


def test_session_data_of_other_than_plain_values_is_not_kept(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minsheng.accounts import sessions

    monkeypatch.setattr(sessions, "_DECODED", {})
    store = SessionStore()
    store["plain"] = "值"
    store["nested"] = ["可变", "列表"]
    store.create()
    assert sessions.SessionStore(store.session_key)._decoded(
        Session.objects.get(pk=store.session_key).session_data
    ) == {"plain": "值", "nested": ["可变", "列表"]}
    assert sessions._DECODED == {}


def test_clearsessions_deletes_expired_sessions_only(org_tree: dict[str, Unit], make_user: Any) -> None:
    from django.core.management import call_command

    live, _ = _signed_in(make_user, org_tree["420100"])
    stale, _ = _signed_in(make_user, org_tree["420100"], name="sess_stale")
    Session.objects.filter(pk=_row(stale).pk).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.cookies["sessionid"].value]
