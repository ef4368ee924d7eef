"""Hostile input and output: deploy checks, security headers on every response, CSRF on every state change,
error pages without tracebacks, bearer tokens refused for accounts that must use TOTP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from minsheng.accounts.services import api_token_create
from minsheng.org.models import Unit
from minsheng.org.services import admin_role_set
from tests import route_matrix as rm
from tests.urlwalk import all_routes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        FIELD_BLIND_INDEX_KEY=secrets.token_urlsafe(48),
    )
    return env


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "minsheng", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_turn_on_hsts_and_secure_cookies() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds, subdomains, session_secure, csrf_secure, redirect, debug = result.stdout.split()
    assert int(seconds) >= 31536000
    assert (subdomains, session_secure, csrf_secure, redirect, debug) == (
        "True",
        "True",
        "True",
        "True",
        "False",
    )


def _screen_urls(world: rm.World) -> list[str]:
    """Every screen without parameters, and every registered screen with one (the caller's own object)."""
    urls: list[str] = []
    for route in all_routes():
        if route.name.startswith("admin:") or route.name in {"set_language", "accounts:logout"}:
            continue
        if not route.params:
            urls.append(reverse(route.name))
            continue
        entry = rm.entry_for(route.name)
        if isinstance(entry, rm.Scoped | rm.Public):
            urls.append(reverse(route.name, kwargs=entry.factory(world, world.home)))
    return urls


def test_every_response_carries_the_security_headers(
    role_clients: dict[str, Client], org_tree: dict[str, Unit], make_user: Any
) -> None:
    world = rm.World(units=org_tree, make_user=make_user)
    urls = [*_screen_urls(world), "/admin/", "/no-such-page/", "/api/v1/no-such", "/en/org/"]
    assert len(urls) > 10
    missing: list[str] = []
    for who, client in {"anonymous": Client(), **role_clients}.items():
        for url in urls:
            response = client.get(url)
            for header, value in SECURITY_HEADERS.items():
                if value not in response.get(header, ""):
                    missing.append(f"{who} GET {url} ({response.status_code}): {header}")
    assert not missing, "\n".join(missing[:40])


def test_hsts_is_sent_over_https_with_production_values(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_csrf_is_required_for_every_state_change(
    org_tree: dict[str, Unit], make_user: Any, role_clients: dict[str, Client]
) -> None:
    world = rm.World(units=org_tree, make_user=make_user)
    urls = [*_screen_urls(world), "/accounts/logout/", "/i18n/setlang/", "/admin/org/unit/add/"]
    leader = make_user("csrf_leader", "leader", org_tree["420100"])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(leader)
    anonymous = Client(enforce_csrf_checks=True)
    accepted: list[str] = []
    for url in [u for u in urls if not u.startswith("/api/")]:
        for who, client in (("leader", strict), ("anonymous", anonymous)):
            response = client.post(url, {"username": "x", "password": "y"})
            if response.status_code != 403:
                accepted.append(f"{who} POST {url} → {response.status_code}")
    # API writes with a session cookie need the token too (bearer-token clients carry no cookie).
    from tests.urlwalk import api_methods, routes_with_ids

    for route in [r for r in all_routes() if r.is_api]:
        for method in api_methods(route):
            if method == "GET":
                continue
            from django.urls.converters import IntConverter

            kwargs = {k: 1 if isinstance(conv, IntConverter) else "x" for k, conv in route.params.items()}
            url = reverse(route.name, kwargs=kwargs)
            response = strict.generic(method, url, data="{}", content_type="application/json")
            if response.status_code not in (401, 403):
                accepted.append(f"leader {method} {url} → {response.status_code}")
    assert routes_with_ids()
    assert not accepted, "\n".join(accepted)


def test_error_pages_are_chinese_and_never_show_tracebacks(settings: Any, make_user: Any) -> None:
    settings.ROOT_URLCONF = "tests.urls_errors"
    client = Client(raise_request_exception=False)
    client.force_login(make_user("err"))
    expectations = {
        "/test-boom/": (500, "服务器内部错误"),
        "/test-forbidden/": (403, "无权访问"),
        "/test-suspicious/": (400, "请求无效"),
        "/no-such-page/": (404, "页面不存在"),
    }
    for url, (status, words) in expectations.items():
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == status, url
        assert words in body, url
        for leak in ("Traceback", "secret internals", "internal reason", "SELECT", 'File "'):
            assert leak not in body, (url, leak)
    post = Client(enforce_csrf_checks=True).post("/accounts/login/", {})
    assert post.status_code == 403
    assert "请求已过期" in post.content.decode()


def test_bearer_tokens_do_not_work_for_accounts_that_need_totp(make_user: Any) -> None:
    admin = make_user("tokadmin")
    admin_role_set(actor=None, user=admin, admin_role="system_admin")
    _token, secret = api_token_create(actor=admin, user=admin, name="t")
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/units")
    assert response.status_code == 401
