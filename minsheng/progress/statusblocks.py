"""The packed form of batch statuses (StatusBlock, ADR 0011): one little-endian record array per (target, date).

A record holds everything a TargetStatus row of the batch path held: unit id, status code, the numbers (NaN for
none), the data date as a day ordinal (NaN for none) and indexes into the block's distinct method and flag
strings. Records are in ascending unit id; `unit_keys` holds a 4-byte key per record at the same position, so
SQL can find one unit's record by a byte search (`statusstore`). Reads and writes of the database are elsewhere
(`services.progress_recompute`, `statusstore`); this module only converts.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
from numpy.typing import NDArray

from .domain import STATUS_BY_CODE
from .models import StatusBlock, TargetStatus
from .recompute import BatchColumns

# Packed (no padding) and little-endian whatever the machine: the bytes are the stored format.
RECORD = np.dtype(
    [
        ("unit_id", "<i8"),
        ("status", "i1"),
        ("score", "<f8"),
        ("ratio", "<f8"),
        ("latest_value", "<f8"),
        ("latest_on", "<f8"),
        ("running_total", "<f8"),
        ("expected_value", "<f8"),
        ("share_met", "<f8"),
        ("target_value", "<f8"),
        ("method", "<i2"),
        ("flags", "<i2"),
    ]
)
FLOATS = ("score", "ratio", "latest_value", "running_total", "expected_value", "share_met", "target_value")
KEY_BYTES = 4
MAX_UNIT_ID = (1 << 28) - 1
_STATUS_NAMES = [str(s) for s in STATUS_BY_CODE]


def unit_keys(unit_ids: NDArray[np.int64]) -> bytes:
    """The 4-byte search key of each unit id, concatenated.

    Seven bits of the id per byte, the first byte with its top bit set and the others without: a key's first
    byte can only match at a key boundary, so a byte search (INSTR, POSITION) never finds a unit across two
    neighbouring keys, and the key's position / 4 is the record's index. Ids up to 2²⁸ − 1.
    """
    ids = np.asarray(unit_ids, dtype=np.int64)
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) > MAX_UNIT_ID):
        raise ValueError(f"unit ids must be 0…{MAX_UNIT_ID} to be packed in a status block")
    out = np.empty((len(ids), KEY_BYTES), dtype=np.uint8)
    out[:, 0] = 0x80 | ((ids >> 21) & 0x7F)
    out[:, 1] = (ids >> 14) & 0x7F
    out[:, 2] = (ids >> 7) & 0x7F
    out[:, 3] = ids & 0x7F
    return out.tobytes()


def unit_key(unit_id: int) -> bytes:
    return unit_keys(np.array([unit_id], dtype=np.int64))


def records(columns: BatchColumns) -> NDArray[np.void]:
    """All batch statuses as one record array (method and flags still index the recompute-wide names)."""
    rec = np.empty(len(columns), dtype=RECORD)
    rec["unit_id"], rec["status"], rec["latest_on"] = columns.unit_ids, columns.status, columns.latest_day
    for name, values in zip(
        FLOATS,
        (columns.score, columns.ratio, columns.latest_value, columns.running_total, columns.expected,
         columns.share_met, columns.target_value),
        strict=True,
    ):  # fmt: skip
        rec[name] = values
    rec["method"], rec["flags"] = columns.method, columns.flags
    return rec


def _local_names(rec: NDArray[np.void], field: str, names: Sequence[str]) -> list[str]:
    """Re-index one block's `field` to the names it uses (in place); returns those names."""
    used, local = np.unique(rec[field], return_inverse=True)
    rec[field] = local
    return [names[i] for i in used.tolist()]


def blocks_from(columns: BatchColumns, *, as_of: date, computed_at: datetime) -> list[StatusBlock]:
    """One unsaved StatusBlock per target of `columns` (which are sorted by target, then unit)."""
    rec = records(columns)
    bounds = [0, *(np.flatnonzero(np.diff(columns.target_ids)) + 1).tolist(), len(rec)]
    blocks = []
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        part = rec[start:end]
        blocks.append(
            StatusBlock(
                target_id=int(columns.target_ids[start]),
                as_of=as_of,
                count=end - start,
                methods=_local_names(part, "method", columns.method_names),
                flags=_local_names(part, "flags", columns.flag_names),
                data=part.tobytes(),
                unit_keys=unit_keys(part["unit_id"]),
                computed_at=computed_at,
            )
        )
    return blocks


def _number(x: float) -> float | None:
    return None if x != x else x  # NaN → None


def statuses(
    rec: NDArray[np.void],
    *,
    target_id: int,
    as_of: date,
    methods: Sequence[str],
    flags: Sequence[str],
    computed_at: datetime,
) -> list[TargetStatus]:
    """Unsaved TargetStatus instances for the records, as the batch path's rows were read back.

    The columns the batch path never filled get the values its rows had from the database defaults
    (sentences and source "", no forecast); `exact` is False.
    """
    out = []
    for unit_id, code, score, ratio, latest, day, total, expected, share_met, goal, m, f in rec.tolist():
        out.append(
            TargetStatus(
                target_id=target_id,
                unit_id=unit_id,
                as_of=as_of,
                status=_STATUS_NAMES[code],
                status_code=code,
                score=_number(score),
                ratio=_number(ratio),
                latest_value=_number(latest),
                latest_on=None if day != day else date.fromordinal(int(day)),
                running_total=_number(total),
                expected_value=_number(expected),
                share_met=_number(share_met),
                target_value=_number(goal),
                forecast_method="",
                method=methods[m],
                explanation_zh="",
                explanation_en="",
                flags=flags[f],
                source_kind="",
                exact=False,
                computed_at=computed_at,
            )
        )
    return out


def block_statuses(block: StatusBlock, unit_ids: Sequence[int] | None = None) -> list[TargetStatus]:
    """A whole block's statuses (only `unit_ids` when given)."""
    rec = np.frombuffer(block.data, dtype=RECORD)
    if unit_ids is not None:
        rec = rec[np.isin(rec["unit_id"], np.asarray(unit_ids, dtype=np.int64))]
    return statuses(
        rec,
        target_id=block.target_id,
        as_of=block.as_of,
        methods=block.methods,
        flags=block.flags,
        computed_at=block.computed_at,
    )
