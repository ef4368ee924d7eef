"""Statuses as readers have always seen them, wherever they are stored (ADR 0011).

The exact path's statuses (the city, the districts) are TargetStatus rows; the batch path's (the units below)
are packed in one StatusBlock per (target, date). For one (target, date) a unit is in one or the other, never
both, because a recompute replaces both together. Every reader of statuses asks here and gets TargetStatus
instances: rows as stored, block statuses as unsaved instances with what a batch row used to hold (no sentence,
no forecast, `exact` False), so views and templates need no second shape.

Each function makes a fixed number of queries whatever the number of units: one for the rows, and at most one
for the blocks, skipped when the rows already answer everything. A single unit's statuses are sliced out of the
blocks by the database (`_KeyPosition`, `_unit_record`), so a street's page reads a few hundred bytes per block;
several units' statuses read the whole blocks that hold any of them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, cast

import numpy as np
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BinaryField, F, Func, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Substr
from django.db.models.sql.compiler import SQLCompiler

from minsheng.org.models import Unit
from minsheng.policy.models import Target

from . import statusblocks
from .models import StatusBlock, TargetStatus

Pair = tuple[int, int]


class _KeyPosition(Func):
    """The 1-based byte position of a unit's key in a block's `unit_keys`; 0 when the unit is not in it."""

    output_field = IntegerField()

    def __init__(self, unit_id: int) -> None:
        super().__init__(F("unit_keys"), Value(statusblocks.unit_key(unit_id), output_field=BinaryField()))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        keys, needle = (compiler.compile(e) for e in self.get_source_expressions())
        if connection.vendor == "postgresql":
            return f"POSITION({needle[0]} IN {keys[0]})", (*needle[1], *keys[1])
        # SQLite's INSTR compares bytes when both arguments are BLOBs.
        return f"INSTR({keys[0]}, {needle[0]})", (*keys[1], *needle[1])


def _unit_record(unit_id: int) -> Substr:
    """The unit's record in a block's `data` (filter on its key position first: position 0 is no record)."""
    size = statusblocks.RECORD.itemsize
    start = (_KeyPosition(unit_id) - 1) / statusblocks.KEY_BYTES * size + 1
    return Substr("data", start, size, output_field=BinaryField())


def _holding_any(blocks: QuerySet[StatusBlock], unit_ids: Collection[int]) -> QuerySet[StatusBlock]:
    """The blocks that hold a status of at least one of the units (none for an empty list)."""
    if not unit_ids:
        return blocks.none()
    keys = {f"key_{u}": _KeyPosition(u) for u in unit_ids}
    return blocks.alias(**keys).filter(functools.reduce(operator.or_, (Q(**{f"{k}__gt": 0}) for k in keys)))


def _unit_statuses(unit_id: int, blocks: QuerySet[StatusBlock]) -> list[TargetStatus]:
    """One unit's statuses in the given blocks, one record per block sliced out by the database."""
    rows = (
        blocks.alias(position=_KeyPosition(unit_id))
        .filter(position__gt=0)
        .annotate(record=_unit_record(unit_id))
        .values_list("target_id", "as_of", "methods", "flags", "computed_at", "record")
    )
    out: list[TargetStatus] = []
    for target_id, as_of, methods, flags, computed_at, record in rows:
        # The driver hands the slice back as bytes or a memoryview; both are buffers.
        rec = np.frombuffer(cast("bytes", record), dtype=statusblocks.RECORD)
        out += statusblocks.statuses(
            rec, target_id=target_id, as_of=as_of, methods=methods, flags=flags, computed_at=computed_at
        )
    return out


def from_blocks(
    *,
    unit_ids: Collection[int],
    target_ids: Collection[int] | None = None,
    as_of: date | None = None,
    up_to: date | None = None,
) -> list[TargetStatus]:
    """The block statuses of these units (of these targets; on `as_of`, or on every date up to `up_to`).

    One query; it reads only blocks that hold one of the units.
    """
    blocks = StatusBlock.objects.all()
    if target_ids is not None:
        blocks = blocks.filter(target_id__in=list(target_ids))
    if as_of is not None:
        blocks = blocks.filter(as_of=as_of)
    if up_to is not None:
        blocks = blocks.filter(as_of__lte=up_to)
    wanted = list(unit_ids)
    blocks = _holding_any(blocks, wanted).only(
        "target_id", "as_of", "methods", "flags", "computed_at", "data"
    )
    out: list[TargetStatus] = []
    for block in blocks:
        out += statusblocks.block_statuses(block, wanted)
    return out


def at(
    as_of: date, *, unit_ids: Collection[int], target_ids: Collection[int] | None = None
) -> list[TargetStatus]:
    """The statuses of these targets (None: every target) for these units as of a date. 1–2 queries."""
    units = set(unit_ids)
    targets = None if target_ids is None else set(target_ids)
    if not units or targets == set():
        return []
    rows = TargetStatus.objects.filter(as_of=as_of, unit_id__in=list(units))
    if targets is not None:
        rows = rows.filter(target_id__in=list(targets))
    found = list(rows)
    have = {(s.target_id, s.unit_id) for s in found}
    if targets is not None and len(have) == len(targets) * len(units):
        return found
    if len(units) == 1:
        (unit_id,) = units
        blocks = StatusBlock.objects.filter(as_of=as_of)
        if targets is not None:
            blocks = blocks.filter(target_id__in=[t for t in targets if (t, unit_id) not in have])
        more = _unit_statuses(unit_id, blocks)
    else:
        more = from_blocks(unit_ids=units, target_ids=targets, as_of=as_of)
    return found + [s for s in more if (s.target_id, s.unit_id) not in have]


def one(target_id: int, unit_id: int, as_of: date) -> TargetStatus | None:
    """One status, or None. 1–2 queries."""
    found = at(as_of, unit_ids=[unit_id], target_ids=[target_id])
    return found[0] if found else None


def history(target_id: int, unit: Unit, *, fields: Sequence[str] = ()) -> list[TargetStatus]:
    """Every status of a target at a unit, oldest first (rows deferred to `fields` when given). 1–2 queries."""
    rows = TargetStatus.objects.filter(target_id=target_id, unit=unit)
    if fields:
        rows = rows.only(*fields)
    found = list(rows)
    if unit.depth > 0:  # the city is always judged exactly (exact_max_depth ≥ 0)
        dates = {s.as_of for s in found}
        found += [
            s
            for s in _unit_statuses(unit.id, StatusBlock.objects.filter(target_id=target_id))
            if s.as_of not in dates
        ]
    return sorted(found, key=lambda s: s.as_of)


def dates(unit: Unit) -> list[date]:
    """The dates the unit has any status for, newest first. One query."""
    rows = TargetStatus.objects.filter(unit=unit).values_list("as_of", flat=True)
    if unit.depth == 0:  # the city is always judged exactly (exact_max_depth ≥ 0)
        return list(rows.order_by("-as_of").distinct())
    in_blocks = (
        StatusBlock.objects.alias(position=_KeyPosition(unit.id))
        .filter(position__gt=0)
        .values_list("as_of", flat=True)
    )
    return list(rows.union(in_blocks).order_by("-as_of"))


def in_states(as_of: date, units: Sequence[Unit], states: Collection[str]) -> list[TargetStatus]:
    """The units' statuses on a date that are in one of `states`, each with its target (task, system, lead
    unit) and unit loaded; rows first. 2–3 queries."""
    ids = [u.id for u in units]
    rows = list(
        TargetStatus.objects.filter(unit_id__in=ids, as_of=as_of, status__in=list(states))
        .select_related("target__task__system", "target__lead_unit", "unit")
        .order_by("unit__depth", "-status_code", "target__code")
    )
    packed = [s for s in from_blocks(unit_ids=ids, as_of=as_of) if s.status in states]
    if packed:
        targets = Target.objects.select_related("task__system", "lead_unit").in_bulk(
            {s.target_id for s in packed}
        )
        by_id = {u.id: u for u in units}
        for s in packed:
            s.target, s.unit = targets[s.target_id], by_id[s.unit_id]
        packed.sort(key=lambda s: (s.unit.depth, -s.status_code, s.target.code))
    return rows + packed


def states_up_to(
    up_to: date, *, unit_ids: Collection[int], target_ids: Collection[int]
) -> list[tuple[int, int, date, str]]:
    """(target, unit, date, status) of every status of these targets at these units on or before a date.
    0–2 queries."""
    if not target_ids or not unit_ids:
        return []
    rows = TargetStatus.objects.filter(
        unit_id__in=list(unit_ids), as_of__lte=up_to, target_id__in=list(target_ids)
    ).values_list("target_id", "unit_id", "as_of", "status")
    packed = from_blocks(unit_ids=unit_ids, target_ids=target_ids, up_to=up_to)
    return [*rows, *((s.target_id, s.unit_id, s.as_of, s.status) for s in packed)]


__all__ = ["at", "dates", "from_blocks", "history", "in_states", "one", "states_up_to"]
