"""Retention: events older than N days (N ≥ 183, the legal minimum) may be purged, never younger ones.

A purge deletes a prefix of the chain, so the oldest remaining event no longer points at GENESIS. Before
deleting, the purge appends a checkpoint event recording the id and hash of the last purged event; because
the checkpoint is chained like any other event, `audit_verify` can trust it as the new anchor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .maintenance import audit_maintenance
from .models import AuditEvent
from .selectors import CHECKPOINT_ACTION
from .services import audit_record

MIN_RETENTION_DAYS = 183


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    purged_through_id: int | None


def audit_purge(*, actor: Any, older_than_days: int, now: dt.datetime | None = None) -> PurgeResult:
    if older_than_days < MIN_RETENTION_DAYS:
        raise ValueError(f"审计日志至少保留 {MIN_RETENTION_DAYS} 天")
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        # Purge a prefix only: everything up to the newest event older than the cutoff.
        last = (
            AuditEvent.objects.filter(occurred_at__lt=cutoff)
            .order_by("-id")
            .values_list("id", "hash")
            .first()
        )
        if last is None:
            return PurgeResult(0, None)
        last_id, last_hash = last
        audit_record(
            actor=actor,
            action=CHECKPOINT_ACTION,
            detail={
                "purged_through_id": last_id,
                "last_purged_hash": last_hash,
                "cutoff": cutoff.isoformat(),
                "older_than_days": older_than_days,
            },
        )
        with audit_maintenance():
            deleted, _ = AuditEvent.objects.filter(id__lte=last_id).delete()
    return PurgeResult(deleted, last_id)
