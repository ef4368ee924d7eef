"""The audit trail as the guide asks: what is recorded, the auditor's screen and export, retention, no secrets."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client

from minsheng.audit.domain.chain import GENESIS
from minsheng.audit.maintenance import audit_maintenance
from minsheng.audit.models import AuditEvent
from minsheng.audit.services import audit_record
from minsheng.common.exports import neutralise, to_xlsx
from minsheng.org.models import Role, Unit

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)


def test_sign_in_event_carries_every_field(org_tree: dict[str, Unit], make_user: Any) -> None:
    make_user("rita", Role.REPORTER, org_tree["420102"])
    client = Client()
    client.post("/accounts/login/", {"username": "rita", "password": "Pw#12345abc"}, REMOTE_ADDR="10.7.7.7")
    event = AuditEvent.objects.filter(action="auth.login").get()
    assert event.occurred_at.utcoffset() == dt.timedelta(0)
    assert (event.actor_username, event.actor_role, event.actor_unit) == ("rita", "reporter", "420102")
    assert event.source_ip == "10.7.7.7"
    assert len(event.request_id) >= 8
    assert (event.object_type, event.outcome) == ("accounts.user", "success")


def test_role_and_admin_changes_are_recorded(
    org_tree: dict[str, Unit], make_user: Any, admin_client_for: Any
) -> None:
    sysadmin_client = admin_client_for("sys", "system_admin")
    from minsheng.accounts.models import User

    sysadmin = User.objects.get(username="sys")
    sysadmin.user_permissions.add(*Permission.objects.filter(codename__in=["change_unit", "view_unit"]))
    unit = org_tree["420102S01"]
    response = sysadmin_client.post(
        f"/admin/org/unit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": "大智街道（改）",
            "kind": unit.kind,
            "area_type": "",
            "parent": unit.parent_id,
            "sort_order": 0,
        },
        REMOTE_ADDR="10.8.8.8",
    )
    assert response.status_code == 302, response.content.decode()[:500]
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor_username, event.object_type, event.object_id) == ("sys", "org.unit", str(unit.pk))
    assert event.source_ip == "10.8.8.8"
    make_user("grantee", Role.REPORTER, org_tree["420102"])
    assert AuditEvent.objects.filter(action="org.role_grant").exists()
    assert AuditEvent.objects.filter(action="accounts.admin_role_set").exists()


# --- the auditor's screen -------------------------------------------------------------------------------


def test_only_the_audit_administrator_sees_the_audit_screen(role_clients: dict[str, Client]) -> None:
    for role, client in role_clients.items():
        for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx"):
            expected = 200 if role == "audit_admin" else 404
            assert client.get(url).status_code == expected, (role, url)


def test_audit_search_filters_and_pages(admin_client_for: Any, make_user: Any) -> None:
    auditor = admin_client_for("auditor", "audit_admin")
    alice = make_user("alice")
    with time_machine.travel(T0, tick=False):
        for n in range(60):
            audit_record(actor=alice, action="x.bulk", detail={"n": n})
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        audit_record(actor=None, action="x.late", outcome="failure", object_ref=("org.unit", "42"))
    page1 = auditor.get("/audit/", {"action": "x.bulk"}).content.decode()
    assert page1.count('data-event="') == 50
    assert "1 / 2" in page1
    page2 = auditor.get("/audit/", {"action": "x.bulk", "page": 2}).content.decode()
    assert page2.count('data-event="') == 10
    assert (
        auditor.get("/audit/", {"outcome": "failure", "action": "x."}).content.decode().count('data-event="')
        == 1
    )
    assert auditor.get("/audit/", {"obj": "42"}).content.decode().count('data-event="') == 1
    window = {"since": "2025-01-07 00:00", "until": "2025-01-09 00:00"}
    assert auditor.get("/audit/", window).content.decode().count('data-event="') == 1
    assert (
        auditor.get("/audit/", {"actor": "alice", "action": "x."}).content.decode().count('data-event="')
        == 50
    )


def test_export_neutralises_formulas_and_is_audited(admin_client_for: Any) -> None:
    auditor = admin_client_for("auditor", "audit_admin")
    audit_record(
        actor=None, action="auth.login_failed", outcome="failure", detail={"username": "=HYPERLINK(1)"}
    )
    audit_record(actor=None, action="auth.login_failed", outcome="failure", detail={"username": "＋cmd"})
    csv_text = auditor.get("/audit/export.csv", {"action": "auth.login_failed"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text
    assert "'＋cmd" in csv_text
    response = auditor.get("/audit/export.xlsx", {"action": "auth.login_failed"})
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"'=HYPERLINK(1)", "'＋cmd"}
    exports = AuditEvent.objects.filter(action="audit.export")
    assert exports.count() == 2
    assert set(exports.values_list("actor_username", flat=True)) == {"auditor"}


def test_neutralise_keeps_numbers_numeric() -> None:
    assert neutralise(-5) == -5
    assert neutralise(3.5) == 3.5
    assert neutralise("-5") == "'-5"
    for text in ("=1+1", "+1", "@SUM(A1)", "\tx", "\rx", "＝1", "－1", "＠x"):
        assert str(neutralise(text)).startswith("'")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(["v"], [[-12.5], ["=2"]])), read_only=True).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [-12.5, "'=2"]


# --- retention --------------------------------------------------------------------------------------------


def test_purge_refuses_less_than_183_days() -> None:
    with pytest.raises(CommandError):
        call_command("audit_purge", "--older-than-days", "182")


def test_purge_keeps_recent_events_and_the_chain_verifies(make_user: Any) -> None:
    user = make_user("p")
    with time_machine.travel(T0, tick=False):
        for n in range(3):
            audit_record(actor=user, action="old.event", detail={"n": n})
    with time_machine.travel(T0 + dt.timedelta(days=250), tick=False):
        for n in range(2):
            audit_record(actor=user, action="new.event", detail={"n": n})
    with time_machine.travel(T0 + dt.timedelta(days=300), tick=False):
        call_command("audit_purge", "--older-than-days", "183")
    assert not AuditEvent.objects.filter(action="old.event").exists()
    assert AuditEvent.objects.filter(action="new.event").count() == 2
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    assert first.prev_hash != GENESIS
    assert AuditEvent.objects.filter(action="audit.purge_checkpoint").count() == 1
    call_command("audit_verify")
    # A second purge later re-anchors again.
    with time_machine.travel(T0 + dt.timedelta(days=700), tick=False):
        audit_record(actor=user, action="newer.event")
        call_command("audit_purge", "--older-than-days", "183")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "newer.event",
        "audit.purge_checkpoint",
    ]
    call_command("audit_verify")
    # Tampering after a purge is still caught.
    with audit_maintenance():
        AuditEvent.objects.filter(action="newer.event").update(outcome="failure")
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_deleting_old_events_without_a_checkpoint_breaks_verification(make_user: Any) -> None:
    user = make_user("q")
    for n in range(3):
        audit_record(actor=user, action="e", detail={"n": n})
    with audit_maintenance():
        AuditEvent.objects.order_by("id")[:1].get().delete()
    with pytest.raises(CommandError):
        call_command("audit_verify")


# --- nothing secret in any log ------------------------------------------------------------------------------


def test_passwords_never_reach_the_audit_trail_or_logs(
    make_user: Any, caplog: pytest.LogCaptureFixture, org_tree: dict[str, Unit]
) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    secret = "Zq8#unique-Secret-4711"
    user = make_user("sam", Role.REPORTER, org_tree["420102"])
    user.set_password(secret)
    user.save()
    caplog.set_level(logging.DEBUG)
    client = Client()
    for _ in range(6):  # failures, then a lockout
        client.post("/accounts/login/", {"username": "sam", "password": secret[::-1]})
    Client().post("/accounts/login/", {"username": "sam", "password": secret}, REMOTE_ADDR="10.6.6.6")
    dumps = [str(list(AuditEvent.objects.values())), caplog.text]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        dumps.append(str(list(model.objects.values())))
    blob = "\n".join(dumps)
    assert AuditEvent.objects.filter(action="auth.login").exists()
    assert secret not in blob
    assert secret[::-1] not in blob
    assert "Pw#12345abc" not in blob
