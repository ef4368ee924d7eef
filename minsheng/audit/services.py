"""The one way to write the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest

from minsheng.common.domain.masking import redact_text
from minsheng.common.http import client_ip
from minsheng.common.middleware import current_request_var, request_id_var

from .domain.chain import GENESIS, link_hash
from .models import AuditEvent

# Detail keys that must never be stored (secrets and full personal data).
_FORBIDDEN_DETAIL_KEYS = {
    "password",
    "token",
    "secret",
    "otp",
    "id_number",
    "phone",
    "contact_name",
    "contact_phone",
}


def _redacted(value: Any) -> Any:
    """Text values with any ID or mobile number in them masked (reasons and comments are typed freely)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def _actor_context(actor: Any) -> tuple[int | None, str, str, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", "", ""
    from minsheng.org.selectors import primary_role  # late: org depends on audit, not the reverse

    role, unit = primary_role(actor)
    return actor.pk, actor.get_username(), role, unit


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
    object_ref: tuple[str, str] | None = None,
) -> AuditEvent:
    """Append one event to the hash chain, inside the caller's transaction when there is one.

    `target` names the object acted on; `object_ref` = (type label, id) does so when no instance is at hand.
    """
    clean_detail = {
        k: _redacted(v) for k, v in (detail or {}).items() if k.lower() not in _FORBIDDEN_DETAIL_KEYS
    }
    if request is None:
        request = current_request_var.get()
    actor_id, username, role, unit = _actor_context(actor)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialise chain appends; SQLite already serialises writers (BEGIN IMMEDIATE).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(7242001)")
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            actor_id=actor_id,
            actor_username=username or str(clean_detail.get("username", ""))[:150],
            actor_role=role,
            actor_unit=unit,
            source_ip=client_ip(request),
            request_id=request_id_var.get() if request_id_var.get() != "-" else "",
            action=action,
            object_type=target._meta.label_lower if target is not None else (object_ref or ("", ""))[0][:64],
            object_id=str(target.pk) if target is not None else (object_ref or ("", ""))[1][:64],
            outcome=outcome,
            detail=clean_detail,
            prev_hash=last or GENESIS,
        )
        event.hash = link_hash(event.prev_hash, event.chain_fields())
        event.save()
    return event
