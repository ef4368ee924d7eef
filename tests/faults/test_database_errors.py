"""Where a lost database surfaces, the answer is the same plain 503: in a view, in middleware before the view
(the session and user lookups), as an InterfaceError, wrapped in another exception. Anything else stays a 500.

Fast, in-process and on either database; the real stopped-PostgreSQL run is test_database_outage.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from minsheng.accounts.services import api_token_create
from minsheng.accounts.sessions import SessionStore
from minsheng.common.middleware import database_unavailable
from minsheng.reporting.tests.conftest import World

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def _plain_503(response: Any) -> None:
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "服务暂时不可用" in body
    for leak in ("Traceback", "OperationalError", "connection refused", "psycopg"):
        assert leak not in body


def test_a_lost_connection_in_middleware_before_the_view_is_a_503(
    jiangan_reporter: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: SessionStore) -> dict[str, Any]:
        raise OperationalError(
            'connection failed: connection to server at "127.0.0.1" failed: Connection refused'
        )

    monkeypatch.setattr(SessionStore, "load", refused)
    jiangan_reporter.raise_request_exception = False
    _plain_503(jiangan_reporter.get("/reporting/"))


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("the connection is closed"),
    ],
    ids=["operational", "interface"],
)
def test_healthz_answers_503_when_the_database_is_away(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    from minsheng.common import views

    class Broken:
        def cursor(self) -> Any:
            raise error

    monkeypatch.setattr(views, "connection", Broken())
    _plain_503(Client(raise_request_exception=False).get("/healthz"))


def test_other_errors_stay_500_and_wrapped_database_errors_count() -> None:
    assert not database_unavailable(RuntimeError("boom"))
    assert not database_unavailable(None)
    inner = OperationalError("server closed the connection unexpectedly")
    outer = RuntimeError("template rendering failed")
    outer.__cause__ = inner
    assert database_unavailable(outer)


def test_a_session_save_that_loses_the_database_is_a_503_not_a_400(
    jiangan_reporter: Client, monkeypatch: pytest.MonkeyPatch, time_machine: Any
) -> None:
    """Django turns a failed session UPDATE into SessionInterrupted (a 400, "the session was deleted"); when
    the cause is a lost database the answer must be the outage 503 (seen once in CI when PostgreSQL was
    stopped just as the idle clock was being refreshed)."""
    from minsheng.accounts.models import Session

    assert jiangan_reporter.get("/reporting/").status_code == 200
    # Past SESSION_TOUCH_SECONDS (within the idle limit): this request rewrites the idle clock.
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5), tick=False)

    def lost(self: Session, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Session, "save", lost)
    jiangan_reporter.raise_request_exception = False
    _plain_503(jiangan_reporter.get("/reporting/"))


def test_a_genuinely_bad_request_stays_a_400(client: Client) -> None:
    response = client.get("/reporting/", headers={"host": "bad host name"})
    assert response.status_code == 400


def test_an_api_submission_that_loses_the_database_is_a_503_not_no_such_item(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item lookup once caught every exception and answered 404 "台帐事项不存在" (seen in CI when
    PostgreSQL was stopped mid-request); a client would then drop a report it should retry."""
    from minsheng.reporting import api as reporting_api

    _t, secret = api_token_create(actor=world.jiangan_reporter, user=world.jiangan_reporter, name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"}, raise_request_exception=False)

    def lost(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(reporting_api, "get_item_for_user_or_404", lost)
    body = {
        "item_id": world.jobs.pk,
        "unit_code": "420102",
        "period": "2025Q1",
        "value": "3",
        "idempotency_key": "k",
    }
    _plain_503(api.post("/api/v1/reporting/submissions", body, content_type="application/json"))
