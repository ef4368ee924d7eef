"""Synthetic progress history for the demo: every target at city level, districts where the kind makes sense.

Everything here is made up from a seeded RNG and stored with source_kind "synthetic" (shown as 模拟数据 on
every screen). Quarterly values from the 2020 baseline (31 Dec 2020) to 31 Dec 2025. Each series follows a
profile — ahead, on pace, behind, or deteriorating — so the leadership view has something to show. Real
published figures, loaded later through `observation_upsert`, replace a series' synthetic values.

Districts get: one-per-unit targets (0 until the school/centre opens, then 1), cumulative totals split
across districts (a synthetic TargetShare each; the city's series is the sum of the districts'), rates and
circles (the city's goal applies everywhere), and the district sports games held every year.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from minsheng.audit.services import audit_record
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Target
from minsheng.progress.domain import TargetKind
from minsheng.progress.models import AccumulationKind, Observation, SourceKind, TargetShare
from minsheng.progress.services import ObservationInput, observations_bulk_load, progress_recompute
from minsheng.progress.specs import is_hold, is_intensive

SEED = 20260101
SOURCE_REF = "synthetic:demo"
SOURCE_NOTE = "演示用模拟数据，并非真实统计 · synthetic demo value, not an official statistic"
QUARTERS = [date(2020, 12, 31)] + [
    date(y, m, 30 if m in (6, 9) else 31) for y in range(2021, 2026) for m in (3, 6, 9, 12)
]
# Year-end snapshots make the TargetStatus history behind "behind since …" on the lagging list.
SNAPSHOTS = [date(y, 12, 31) for y in range(2021, 2026)]
PROFILES = ("ahead", "on_pace", "behind", "deteriorating")
PROFILE_WEIGHTS = (0.35, 0.3, 0.23, 0.12)
# How far along its required path a series gets by the deadline, per profile.
REACH = {"ahead": (1.15, 1.4), "on_pace": (0.97, 1.08), "behind": (0.45, 0.8), "deteriorating": (-0.4, -0.1)}


@dataclass(frozen=True)
class _Ctx:
    rng: random.Random
    profile: str


def _rng(*parts: str) -> random.Random:
    return random.Random(SEED ^ zlib.crc32("|".join(parts).encode()))


def _profile(rng: random.Random) -> str:
    return rng.choices(PROFILES, PROFILE_WEIGHTS)[0]


def _elapsed(on: date) -> float:
    # Share of the 2021–2025 plan elapsed at a quarter end (0 at the baseline).
    return (on.year - 2021) + (on.month / 12) if on.year > 2020 else 0.0


def _level_series(target: Target, ctx: _Ctx, scale: float = 1.0) -> list[tuple[date, float]]:
    goal = float(target.value) * scale if not is_intensive(target) else float(target.value)
    higher = target.higher_is_better
    pct = target.unit == "%"
    if target.baseline_value is not None:
        base = float(target.baseline_value)
    else:
        base = goal * (ctx.rng.uniform(0.9, 0.97) if higher else ctx.rng.uniform(1.06, 1.25))
    if is_hold(target):
        # A bound to hold: comfortably inside it, except a deteriorating series that crosses it late.
        inside = goal * (0.8 if not higher else 1.1)
        values = []
        for on in QUARTERS:
            drift = _elapsed(on) / 5 * (0.35 if ctx.profile == "deteriorating" else 0.0)
            v = inside * (1 + (drift if not higher else -drift)) * ctx.rng.uniform(0.98, 1.02)
            values.append((on, min(v, 100.0) if pct else v))
        return values
    lo, hi = REACH[ctx.profile]
    reach = ctx.rng.uniform(lo, hi)
    out = []
    for on in QUARTERS:
        share = _elapsed(on) / 5
        v = base + (goal - base) * reach * share ** ctx.rng.uniform(0.85, 1.15)
        v *= 1 + ctx.rng.gauss(0, 0.004)
        if pct:
            v = min(v, 100.0)
        out.append((on, round(v, 4)))
    return out


def _circle_series(ctx: _Ctx) -> list[tuple[date, float]]:
    base = ctx.rng.uniform(0.55, 0.72)
    lo, hi = REACH[ctx.profile]
    reach = ctx.rng.uniform(lo, hi)
    return [
        (
            on,
            round(
                min(max(base + (0.9 - base) * reach * _elapsed(on) / 5 + ctx.rng.gauss(0, 0.004), 0.0), 1.0),
                4,
            ),
        )
        for on in QUARTERS
    ]


def _cumulative_series(goal: float, ctx: _Ctx) -> list[tuple[date, float]]:
    # Running totals since 1 January 2021, never decreasing.
    lo, hi = REACH[ctx.profile]
    reach = max(ctx.rng.uniform(lo, hi), 0.25)
    total, out = 0.0, []
    for on in QUARTERS[1:]:
        expected = goal * reach * _elapsed(on) / 5
        total = max(total, expected * ctx.rng.uniform(0.97, 1.03))
        out.append((on, round(total, 4)))
    return out


def _annual_series(goal: float, ctx: _Ctx) -> list[tuple[date, float]]:
    # Running totals since 1 January of each year; a year falls short with a profile-dependent chance.
    miss = {"ahead": 0.05, "on_pace": 0.15, "behind": 0.45, "deteriorating": 0.6}[ctx.profile]
    out = []
    for year in range(2021, 2026):
        if ctx.rng.random() < miss:
            year_total = goal - max(1.0, round(goal * ctx.rng.uniform(0.03, 0.2)))
        else:
            year_total = goal + round(goal * ctx.rng.uniform(0.0, 0.15))
        # Counts of events: whole numbers, reported as running totals since 1 January each quarter.
        for q, on in enumerate(d for d in QUARTERS if d.year == year):
            out.append((on, float(round(year_total * (q + 1) / 4))))
    return out


def _annual_change_series(target: Target, ctx: _Ctx) -> list[tuple[date, float]]:
    step = float(target.value)
    sign = 1.0 if target.higher_is_better else -1.0
    level = ctx.rng.uniform(50, 56)
    out = [(date(2020, 12, 31), round(level, 2))]
    for year in range(2021, 2026):
        lo, hi = REACH[ctx.profile]
        level += sign * step * ctx.rng.uniform(lo, hi) * ctx.rng.uniform(0.8, 1.4)
        out.append((date(year, 12, 31), round(level, 2)))
    return out


def _per_unit_series(ctx: _Ctx) -> list[tuple[date, float]]:
    opens = {"ahead": 2022, "on_pace": 2023, "behind": 2025, "deteriorating": 2030}[ctx.profile]
    opens += ctx.rng.choice((-1, 0, 0, 1))
    return [(date(y, 12, 31), 1.0 if y >= opens else 0.0) for y in range(2020, 2026)]


def _rows(
    target: Target, unit: Unit, points: list[tuple[date, float]], accumulation: str
) -> Iterator[ObservationInput]:
    for on, value in points:
        yield ObservationInput(
            target_id=target.id,
            unit_id=unit.id,
            period_end=on,
            value=value,
            accumulation=accumulation,
            source_kind=SourceKind.SYNTHETIC,
            source_ref=SOURCE_REF,
            source_note=SOURCE_NOTE,
        )


def _weights(units: list[Unit]) -> dict[int, float]:
    rng = _rng("weights")
    raw = {u.id: rng.uniform(0.5, 1.6) * (0.5 if u.kind == UnitKind.ZONE else 1.0) for u in units}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def synthetic_rows(
    city: Unit, areas: list[Unit]
) -> tuple[list[ObservationInput], list[tuple[Target, Unit, float]]]:
    """All synthetic observations and district shares for the catalog (deterministic)."""
    rows: list[ObservationInput] = []
    shares: list[tuple[Target, Unit, float]] = []
    weights = _weights(areas)
    districts = [u for u in areas if u.kind == UnitKind.DISTRICT]
    for target in Target.objects.order_by("id"):
        kind = target.kind
        city_ctx = _Ctx(_rng(target.code, city.code), _profile(_rng(target.code)))
        if kind == TargetKind.CUMULATIVE:
            goal = float(target.value)
            totals: dict[date, float] = {}
            for unit in areas:
                share = round(goal * weights[unit.id], 4)
                shares.append((target, unit, share))
                ctx = _Ctx(_rng(target.code, unit.code), _profile(_rng(target.code, unit.code, "p")))
                points = _cumulative_series(share, ctx)
                for on, v in points:
                    totals[on] = totals.get(on, 0.0) + v
                rows.extend(_rows(target, unit, points, AccumulationKind.RUNNING_TOTAL))
            city_points = [(on, round(v, 4)) for on, v in sorted(totals.items())]
            rows.extend(_rows(target, city, city_points, AccumulationKind.RUNNING_TOTAL))
        elif kind == TargetKind.PER_UNIT:
            applicable = [
                u for u in districts if "central" not in target.applies_to or u.area_type == "central"
            ]
            for unit in applicable:
                ctx = _Ctx(_rng(target.code, unit.code), _profile(_rng(target.code, unit.code, "p")))
                rows.extend(_rows(target, unit, _per_unit_series(ctx), AccumulationKind.LEVEL))
        elif kind == TargetKind.ANNUAL:
            goal = float(target.value)
            rows.extend(_rows(target, city, _annual_series(goal, city_ctx), AccumulationKind.RUNNING_TOTAL))
            if "each_district" in target.applies_to:
                for unit in districts:
                    ctx = _Ctx(_rng(target.code, unit.code), _profile(_rng(target.code, unit.code, "p")))
                    rows.extend(
                        _rows(target, unit, _annual_series(goal, ctx), AccumulationKind.RUNNING_TOTAL)
                    )
        elif kind == TargetKind.ANNUAL_CHANGE:
            rows.extend(_rows(target, city, _annual_change_series(target, city_ctx), AccumulationKind.LEVEL))
            for unit in areas:
                ctx = _Ctx(_rng(target.code, unit.code), _profile(_rng(target.code, unit.code, "p")))
                rows.extend(_rows(target, unit, _annual_change_series(target, ctx), AccumulationKind.LEVEL))
        elif kind == TargetKind.CIRCLE:
            rows.extend(_rows(target, city, _circle_series(city_ctx), AccumulationKind.LEVEL))
            for unit in areas:
                ctx = _Ctx(_rng(target.code, unit.code), _profile(_rng(target.code, unit.code, "p")))
                rows.extend(_rows(target, unit, _circle_series(ctx), AccumulationKind.LEVEL))
        else:  # level
            rows.extend(_rows(target, city, _level_series(target, city_ctx), AccumulationKind.LEVEL))
            if is_intensive(target) or is_hold(target):
                for unit in areas:
                    ctx = _Ctx(_rng(target.code, unit.code), _profile(_rng(target.code, unit.code, "p")))
                    rows.extend(_rows(target, unit, _level_series(target, ctx), AccumulationKind.LEVEL))
    return rows, shares


def progress_demo_is_loaded() -> bool:
    return Observation.objects.filter(source_kind=SourceKind.SYNTHETIC, source_ref=SOURCE_REF).exists()


def progress_demo_load(*, actor: Any = None) -> int:
    """Fill synthetic observations and shares, then compute the half-year status history. Idempotent."""
    if progress_demo_is_loaded() or not Target.objects.exists():
        return 0
    city = Unit.objects.filter(kind=UnitKind.CITY).order_by("path").first()
    if city is None:
        return 0
    areas = list(
        Unit.objects.filter(parent=city, kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]).order_by("code")
    )
    rows, shares = synthetic_rows(city, areas)
    # Series that already hold real or reported values (published figures) get no synthetic placeholders.
    real_series = set(
        Observation.objects.exclude(source_kind=SourceKind.SYNTHETIC).values_list("target_id", "unit_id")
    )
    rows = [r for r in rows if (r.target_id, r.unit_id) not in real_series]
    n = observations_bulk_load(actor=actor, rows=rows, label="demo synthetic progress")
    existing = set(TargetShare.objects.values_list("target_id", "unit_id"))
    created = TargetShare.objects.bulk_create(
        [
            TargetShare(target=t, unit=u, value=v, source_kind=SourceKind.SYNTHETIC, note="演示用模拟分解")
            for t, u, v in shares
            if (t.id, u.id) not in existing
        ]
    )
    audit_record(
        actor=actor, action="progress.target_shares_bulk_load", detail={"rows": len(created), "label": "demo"}
    )
    for as_of in SNAPSHOTS:
        progress_recompute(actor=actor, as_of=as_of)
    return n
