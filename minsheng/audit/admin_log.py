"""Changes made in Django admin (the system administrator's maintenance screens) go to the audit trail.

Django admin writes a LogEntry for every add, change and delete it performs; each one is mirrored as an
`admin.add` / `admin.change` / `admin.delete` event with the object and the changed field names (never values).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save

from .services import audit_record

_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _on_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    label = ""
    ct = instance.content_type if instance.content_type_id is not None else None
    if ct is not None:
        label = f"{ct.app_label}.{ct.model}"
    audit_record(
        actor=instance.user,
        action=_ACTIONS.get(instance.action_flag, "admin.other"),
        object_ref=(label, str(instance.object_id or "")),
        detail={"change": instance.get_change_message()[:500]},
    )


def connect() -> None:
    post_save.connect(_on_log_entry, sender=LogEntry, dispatch_uid="minsheng_audit_admin_log")
