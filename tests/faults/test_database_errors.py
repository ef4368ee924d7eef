"""Where a lost database surfaces, the answer is the same plain 503: in a view, in middleware before the view
(the session and user lookups), as an InterfaceError, wrapped in another exception. Anything else stays a 500.

Fast, in-process and on either database; the real stopped-PostgreSQL run is test_database_outage.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from minsheng.common.middleware import database_unavailable

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
