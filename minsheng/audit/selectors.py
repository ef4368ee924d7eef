from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from .domain.chain import GENESIS
from .models import AuditEvent

CHECKPOINT_ACTION = "audit.purge_checkpoint"


def chain_rows(batch: int = 2000) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    """Every event in id order as (id, prev_hash, hash, hashed fields), streamed."""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        yield event.pk, event.prev_hash, event.hash, event.chain_fields()


def chain_anchor() -> str:
    """Where the remaining chain starts: GENESIS, or the last purged hash from the latest purge checkpoint.

    The checkpoint is itself an event in the chain, so the anchor cannot be changed without breaking it.
    """
    first = AuditEvent.objects.order_by("id").values_list("id", "prev_hash").first()
    if first is None or first[1] == GENESIS:
        return GENESIS
    checkpoint = (
        AuditEvent.objects.filter(action=CHECKPOINT_ACTION, detail__purged_through_id__lt=first[0])
        .order_by("-id")
        .values_list("detail", flat=True)
        .first()
    )
    if checkpoint is None:
        return GENESIS
    return str(checkpoint.get("last_purged_hash", GENESIS))


def search(
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    obj: str = "",
) -> QuerySet[AuditEvent]:
    """Events matching the auditor's filters, newest first. `obj` matches object type or id."""
    qs = AuditEvent.objects.all()
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if obj:
        qs = qs.filter(Q(object_id=obj) | Q(object_type__icontains=obj))
    return qs.order_by("-id")


def recent_count(*, action: str, actor_id: int | None, outcome: str, hours: int = 1) -> int:
    """How many `action` events with `outcome` this actor caused in the last `hours` (per-person rate limits
    counted in the audit trail itself, so every worker process and a restart agree)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    return AuditEvent.objects.filter(
        action=action, actor_id=actor_id, outcome=outcome, occurred_at__gte=since
    ).count()
