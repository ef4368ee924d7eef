from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models import AuditEvent


def chain_rows(batch: int = 2000) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    """Every event in id order as (id, prev_hash, hash, hashed fields), streamed."""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        yield event.pk, event.prev_hash, event.hash, event.chain_fields()
