"""Hash chain over audit events: each event's hash covers its content and the previous hash.

Pure code: the service computes hashes with it, and the verify command recomputes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    """A stable JSON text of the fields (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def link_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """sha256 of the previous hash and the canonical fields, as 64 hex digits."""
    return hashlib.sha256((prev_hash + "|" + canonical(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    position: int
    event_id: int
    reason: str


def verify(
    events: Iterable[tuple[int, str, str, Mapping[str, Any]]], anchor: str = GENESIS
) -> ChainBreak | None:
    """Walk (id, prev_hash, hash, fields) in order; the first inconsistency, or None when intact.

    `anchor` is what the first event's prev_hash must be: GENESIS for a full trail, or, after a retention
    purge, the hash of the last purged event as recorded by the purge's checkpoint event.
    """
    expected_prev = anchor
    for position, (event_id, prev_hash, stored_hash, fields) in enumerate(events):
        if prev_hash != expected_prev:
            return ChainBreak(position, event_id, "prev_hash does not match the previous event")
        if link_hash(prev_hash, fields) != stored_hash:
            return ChainBreak(position, event_id, "hash does not match the event's content")
        expected_prev = stored_hash
    return None
