"""schemathesis over the whole OpenAPI document, once per role: no 5xx and no response outside the schema.

Undocumented status codes (401/404 are not listed per operation by django-ninja) are not failures here; the
route matrix and the scoping tests pin those down.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from minsheng.org.models import Unit

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_openapi_document_fuzzed_for_every_role(
    role_clients: dict[str, Client], org_tree: dict[str, Unit], make_user: Any
) -> None:
    from tests.route_matrix import World

    World(units=org_tree, make_user=make_user).target_led_by(org_tree["420102"])  # some catalog rows
    # Like Django's test client: keep the test's database connection (and its transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run_all(role_clients)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run_all(role_clients: dict[str, Client]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert operations
    failures: list[str] = []
    ok_by_role: dict[str, int] = {}
    for role, client in role_clients.items():
        cookies = {
            django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value
        }
        for operation in operations:
            try:
                _fuzz(operation, role, cookies, ok_by_role)
            except Exception as exc:  # collect every role's and operation's failure, then report all
                failures.append(f"{role} {operation.label}: {type(exc).__name__}: {str(exc)[:400]}")
    assert not failures, "\n\n".join(failures)
    assert all(ok_by_role.get(role, 0) > 0 for role in role_clients), ok_by_role  # signed in, not all 401


def _fuzz(operation: Any, role: str, cookies: dict[str, str], ok_by_role: dict[str, int]) -> None:
    @hsettings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        case.cookies = dict(cookies)
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        response = case.call()
        ok_by_role[role] = ok_by_role.get(role, 0) + (response.status_code == 200)
        case.validate_response(response, checks=CHECKS)

    fuzz()
