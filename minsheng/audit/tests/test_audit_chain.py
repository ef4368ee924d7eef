from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from minsheng.audit.domain.chain import GENESIS, link_hash, verify
from minsheng.audit.maintenance import audit_maintenance
from minsheng.audit.models import AuditEvent
from minsheng.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_events_form_a_hash_chain(make_user: Any) -> None:
    user = make_user("u")
    first = audit_record(actor=user, action="x.one")
    second = audit_record(actor=user, action="x.two", detail={"password": "secret", "n": 1})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert "password" not in second.detail
    call_command("audit_verify")


def test_audit_table_refuses_update_and_delete(make_user: Any) -> None:
    event = audit_record(actor=make_user("u"), action="x.one")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x.one"


def test_verify_command_detects_tampering(make_user: Any) -> None:
    event = audit_record(actor=make_user("u"), action="x.one")
    audit_record(actor=None, action="x.two")
    with audit_maintenance():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_pure_verify_reports_first_break() -> None:
    fields = {"a": 1}
    h1 = link_hash(GENESIS, fields)
    h2 = link_hash(h1, {"a": 2})
    assert verify([(1, GENESIS, h1, fields), (2, h1, h2, {"a": 2})]) is None
    broken = verify([(1, GENESIS, h1, fields), (2, h1, h2, {"a": 3})])
    assert broken is not None
    assert broken.event_id == 2


def test_sign_in_and_failure_are_audited(client: Any, make_user: Any) -> None:
    make_user("alice")
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    client.post("/accounts/login/", {"username": "alice", "password": "Pw#12345abc"})
    actions = list(AuditEvent.objects.values_list("action", "outcome"))
    assert ("auth.login_failed", "failure") in actions
    assert ("auth.login", "success") in actions
