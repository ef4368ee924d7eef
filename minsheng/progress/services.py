"""Writes of the progress app: observations in, statuses recomputed. Every write is one audited transaction."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from minsheng.audit.services import audit_record
from minsheng.common.prepared import server_cursor
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Policy, Target

from . import packs, recompute, statusblocks
from .models import (
    AccumulationKind,
    Observation,
    ProgressStamp,
    SeriesPack,
    SourceKind,
    StatusBlock,
    TargetShare,
    TargetStatus,
)

log = logging.getLogger(__name__)


class ObservationError(ValueError):
    """A value that cannot be recorded; the message is for people (Chinese first)."""


def _check_value(value: float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ObservationError(f"数值必须是有限数（got {value!r}）· the value must be a finite number")
    return number


def stamp_change(key: str) -> None:
    """Record that progress data of this kind changed (inside the caller's transaction; see pagecache)."""
    ProgressStamp.objects.update_or_create(key=key, defaults={"changed_at": timezone.now()})


@transaction.atomic
def observation_upsert(
    *,
    actor: Any,
    target: Target,
    unit: Unit,
    period_end: date,
    value: float,
    accumulation: str = AccumulationKind.LEVEL,
    source_kind: str = SourceKind.REPORTED,
    source_ref: str = "",
    source_note: str = "",
    approved_at: datetime | None = None,
    reported_at: datetime | None = None,
    due_on: date | None = None,
) -> Observation:
    """Record one approved value of `target` for `unit` for the period ending `period_end` (insert or replace).

    Called by the reporting app on final approval (source_kind "reported", source_ref "submission:<id>")
    and by loaders of published figures ("real", source_ref = the URL, source_note = the quoted phrase).
    The city's own figures go against the city unit. `accumulation`: "running_total" (累计数 since plan
    start, or since 1 January for a yearly target), "per_period" (当期数: the period's own amount) or
    "level". Real values win over synthetic ones: the first real or reported value of a series (target,
    unit) deletes that series' synthetic placeholders, and a synthetic value is refused for a series that
    has real or reported values. Raises ObservationError for a non-finite value, an unknown accumulation or
    source kind, or a department unit.
    """
    number = _check_value(value)
    if accumulation not in AccumulationKind.values:
        raise ObservationError(f"未知的口径 unknown accumulation: {accumulation!r}")
    if source_kind not in SourceKind.values:
        raise ObservationError(f"未知的来源类型 unknown source kind: {source_kind!r}")
    if unit.kind == UnitKind.DEPARTMENT:
        raise ObservationError(
            "进展数据记在地区单位上（全市记在市本级），不记在部门上 · values belong to areas"
        )
    series = Observation.objects.filter(target=target, unit=unit)
    replaced = 0
    if source_kind == SourceKind.SYNTHETIC:
        if series.exclude(source_kind=SourceKind.SYNTHETIC).exists():
            raise ObservationError("该序列已有真实数据，不能写入模拟数据 · the series has real values")
    else:
        replaced, _ = series.filter(source_kind=SourceKind.SYNTHETIC).exclude(period_end=period_end).delete()
    obs, created = Observation.objects.update_or_create(
        target=target,
        unit=unit,
        period_end=period_end,
        defaults={
            "value": number,
            "accumulation": accumulation,
            "source_kind": source_kind,
            "source_ref": source_ref[:300],
            "source_note": source_note,
            "approved_at": approved_at,
            "reported_at": reported_at,
            "due_on": due_on,
        },
    )
    audit_record(
        actor=actor,
        action="progress.observation_upsert",
        target=obs,
        detail={
            "target": target.code,
            "unit": unit.code,
            "period_end": period_end.isoformat(),
            "value": number,
            "source_kind": source_kind,
            "source_ref": source_ref[:300],
            "created": created,
            "synthetic_replaced": replaced,
        },
    )
    stamp_change(ProgressStamp.OBSERVATIONS)
    return obs


@dataclass(frozen=True)
class ObservationInput:
    """One row for `observations_bulk_load` (ids, not objects, so millions of rows stay cheap)."""

    target_id: int
    unit_id: int
    period_end: date
    value: float
    accumulation: str = AccumulationKind.LEVEL
    source_kind: str = SourceKind.SYNTHETIC
    source_ref: str = ""
    source_note: str = ""


def observations_bulk_load(
    *, actor: Any, rows: Iterable[ObservationInput], batch_size: int = 5000, label: str = ""
) -> int:
    """Insert many new observations (demo and benchmark data) with bulk_create in batches; returns the count.

    Synthetic rows for a series that already has real or reported values are skipped (real values win);
    rows whose (target, unit, period_end) exists are skipped too. One transaction, one audit event.
    """
    protected = set(
        Observation.objects.exclude(source_kind=SourceKind.SYNTHETIC)
        .values_list("target_id", "unit_id")
        .distinct()
    )
    existing = set(Observation.objects.values_list("target_id", "unit_id", "period_end"))
    count = 0
    touched: set[tuple[int, int]] = set()
    with transaction.atomic():
        batch: list[Observation] = []
        for r in rows:
            if r.source_kind == SourceKind.SYNTHETIC and (r.target_id, r.unit_id) in protected:
                continue
            if (r.target_id, r.unit_id, r.period_end) in existing:
                continue
            touched.add((r.target_id, r.unit_id))
            batch.append(
                Observation(
                    target_id=r.target_id,
                    unit_id=r.unit_id,
                    period_end=r.period_end,
                    value=_check_value(r.value),
                    accumulation=r.accumulation,
                    source_kind=r.source_kind,
                    source_ref=r.source_ref,
                    source_note=r.source_note,
                )
            )
            if len(batch) >= batch_size:
                Observation.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            Observation.objects.bulk_create(batch)
            count += len(batch)
        packs.refresh(touched)  # bulk_create sends no signals: rewrite the touched series' packs here
        audit_record(
            actor=actor, action="progress.observations_bulk_load", detail={"rows": count, "label": label}
        )
        stamp_change(ProgressStamp.OBSERVATIONS)
    return count


@transaction.atomic
def target_share_set(
    *, actor: Any, target: Target, unit: Unit, value: float, source_kind: str, note: str = ""
) -> TargetShare:
    """Record a unit's part of a city target (分解目标), e.g. a district's share of 110万 new jobs."""
    share, _ = TargetShare.objects.update_or_create(
        target=target,
        unit=unit,
        defaults={"value": _check_value(value), "source_kind": source_kind, "note": note[:200]},
    )
    audit_record(
        actor=actor,
        action="progress.target_share_set",
        target=share,
        detail={"target": target.code, "unit": unit.code, "value": share.value, "source_kind": source_kind},
    )
    return share


@dataclass(frozen=True)
class RepackResult:
    packs: int
    observations: int
    seconds: float


@transaction.atomic
def series_repack(*, actor: Any) -> RepackResult:
    """Rewrite every series pack from the Observation rows (after a raw load, or to repair; ADR 0011)."""
    started = time.perf_counter()
    written = packs.rebuild()
    observations = SeriesPack.objects.aggregate(n=Sum("count"))["n"] or 0
    seconds = time.perf_counter() - started
    audit_record(
        actor=actor,
        action="progress.series_repack",
        detail={"packs": written, "observations": observations, "seconds": round(seconds, 3)},
    )
    return RepackResult(written, observations, seconds)


@dataclass(frozen=True)
class RecomputeResult:
    as_of: date
    exact_rows: int
    batch_rows: int
    seconds: float


def _insert_rows(rows: Iterable[recompute.Row], cols: Sequence[str]) -> int:
    """Append rows to TargetStatus: COPY on PostgreSQL, one executemany on SQLite."""
    table = TargetStatus._meta.db_table
    counted = _Counter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # write_row formats each row in psycopg's C code (text COPY: the server parses dates and numbers).
            with cursor.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in counted:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(cols))
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
            cursor.executemany(sql, counted)  # type: ignore[arg-type]  # sqlite3 takes any iterable
    return counted.n


class _Counter:
    """Counts the rows of an iterable while the database driver consumes it."""

    def __init__(self, rows: Iterable[recompute.Row]) -> None:
        self.rows = iter(rows)
        self.n = 0

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> recompute.Row:
        row = next(self.rows)
        self.n += 1
        return row


def _adapted(rows: Iterable[recompute.Row], stamp: str) -> Iterator[recompute.Row]:
    # Exact rows carry date objects; hand the database text like the batch rows.
    for row in rows:
        yield tuple(
            stamp if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v for v in row
        )


def _insert_blocks(blocks: Sequence[StatusBlock]) -> None:
    """Insert status blocks with parameters bound on the server on PostgreSQL: Django's client-side cursor writes
    bytea into the SQL text as hexadecimal (36 MB of text for 18 MB of blocks, parsed again by the server),
    which measured 0.44 s against 0.13 s sent as binary parameters."""
    fields = [f for f in StatusBlock._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(StatusBlock._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608  # nosec B608 — model metadata
    rows = [[f.get_db_prep_save(getattr(b, f.attname), connection) for f in fields] for b in blocks]
    with server_cursor(connection) as cursor:
        cursor.executemany(sql, rows)


def _all_shares() -> dict[tuple[int, int], float]:
    """Every TargetShare as {(target, unit): value}, fetched at once (a queryset fetches 100 rows at a time)."""
    table = TargetShare._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT target_id, unit_id, value FROM {table}")  # noqa: S608  # nosec B608 — model metadata
        return {(t, u): v for t, u, v in cursor.fetchall()}


def progress_recompute(
    *,
    actor: Any,
    as_of: date,
    exact_max_depth: int = 1,
    target_ids: Sequence[int] | None = None,
) -> RecomputeResult:
    """Judge every target (city) and every unit's share (districts exactly, units below in batch) as of a date.

    Replaces the statuses of `as_of` (of `target_ids` only, when given) in one transaction and records one
    audit event. Units at depth ≤ `exact_max_depth` (0 city, 1 districts and zones) go through the per-series
    engine with sentences and forecasts and are stored as TargetStatus rows; deeper units go through the numpy
    batch path, which reads the series' packs (see recompute.py and packs.py), and are stored as one
    StatusBlock per target (read back by `statusstore`).
    """
    started = time.perf_counter()
    exact_max_depth = max(exact_max_depth, 0)
    targets_qs = Target.objects.select_related("task").order_by("id")
    if target_ids is not None:
        targets_qs = targets_qs.filter(id__in=list(target_ids))
    targets = list(targets_qs)
    policies = {p.id: p for p in Policy.objects.filter(id__in={t.task.policy_id for t in targets})}
    # Tuples, not model instances: 3,300 units and ~100,000 shares in a Wuhan-sized city.
    infos = [
        recompute.UnitInfo(*row)
        for row in Unit.objects.exclude(kind=UnitKind.DEPARTMENT).values_list(
            "id", "code", "name", "depth", "kind", "area_type"
        )
    ]
    exact_units = [u for u in infos if u.depth <= exact_max_depth]
    bulk_ids = sorted(u.id for u in infos if u.depth > exact_max_depth)
    shares = _all_shares()
    computed_at = timezone.now()
    stamp = str(connection.ops.adapt_datetimefield_value(computed_at))
    areas = [u for u in infos if u.depth == 1]  # counted by the city's one-per-unit targets, however judged
    exact = recompute.exact_rows(
        targets, policies, exact_units, shares, as_of=as_of, computed_at=computed_at, areas=areas
    )
    # The batch path reads before the write transaction opens (SQLite's writer lock would serialise it).
    batch = recompute.batch_columns(targets, policies, bulk_ids, shares, as_of=as_of)
    blocks = statusblocks.blocks_from(batch, as_of=as_of, computed_at=computed_at)
    read_s = time.perf_counter() - started
    with transaction.atomic():
        stale_rows = TargetStatus.objects.filter(as_of=as_of)
        stale_blocks = StatusBlock.objects.filter(as_of=as_of)
        if target_ids is not None:
            stale_rows = stale_rows.filter(target_id__in=[t.id for t in targets])
            stale_blocks = stale_blocks.filter(target_id__in=[t.id for t in targets])
        stale_rows.delete()  # nothing points at a status row or block, so each is one DELETE
        stale_blocks.delete()
        deleted_s = time.perf_counter() - started
        n_exact = _insert_rows(_adapted(exact, stamp), recompute.COLUMNS)
        _insert_blocks(blocks)
        n_batch = len(batch)
        log.debug(
            "recompute: read %.3fs, delete %.3fs, insert %.3fs",
            read_s,
            deleted_s - read_s,
            time.perf_counter() - started - deleted_s,
        )
        seconds = time.perf_counter() - started
        stamp_change(ProgressStamp.STATUSES)
        audit_record(
            actor=actor,
            action="progress.recompute",
            detail={
                "as_of": as_of.isoformat(),
                "exact_rows": n_exact,
                "batch_rows": n_batch,
                "targets": len(targets),
                "seconds": round(seconds, 3),
            },
        )
    log.info(
        "progress recompute as of %s: %d exact + %d batch rows in %.2fs", as_of, n_exact, n_batch, seconds
    )
    return RecomputeResult(as_of, n_exact, n_batch, time.perf_counter() - started)
