"""Accounts as the security guide decides: passwords, rotation and history, lockout, sessions, TOTP, idle."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts.models import User
from minsheng.audit.models import AuditEvent
from minsheng.org.models import Role, Unit
from minsheng.org.services import admin_role_set

pytestmark = pytest.mark.django_db
PASSWORD = "Pw#12345abc"  # what make_user sets
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


# --- password policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "admin", "ok"),
    [
        ("Ab#1xyz", False, False),  # 7 characters
        ("Ab#1xyzq", False, True),  # 8, four classes
        ("abcdxyz12", False, False),  # two classes
        ("Qp7#Lm2$Zk", True, False),  # admin, 10 characters
        ("Qp7#Lm2$Zk9!", True, True),  # admin, 12 characters
        ("Wuhan#2026x", False, False),  # the city's name
        ("Hank0u#2026", False, False),  # a district, with a digit for a letter
        ("Jiangxia@88", False, False),
        ("Passw0rd#1", False, False),  # common password
    ],
)
def test_password_policy(password: str, admin: bool, ok: bool, make_user: Any) -> None:
    user = make_user("pp")
    if admin:
        admin_role_set(actor=None, user=user, admin_role="security_admin")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_last_five_passwords_cannot_be_reused(make_user: Any) -> None:
    user = make_user("hist")
    used = [PASSWORD] + [f"Rot#{n}abcdef" for n in range(1, 6)]
    for pw in used[1:]:
        validate_password(pw, user)
        user.set_password(pw)
        user.save()
    for pw in used[-5:]:  # the current one and the four before it
        with pytest.raises(ValidationError, match="最近"):
            validate_password(pw, user)
    validate_password(used[0], user)  # the sixth-last may come back
    assert user.password_history.count() == 5


def test_password_history_keeps_hashes_not_passwords(make_user: Any) -> None:
    user = make_user("hh")
    row = user.password_history.get()
    assert PASSWORD not in row.password_hash
    assert row.password_hash == user.password


def test_expired_password_must_be_changed(make_user: Any, settings: Any) -> None:
    with time_machine.travel(T0, tick=False):
        user = make_user("old")
        client = Client()
        client.force_login(user)
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False):
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/password/")
        response = client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": "Fresh#2026abc", "new_password2": "Fresh#2026abc"},
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert AuditEvent.objects.filter(action="accounts.password_change").exists()
    settings.PASSWORD_MAX_AGE_DAYS = 30  # configurable
    with time_machine.travel(T0 + dt.timedelta(days=91 + 31), tick=False):
        client.force_login(user)
        assert client.get("/").status_code == 302


# --- lockout and rate limit --------------------------------------------------------------------------


def _login(client: Client, username: str, password: str, ip: str = "10.1.1.1") -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _page(response: Any) -> str:
    """The response body without the per-response CSRF token and CSP nonce."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def test_five_failures_from_one_address_lock_the_account_like_a_wrong_password(make_user: Any) -> None:
    make_user("alice")
    client = Client()
    wrong = _login(client, "alice", "nope")
    assert wrong.status_code == 200
    for _ in range(4):
        _login(client, "alice", "nope")
    locked = _login(client, "alice", PASSWORD)  # the right password, but locked
    assert locked.status_code == wrong.status_code == 200
    assert _page(locked) == _page(wrong)
    assert "_auth_user_id" not in client.session
    # An unknown user gets exactly the same page: no enumeration.
    assert _page(_login(Client(), "nobody-here", "nope")) == _page(wrong)
    assert AuditEvent.objects.filter(action="auth.lockout").exists()
    # Another address is not locked by these five.
    assert _login(Client(), "alice", PASSWORD, ip="10.9.9.9").status_code == 302


def test_lock_lasts_thirty_minutes(make_user: Any) -> None:
    make_user("bob")
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            _login(Client(), "bob", "nope")
        assert _login(Client(), "bob", PASSWORD).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert _login(Client(), "bob", PASSWORD).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=61), tick=False):
        assert _login(Client(), "bob", PASSWORD).status_code == 302


def test_ten_failures_for_one_user_from_many_addresses_lock_it(make_user: Any) -> None:
    make_user("carol")
    for n in range(10):
        _login(Client(), "carol", "nope", ip=f"10.2.0.{n}")
    assert _login(Client(), "carol", PASSWORD, ip="10.3.0.1").status_code == 200


def test_one_office_address_allows_a_hundred_failures_then_stops(make_user: Any) -> None:
    make_user("dave")
    for n in range(99):
        _login(Client(), f"user{n % 40}", "nope", ip="10.4.4.4")  # ≤ 3 failures per user
    assert _login(Client(), "dave", PASSWORD, ip="10.4.4.4").status_code == 302  # 99: still fine
    _login(Client(), "user-x", "nope", ip="10.4.4.4")  # the hundredth failure
    assert _login(Client(), "dave", PASSWORD, ip="10.4.4.4").status_code == 200  # address limited
    assert _login(Client(), "dave", PASSWORD, ip="10.5.5.5").status_code == 302  # elsewhere fine


# --- sessions --------------------------------------------------------------------------------------


def test_idle_session_ends_after_thirty_minutes(make_user: Any) -> None:
    user = make_user("idle")
    client = Client()
    with time_machine.travel(T0, tick=False):
        client.force_login(user)
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=60), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_idle_clock_is_refreshed_at_most_once_a_minute(make_user: Any) -> None:
    """A signed-in page does not rewrite the session row on every request, yet activity keeps it alive."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("touch")
    client = Client()

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return sum(1 for q in ctx.captured_queries if "accounts_session" in q["sql"] and "UPDATE" in q["sql"])

    with time_machine.travel(T0, tick=False):
        client.force_login(user)
        client.get("/")
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert session_writes() == 0
    with time_machine.travel(T0 + dt.timedelta(seconds=90), tick=False):
        assert session_writes() == 1
    with time_machine.travel(T0 + dt.timedelta(minutes=25), tick=False):
        assert client.get("/").status_code == 200  # 23.5 minutes after the last refresh: still signed in


def test_admin_session_idles_out_after_fifteen_minutes(admin_client_for: Any) -> None:
    with time_machine.travel(T0, tick=False):
        client = admin_client_for("adm", "system_admin")
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=14), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        assert client.get("/").status_code == 302


def test_session_ends_after_twelve_hours_however_active(make_user: Any) -> None:
    user = make_user("busy")
    client = Client()
    with time_machine.travel(T0, tick=False):
        client.force_login(user)
    step = dt.timedelta(minutes=20)
    moment = T0
    while moment < T0 + dt.timedelta(hours=11, minutes=50):
        moment += step
        with time_machine.travel(moment, tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get("/")
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", detail__reason="absolute").exists()


# --- second factor -----------------------------------------------------------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _assert_qr_image(page: str, csp: str) -> None:
    """The setup page shows the otpauth URI as a QR code: an SVG data URI the page's CSP lets load."""
    found = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', page)
    assert found, "no QR image on the TOTP setup page"
    svg = unquote(found.group(1).split(",", 1)[1])
    root = defused_fromstring(svg)
    assert root.tag.endswith("svg")
    assert any(el.tag.endswith("path") and el.get("d") for el in root.iter())
    img_src = next(d for d in csp.split(";") if d.strip().startswith("img-src"))
    assert "data:" in img_src.split()


@pytest.mark.parametrize("admin_role", ["system_admin", "security_admin", "audit_admin"])
def test_administrators_must_enrol_and_verify_totp(admin_role: str, make_user: Any) -> None:
    user = make_user(f"a_{admin_role}", password_changed_at=timezone.now())
    admin_role_set(actor=None, user=user, admin_role=admin_role)
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/setup/")
    assert client.get("/api/v1/units").status_code == 401
    setup = client.get("/accounts/otp/setup/")
    page = setup.content.decode()
    assert "otpauth://totp/" in page
    _assert_qr_image(page, setup["Content-Security-Policy"])
    device = TOTPDevice.objects.get(user=user)
    assert (
        client.post(
            "/accounts/otp/setup/", {"token": "000000" if _code(device) != "000000" else "111111"}
        ).status_code
        == 200
    )
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30), tick=False):  # past the throttle
        assert client.post("/accounts/otp/setup/", {"token": _code(device)}).status_code == 302
        assert client.get("/").status_code == 200
    # Next sign-in: password, then the verify step.
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    response = client.get("/")
    assert response["Location"].startswith("/accounts/otp/verify/")
    device.refresh_from_db()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=90), tick=False):
        assert client.post("/accounts/otp/verify/", {"token": _code(device)}).status_code == 302
        assert client.get("/").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.otp_enrol", "auth.otp_verify"} <= actions


def test_unmask_permission_requires_totp_but_plain_roles_do_not(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    from django.contrib.auth.models import Permission

    plain = make_user("plain", Role.REPORTER, org_tree["420102"])
    client = Client()
    client.force_login(plain)
    assert client.get("/").status_code == 200
    unmasker = make_user("unmasker", Role.REVIEWER, org_tree["420102"])
    unmasker.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = Client()
    client.force_login(User.objects.get(pk=unmasker.pk))
    assert client.get("/")["Location"].startswith("/accounts/otp/setup/")


# --- idle accounts ------------------------------------------------------------------------------------


def test_accounts_unused_for_ninety_days_are_disabled(make_user: Any) -> None:
    with time_machine.travel(T0, tick=False):
        stale = make_user("stale")
        never = make_user("never")
        recent = make_user("recent")
        User.objects.filter(pk=stale.pk).update(last_login=T0)
    with time_machine.travel(T0 + dt.timedelta(days=80), tick=False):
        User.objects.filter(pk=recent.pk).update(last_login=timezone.now())
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False):
        call_command("disable_idle_accounts")
    assert not User.objects.get(pk=stale.pk).is_active
    assert not User.objects.get(pk=never.pk).is_active
    assert User.objects.get(pk=recent.pk).is_active
    assert AuditEvent.objects.filter(action="accounts.disable_idle").count() == 2


def test_a_password_changed_elsewhere_ends_a_signed_in_session(make_user: Any) -> None:
    user = make_user("hash_user")
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/me/").status_code == 200
    user.set_password("Another-Long-Passw0rd!")
    user.save()
    assert client.get("/accounts/me/").status_code == 302  # signed out
