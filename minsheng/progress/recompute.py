"""Compute every status for an as-of date (no writes; services.progress_recompute persists them).

Two paths, one set of rules:

- exact: the city and the districts/zones (depth ≤ `exact_max_depth`). Their observations are loaded
  (≈ 70 targets × 18 units × a few dozen values) and judged one series at a time by `domain.evaluate`, which
  also writes the sentence an official reads and the forecast.
- batch: every unit below (streets, communities — 3,300 of them in Wuhan). Each series is reduced, from its
  pack (`packs.py`: every series as arrays, read at once), to the few numbers its rule needs (latest value,
  base value, running total, year-end values), then judged in numpy by `trend_batch`, `pace_batch` and the
  batch twins of the other rules. These statuses carry the numbers without a sentence (the unit page asks the
  engine for it on demand) and come out as columns (`BatchColumns`), stored as one StatusBlock per target.
  Forecasts are made for exact rows only (a forecast needs the whole series).
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

import numpy as np
from django.db import connection
from numpy.typing import NDArray

from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Policy, Target

from . import packs
from .domain import (
    Accumulation,
    Assessment,
    Comparator,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    annual_batch,
    annual_change_batch,
    bound_batch,
    decimal_year,
    evaluate,
    meets_batch,
    pace_batch,
    single_unit_batch,
    trend_batch,
)
from .domain.comparators import goal, is_strict
from .models import AccumulationKind, SourceKind
from .models import Observation as ObservationRow
from .specs import UnitSpec, spec_for, unit_spec

FloatArray = NDArray[np.float64]
log = logging.getLogger(__name__)

COLUMNS = (
    "target_id",
    "unit_id",
    "as_of",
    "status",
    "status_code",
    "score",
    "ratio",
    "latest_value",
    "latest_on",
    "running_total",
    "expected_value",
    "share_met",
    "target_value",
    "forecast_on",
    "forecast_value",
    "forecast_lower",
    "forecast_upper",
    "forecast_level",
    "forecast_probability",
    "forecast_method",
    "method",
    "explanation_zh",
    "explanation_en",
    "flags",
    "source_kind",
    "exact",
    "computed_at",
)
Row = tuple[Any, ...]


@dataclass
class Series:
    """One (target, unit) series as loaded for the exact path."""

    observations: list[Observation] = field(default_factory=list)
    accumulation: str = AccumulationKind.LEVEL
    sources: set[str] = field(default_factory=set)

    def engine_accumulation(self) -> Accumulation:
        return (
            Accumulation.PER_PERIOD
            if self.accumulation == AccumulationKind.PER_PERIOD
            else Accumulation.RUNNING_TOTAL
        )

    def source_kind(self) -> str:
        for kind in (SourceKind.REAL, SourceKind.REPORTED, SourceKind.SYNTHETIC):
            if kind in self.sources:
                return str(kind)
        return ""


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    depth: int
    kind: str
    area_type: str


def applicable_units(target: Target, units: Iterable[UnitInfo]) -> list[UnitInfo]:
    """The units a one-per-unit target counts (每个区 → the 13 districts; 各中心城区 → the 7 central ones)."""
    districts = [u for u in units if u.kind == UnitKind.DISTRICT]
    if "central" in target.applies_to:
        return [u for u in districts if u.area_type == "central"]
    return districts


def _nan_none(x: float | None) -> float | None:
    if x is None:
        return None
    f = float(x)
    return None if math.isnan(f) else f


def target_value(spec: TargetSpec | None) -> float | None:
    """The value the chart draws as the target line: the goal, or a circle's formed share."""
    if spec is None:
        return None
    if spec.kind == TargetKind.CIRCLE:
        return spec.formed_share
    return goal(spec)


def assessment_row(
    target_id: int,
    unit_id: int,
    as_of: date,
    a: Assessment,
    spec: TargetSpec | None,
    source_kind: str,
    computed_at: datetime,
) -> Row:
    f = a.forecast
    return (
        target_id,
        unit_id,
        as_of,
        str(a.status),
        a.status.code,
        a.score,
        a.ratio,
        a.latest_value,
        a.latest_on,
        a.running_total,
        a.expected_value,
        a.share_met,
        target_value(spec),
        f.on if f else None,
        f.projected if f else None,
        f.lower if f else None,
        f.upper if f else None,
        f.level if f else None,
        f.probability if f else None,
        f.method if f else "",
        a.method[:96],
        a.explanation_zh,
        a.explanation_en,
        ",".join(a.flags)[:200],
        source_kind,
        True,
        computed_at,
    )


def no_spec_assessment(us: UnitSpec, latest: Observation | None) -> Assessment:
    return Assessment(
        status=Status.NOT_ASSESSABLE,
        method="no-share",
        explanation_zh=us.reason_zh,
        explanation_en=us.reason_en,
        latest_value=latest.value if latest else None,
        latest_on=latest.on if latest else None,
        flags=("no_share",),
    )


# --------------------------------------------------------------------------------------------- exact path


def load_series(
    target_ids: Sequence[int], unit_ids: Sequence[int], as_of: date
) -> dict[tuple[int, int], Series]:
    """Every observation of the given units up to `as_of`, grouped by series (one query)."""
    out: dict[tuple[int, int], Series] = defaultdict(Series)
    for t, u, on, value, acc, source in _series_rows(target_ids, unit_ids, as_of):
        s = out[(t, u)]
        s.observations.append(Observation(on, value))
        s.accumulation = acc
        s.sources.add(source)
    return dict(out)


def _series_rows(
    target_ids: Sequence[int], unit_ids: Sequence[int], as_of: date
) -> Iterator[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        # PostgreSQL plans `unit_id IN (…18 ids…)` over 14 M rows as a parallel sequential scan (2 s); one
        # index range per (target, unit) pair through LATERAL reads only the ~75,000 rows wanted.
        sql = (
            "SELECT o.target_id, o.unit_id, o.period_end, o.value, o.accumulation, o.source_kind "  # noqa: S608  # nosec B608
            "FROM unnest(%s::bigint[]) AS t(id) CROSS JOIN unnest(%s::bigint[]) AS u(id) CROSS JOIN LATERAL "
            f"(SELECT * FROM {ObservationRow._meta.db_table} x WHERE x.target_id = t.id AND x.unit_id = u.id "
            "AND x.period_end <= %s ORDER BY x.period_end) AS o ORDER BY o.target_id, o.unit_id, o.period_end"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(target_ids), list(unit_ids), as_of])
            yield from cursor.fetchall()
        return
    yield from (
        ObservationRow.objects.filter(
            unit_id__in=list(unit_ids), target_id__in=list(target_ids), period_end__lte=as_of
        )
        .order_by("target_id", "unit_id", "period_end")
        .values_list("target_id", "unit_id", "period_end", "value", "accumulation", "source_kind")
        .iterator(chunk_size=20_000)
    )


def evaluate_series(
    target: Target,
    policy: Policy,
    unit: UnitInfo,
    series: Series | None,
    share: float | None,
    *,
    is_city: bool,
    as_of: date,
    per_unit_data: Mapping[str, Sequence[Observation]] | None = None,
) -> tuple[Assessment, TargetSpec | None]:
    """The engine's verdict for one target at one unit (the city's own goal, or the unit's share)."""
    acc = series.engine_accumulation() if series else Accumulation.RUNNING_TOTAL
    city = spec_for(target, policy, acc)
    obs = series.observations if series else []
    if is_city:
        if city.kind == TargetKind.PER_UNIT:
            return evaluate(city, per_unit_data or {}, as_of=as_of), city
        return evaluate(city, obs, as_of=as_of), city
    us = unit_spec(city, target, share)
    if us.spec is None:
        return no_spec_assessment(us, obs[-1] if obs else None), None
    if us.spec.kind == TargetKind.PER_UNIT:
        return evaluate(us.spec, {unit.name: obs}, as_of=as_of), us.spec
    return evaluate(us.spec, obs, as_of=as_of), us.spec


def exact_rows(
    targets: Sequence[Target],
    policies: Mapping[int, Policy],
    units: Sequence[UnitInfo],
    shares: Mapping[tuple[int, int], float],
    *,
    as_of: date,
    computed_at: datetime,
    areas: Sequence[UnitInfo] | None = None,
) -> list[Row]:
    """Rows for the city (every target) and the given districts (where they have data or a share).

    `areas`: the districts a one-per-unit target counts at city level (default: those among `units`). Pass them
    when the districts themselves are judged in batch (exact_max_depth 0), or the city would count none.
    """
    city = next((u for u in units if u.depth == 0), None)
    if city is None:
        return []
    areas = units if areas is None else areas
    loaded = {u.id for u in units} | {u.id for u in areas}
    data = load_series([t.id for t in targets], sorted(loaded), as_of)
    by_code = {u.id: u for u in units}
    # The units with data or a share, per target (shares cover every community: group them once, not per target).
    wanted_by_target: dict[int, set[int]] = defaultdict(set)
    for t, u in itertools.chain(data, shares):
        if u in by_code:
            wanted_by_target[t].add(u)
    rows: list[Row] = []
    for target in targets:
        policy = policies[target.task.policy_id]
        per_unit_data = None
        if target.kind == TargetKind.PER_UNIT:
            # Keyed by name: the sentence lists the units still missing ("未达标：江岸区、…").
            per_unit_data = {
                u.name: (data[(target.id, u.id)].observations if (target.id, u.id) in data else [])
                for u in applicable_units(target, areas)
            }
        series = data.get((target.id, city.id))
        a, spec = evaluate_series(
            target, policy, city, series, None, is_city=True, as_of=as_of, per_unit_data=per_unit_data
        )
        rows.append(
            assessment_row(
                target.id, city.id, as_of, a, spec, series.source_kind() if series else "", computed_at
            )
        )
        wanted = set(wanted_by_target.get(target.id, ()))
        if per_unit_data is not None:
            wanted |= {u.id for u in applicable_units(target, units)}
        for unit_id in sorted(wanted - {city.id}):
            unit = by_code.get(unit_id)
            if unit is None:
                continue
            series = data.get((target.id, unit_id))
            a, spec = evaluate_series(
                target, policy, unit, series, shares.get((target.id, unit_id)), is_city=False, as_of=as_of
            )
            rows.append(
                assessment_row(
                    target.id, unit_id, as_of, a, spec, series.source_kind() if series else "", computed_at
                )
            )
    return rows


# --------------------------------------------------------------------------------------------- batch path


@cache
def _decimal_year_of_ordinal(ordinal: int) -> float:
    return decimal_year(date.fromordinal(ordinal))


def decimal_years(ordinals: FloatArray) -> FloatArray:
    """`decimal_year` of each date ordinal (NaN stays NaN); computed once per distinct date."""
    out = np.full(ordinals.shape, np.nan)
    ok = ~np.isnan(ordinals)
    if ok.any():
        uniq, inv = np.unique(ordinals[ok].astype(np.int64), return_inverse=True)
        out[ok] = np.array([_decimal_year_of_ordinal(int(d)) for d in uniq])[inv]
    return out


def _dates(ordinals: FloatArray) -> list[date | None]:
    cache_: dict[int, date] = {}
    out: list[date | None] = []
    for d in ordinals.tolist():
        if d != d:  # NaN
            out.append(None)
        else:
            key = int(d)
            if key not in cache_:
                cache_[key] = date.fromordinal(key)
            out.append(cache_[key])
    return out


def _year_done(as_of: date) -> int:
    return as_of.year if as_of >= date(as_of.year, 12, 31) else as_of.year - 1


@dataclass
class BatchRows:
    """Columns of batch rows (aligned arrays) for one rule."""

    target_ids: NDArray[np.int64]
    unit_ids: NDArray[np.int64]
    status: NDArray[np.int8]
    score: FloatArray
    ratio: FloatArray
    latest_value: FloatArray
    latest_day: FloatArray
    running_total: FloatArray
    expected: FloatArray
    share_met: FloatArray
    target_value: FloatArray
    methods: list[str]
    flags: list[str]


def _codes(strings: Sequence[str], names: dict[str, int]) -> NDArray[np.int16]:
    """Each string's index in `names` (new strings appended): a handful of method names over 231,000 rows."""
    if not strings:
        return np.zeros(0, dtype=np.int16)
    if strings.count(strings[0]) == len(strings):  # most rules name one method and no flag: no loop in Python
        return np.full(len(strings), names.setdefault(strings[0], len(names)), dtype=np.int16)
    for s in dict.fromkeys(strings):
        names.setdefault(s, len(names))
    return np.array(list(map(names.__getitem__, strings)), dtype=np.int16)


@dataclass
class BatchColumns:
    """Every batch status of one recompute as aligned columns, sorted by target, then unit ascending.

    What `services.progress_recompute` stores as one StatusBlock per target (`statusblocks.blocks_from`):
    no Python tuple per row is ever built. Methods and flags are indexes into `method_names`/`flag_names`.
    """

    target_ids: NDArray[np.int64]
    unit_ids: NDArray[np.int64]
    status: NDArray[np.int8]
    score: FloatArray
    ratio: FloatArray
    latest_value: FloatArray
    latest_day: FloatArray
    running_total: FloatArray
    expected: FloatArray
    share_met: FloatArray
    target_value: FloatArray
    method: NDArray[np.int16]
    flags: NDArray[np.int16]
    method_names: list[str]
    flag_names: list[str]

    def __len__(self) -> int:
        return len(self.target_ids)

    @classmethod
    def concat(cls, parts: Sequence[BatchRows]) -> BatchColumns:
        """The rules' parts as one set of columns, in (target, unit) order."""
        methods: dict[str, int] = {}
        flags: dict[str, int] = {}
        method = np.concatenate([np.zeros(0, np.int16), *(_codes(p.methods, methods) for p in parts)])
        flag = np.concatenate([np.zeros(0, np.int16), *(_codes(p.flags, flags) for p in parts)])

        def cat(name: str, dtype: Any) -> NDArray[Any]:
            return np.concatenate([np.zeros(0, dtype), *(getattr(p, name) for p in parts)]).astype(dtype)

        t, u = cat("target_ids", np.int64), cat("unit_ids", np.int64)
        order = np.lexsort((u, t))

        def col(name: str) -> FloatArray:
            out: FloatArray = cat(name, np.float64)[order]
            return out

        return cls(
            target_ids=t[order], unit_ids=u[order], status=cat("status", np.int8)[order], score=col("score"),
            ratio=col("ratio"), latest_value=col("latest_value"), latest_day=col("latest_day"),
            running_total=col("running_total"), expected=col("expected"), share_met=col("share_met"),
            target_value=col("target_value"), method=method[order], flags=flag[order],
            method_names=list(methods), flag_names=list(flags),
        )  # fmt: skip


@dataclass
class PairSpecs:
    """Per-pair spec attributes, from the target's spec with the unit's share applied."""

    pairs: packs.Pairs
    kind: NDArray[np.object_]
    goal: FloatArray
    value_max: FloatArray
    hib: NDArray[np.bool_]
    strict: NDArray[np.bool_]
    hold: NDArray[np.bool_]
    hold_range: NDArray[np.bool_]
    baseline_value: FloatArray
    baseline_year: NDArray[np.int64]
    plan_start: NDArray[np.int64]  # day ordinals
    deadline: NDArray[np.int64]  # day ordinals
    formed_share: FloatArray
    limit: FloatArray
    comparator: NDArray[np.object_]
    nospec: NDArray[np.bool_]
    rule: NDArray[np.object_]

    def take(self, idx: NDArray[np.int64]) -> PairSpecs:
        return PairSpecs(
            self.pairs.take(idx), self.kind[idx], self.goal[idx], self.value_max[idx], self.hib[idx],
            self.strict[idx], self.hold[idx], self.hold_range[idx], self.baseline_value[idx], self.baseline_year[idx],
            self.plan_start[idx], self.deadline[idx], self.formed_share[idx], self.limit[idx], self.comparator[idx],
            self.nospec[idx], self.rule[idx],
        )  # fmt: skip


def pair_specs(
    targets: Sequence[Target],
    policies: Mapping[int, Policy],
    unit_ids: Sequence[int],
    shares: Mapping[tuple[int, int], float],
) -> PairSpecs:
    """Every (target, unit) pair, target-major, with the attributes of the spec its unit is judged against.

    Built per target and repeated over the units, then the pairs with a TargetShare get the share as goal
    (specs.unit_spec, vectorised).
    """
    n_u = len(unit_ids)
    per: dict[str, list[Any]] = defaultdict(list)
    for target in targets:
        city = spec_for(target, policies[target.task.policy_id])
        us = unit_spec(city, target, None)
        s = us.spec or city
        g = goal(s)
        per["kind"].append(str(s.kind))
        per["goal"].append(np.nan if g is None else g)
        per["value_max"].append(np.nan if s.value_max is None else s.value_max)
        per["hib"].append(s.higher_is_better)
        per["strict"].append(is_strict(s))
        per["hold"].append(s.hold)
        per["hold_range"].append(s.hold and s.comparator == Comparator.RANGE)
        per["baseline_value"].append(np.nan if s.baseline_value is None else s.baseline_value)
        per["baseline_year"].append(s.baseline_year)
        per["plan_start"].append(s.plan_start.toordinal())
        per["deadline"].append(s.deadline.toordinal())
        per["formed_share"].append(s.formed_share)
        per["limit"].append(np.nan if s.limit is None else s.limit)
        per["comparator"].append(str(s.comparator))
        per["nospec"].append(us.spec is None)
        per["rule"].append(
            "per_unit" if s.kind == TargetKind.PER_UNIT
            else "bound" if s.hold
            else "trend" if s.kind in (TargetKind.LEVEL, TargetKind.CIRCLE)
            else str(s.kind)
        )  # fmt: skip

    def rep(name: str, dtype: Any) -> NDArray[Any]:
        return np.repeat(np.array(per[name], dtype=dtype), n_u)

    ps = PairSpecs(
        packs.Pairs.product(np.array([t.id for t in targets], dtype=np.int64), np.array(unit_ids, dtype=np.int64)),
        rep("kind", object), rep("goal", np.float64), rep("value_max", np.float64), rep("hib", np.bool_),
        rep("strict", np.bool_), rep("hold", np.bool_), rep("hold_range", np.bool_),
        rep("baseline_value", np.float64), rep("baseline_year", np.int64), rep("plan_start", np.int64),
        rep("deadline", np.int64), rep("formed_share", np.float64), rep("limit", np.float64),
        rep("comparator", object), rep("nospec", np.bool_), rep("rule", object),
    )  # fmt: skip
    if shares and n_u:
        t_pos = {t.id: i for i, t in enumerate(targets)}
        u_pos = {u: i for i, u in enumerate(unit_ids)}
        hits = [(t_pos[t] * n_u + u_pos[u], v) for (t, u), v in shares.items() if t in t_pos and u in u_pos]
        if hits:
            idx = np.array([h[0] for h in hits], dtype=np.int64)
            ps.goal[idx] = np.array([h[1] for h in hits], dtype=np.float64)
            ps.value_max[idx] = np.nan
            ps.hold_range[idx] = False
            ps.nospec[idx] = False
            ranged = idx[ps.comparator[idx] == Comparator.RANGE.value]
            ps.comparator[ranged] = np.where(ps.hib[ranged], str(Comparator.GE), str(Comparator.LE))
            ps.strict[ranged] = False
    return ps


def _factorize(column: NDArray[Any]) -> tuple[int, NDArray[np.int64]]:
    """(number of distinct values, each element's code). Object columns (rule names) by a dict: `np.unique` sorts
    Python objects, 0.09 s for the 231,000 pairs of a Wuhan-sized recompute against 0.01 s this way."""
    if column.dtype != object:
        uniq, inverse = np.unique(column, return_inverse=True)
        return len(uniq), inverse.astype(np.int64, copy=False)
    codes: dict[Any, int] = {}
    inverse = np.fromiter(
        (codes.setdefault(value, len(codes)) for value in column.tolist()), dtype=np.int64, count=len(column)
    )
    return len(codes), inverse


def _groups(*columns: NDArray[Any]) -> dict[Any, NDArray[np.int64]]:
    """Positions of each distinct value (a tuple of values for several columns), in first-seen order."""
    if not len(columns[0]):
        return {}
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        distinct, inverse = _factorize(column)
        combined = combined * distinct + inverse
    order = np.argsort(combined, kind="stable")
    parts = np.split(order, np.flatnonzero(np.diff(combined[order])) + 1)
    parts.sort(key=lambda part: int(part[0]))  # stable sort: each part starts at its first position

    def key(at: int) -> Any:
        values = tuple(c[at].item() if isinstance(c[at], np.generic) else c[at] for c in columns)
        return values[0] if len(values) == 1 else values

    return {key(int(part[0])): part for part in parts}


def _empty(n: int) -> FloatArray:
    return np.full(n, np.nan)


def _result(
    ps: PairSpecs,
    keep: NDArray[np.bool_],
    status: NDArray[np.int8],
    score: FloatArray,
    ratio: FloatArray,
    latest_value: FloatArray,
    latest_day: FloatArray,
    *,
    running_total: FloatArray | None = None,
    expected: FloatArray | None = None,
    share_met: FloatArray | None = None,
    target_value: FloatArray | None = None,
    methods: Sequence[str],
    flags: Sequence[str] | None = None,
) -> BatchRows:
    n = len(ps.pairs)
    idx = np.flatnonzero(keep)
    il = idx.tolist()
    return BatchRows(
        ps.pairs.target_ids[idx], ps.pairs.unit_ids[idx], status[idx], score[idx], ratio[idx], latest_value[idx],
        latest_day[idx], (running_total if running_total is not None else _empty(n))[idx],
        (expected if expected is not None else _empty(n))[idx], (share_met if share_met is not None else _empty(n))[idx],
        (target_value if target_value is not None else ps.goal)[idx], [methods[i] for i in il],
        [(flags[i] if flags is not None else "") for i in il],
    )  # fmt: skip


def _trend_name(
    out_of_range: bool, circle: bool, no_target: bool, is_range: bool, achieved: bool, base_ord: float
) -> tuple[str, str]:
    """(method, flags) as `level.assess_trend` names them."""
    if out_of_range:
        return "circle-coverage", "coverage_out_of_range"
    if circle:
        name = "circle-coverage"
    else:
        name = "opensdg-method1" if no_target else "opensdg-cagr"
        if is_range:
            name = "range" if achieved else f"range+{name}"
    if base_ord == base_ord:  # not NaN: the base is an observation
        return f"{name}[base=observation {date.fromordinal(int(base_ord))}]", "base_from_observation"
    return name, ""


def batch_trend(ps: PairSpecs, as_of: date, store: packs.PackStore) -> BatchRows:
    """Level targets to reach and service circles: Open SDG on (base, latest) per series."""
    n = len(ps.pairs)
    l_day, l_val, _ = store.one_end(ps.pairs, None, as_of)
    has = ~np.isnan(l_day)
    b_day, b_val = _empty(n), ps.baseline_value.copy()
    b_year = np.where(~np.isnan(ps.baseline_value), ps.baseline_year.astype(np.float64), np.nan)
    for by, idx in _groups(ps.baseline_year).items():
        # Whole targets (not only the series with data) keep the pairs a product, which the SQL builds itself.
        need = idx[np.isnan(ps.baseline_value[idx])]
        if not len(need):
            continue
        end = min(date(by, 12, 31), as_of)
        if end >= date(by, 1, 1):
            d, v, _ = store.one_end(ps.pairs.take(need), date(by, 1, 1), end)
            b_day[need], b_val[need] = d, v
        missing = need[np.isnan(b_day[need])]
        if len(missing) and as_of > date(by, 12, 31):
            d, v, _ = store.one_end(ps.pairs.take(missing), date(by + 1, 1, 1), as_of, last=False)
            b_day[missing], b_val[missing] = d, v
    from_obs = ~np.isnan(b_day)
    fallback = has & np.isnan(b_val)
    b_day[fallback], b_val[fallback] = l_day[fallback], l_val[fallback]
    from_obs |= fallback
    b_year = np.where(from_obs, decimal_years(b_day), b_year)
    cy = decimal_years(l_day)
    ty = decimal_years(ps.deadline.astype(np.float64))
    circle = np.asarray(ps.kind == TargetKind.CIRCLE.value, dtype=np.bool_)
    tgt = np.where(circle, ps.formed_share, ps.goal)
    res = trend_batch(
        base_year=b_year, base=b_val, current_year=cy, current=l_val, target_year=ty, target=tgt,
        higher_is_better=ps.hib, limit=ps.limit, strict=ps.strict,
    )  # fmt: skip
    status, score = res.status.copy(), res.score.copy()
    ratio = np.where(status == Status.ACHIEVED.code, np.nan, res.ratio)
    out_of_range = np.zeros(n, dtype=np.bool_)
    if circle.any():
        # level.assess_trend: a circle's values must all be shares 0–1, else it cannot be assessed. One
        # pass over the circle targets' index entries finds the few series that break it.
        circle_targets = sorted(set(ps.pairs.target_ids[circle].tolist()))
        bad = store.out_of_range(circle_targets, as_of, 0.0, 1.0)
        if bad:
            series_keys = ps.pairs.target_ids * (1 << 32) + ps.pairs.unit_ids
            out_of_range = circle & has & np.isin(series_keys, [t * (1 << 32) + u for t, u in bad])
        status[out_of_range], score[out_of_range], ratio[out_of_range] = (
            Status.NOT_ASSESSABLE.code,
            np.nan,
            np.nan,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((cy - b_year) / (ty - b_year), 0.0, 1.0)
        expected = np.where(
            ~np.isnan(tgt) & (ty > b_year) & ~out_of_range, b_val + (tgt - b_val) * share, np.nan
        )
    # Method names and flags depend on a handful of things; name each combination once.
    base_ord = np.where(from_obs & ~out_of_range, b_day, np.nan)
    keys = zip(
        out_of_range.tolist(), circle.tolist(), np.isnan(tgt).tolist(),
        (ps.comparator == Comparator.RANGE.value).tolist(), (status == Status.ACHIEVED.code).tolist(),
        base_ord.tolist(), strict=True,
    )  # fmt: skip
    named: dict[tuple[Any, ...], tuple[str, str]] = {}
    methods: list[str] = []
    flags = []
    for key in keys:
        hit = named.get(key)
        if hit is None:
            hit = named[key] = _trend_name(*key)
        methods.append(hit[0])
        flags.append(hit[1])
    return _result(
        ps,
        has,
        status,
        score,
        ratio,
        l_val,
        l_day,
        expected=expected,
        target_value=tgt,
        methods=methods,
        flags=flags,
    )


def batch_bound(ps: PairSpecs, as_of: date, store: packs.PackStore) -> BatchRows:
    """Ceilings and floors to hold: the latest value against the bound."""
    l_day, l_val, _ = store.one_end(ps.pairs, None, as_of)
    res = bound_batch(
        latest=l_val, goal=ps.goal, higher_is_better=ps.hib, strict=ps.strict, value_max=ps.value_max,
        hold_range=ps.hold_range,
    )  # fmt: skip
    expected = np.where(ps.hold_range, np.nan, ps.goal)
    return _result(
        ps, ~np.isnan(l_day), res.status, res.score, res.ratio, l_val, l_day, expected=expected,
        methods=["bound"] * len(ps.pairs),
    )  # fmt: skip


def _elapsed_share(
    plan_start: NDArray[np.int64], deadline: NDArray[np.int64], on_years: FloatArray
) -> FloatArray:
    # timeline.plan_elapsed, vectorised with the same float operations (dates as day ordinals).
    start = decimal_years((plan_start - 1).astype(np.float64))
    total = decimal_years(deadline.astype(np.float64)) - start
    elapsed = np.minimum(np.maximum(on_years - start, 0.0), total)
    out: FloatArray = elapsed / total
    return out


def _latest_any(
    ps: PairSpecs, as_of: date, store: packs.PackStore, need: NDArray[np.bool_] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Each series' last observation up to `as_of`, whatever its date (only for `need` rows when given)."""
    n = len(ps.pairs)
    day, val = _empty(n), _empty(n)
    idx = np.arange(n) if need is None else np.flatnonzero(need)
    if len(idx):
        d, v, _ = store.one_end(ps.pairs.take(idx), None, as_of)
        day[idx], val[idx] = d, v
    return day, val


def _nospec_rows(
    ps: PairSpecs, out: dict[str, Any], any_day: FloatArray, any_val: FloatArray, methods: list[str]
) -> None:
    """A count total not split to the unit: "cannot be assessed", showing its latest value as reported."""
    m = ps.nospec
    out["status"][m] = Status.NOT_ASSESSABLE.code
    for name in ("score", "ratio", "running_total", "expected", "share_met"):
        out[name][m] = np.nan
    out["latest_value"][m] = any_val[m]
    out["latest_day"][m] = any_day[m]
    for i in np.flatnonzero(m).tolist():
        methods[i] = "no-share"


def batch_cumulative(ps: PairSpecs, as_of: date, store: packs.PackStore) -> BatchRows:
    """Totals over the plan period against time-elapsed progress (序时进度)."""
    n = len(ps.pairs)
    l_day, l_val, per_period = _empty(n), _empty(n), np.zeros(n, dtype=np.bool_)
    total = _empty(n)
    for start_day, idx in _groups(ps.plan_start).items():
        start = date.fromordinal(start_day)
        d, v, pp = store.one_end(ps.pairs.take(idx), start, as_of)
        l_day[idx], l_val[idx], per_period[idx] = d, v, pp
        total[idx] = v
        # Series that report each period's amount (当期数): their total is the sum since the plan started.
        ppi = idx[pp]
        if len(ppi):
            sums, _ = store.range_stats(ps.pairs.take(ppi), start, as_of)
            total[ppi] = np.round(sums, 9)
    since_start = ~np.isnan(l_day)
    # Series whose values all predate the plan: "no data" (or, without a split, their latest value).
    any_day, any_val = _latest_any(ps, as_of, store, need=~since_start)
    any_day[since_start], any_val[since_start] = l_day[since_start], l_val[since_start]
    share = _elapsed_share(ps.plan_start, ps.deadline, decimal_years(l_day))
    res = pace_batch(
        total=total, target=ps.goal, elapsed_share=share, higher_is_better=ps.hib, strict=ps.strict
    )
    achieved = res.status == Status.ACHIEVED.code
    methods: list[str] = np.where(
        ps.comparator == Comparator.RANGE.value,
        np.where(achieved, "range", "range+cumulative-elapsed"),
        "cumulative-elapsed",
    ).tolist()
    out: dict[str, Any] = {
        "status": np.where(since_start, res.status, Status.NOT_ASSESSABLE.code).astype(np.int8),
        "score": res.score.copy(),
        "ratio": res.ratio.copy(),
        "running_total": total,
        "expected": ps.goal * np.clip(share, 0.0, 1.0),
        "share_met": _empty(n),
        "latest_value": total.copy(),
        "latest_day": l_day.copy(),
    }
    _nospec_rows(ps, out, any_day, any_val, methods)
    return _result(
        ps, ~np.isnan(any_day), out["status"], out["score"], out["ratio"], out["latest_value"], out["latest_day"],
        running_total=out["running_total"], expected=out["expected"], methods=methods,
    )  # fmt: skip


def _year_columns(
    ps: PairSpecs,
    idx: NDArray[np.int64],
    years: range,
    as_of: date,
    per_period: NDArray[np.bool_],
    store: packs.PackStore,
) -> tuple[FloatArray, FloatArray]:
    """(value, last date) per (pair, year): the year's last value, or its sum for per-period series."""
    values = np.full((len(idx), len(years)), np.nan)
    days = np.full((len(idx), len(years)), np.nan)
    sub = ps.pairs.take(idx)
    for j, y in enumerate(years):
        end = min(date(y, 12, 31), as_of)
        if end < date(y, 1, 1):
            continue
        d, v, _ = store.one_end(sub, date(y, 1, 1), end)
        values[:, j], days[:, j] = v, d
        pp = np.flatnonzero(per_period & ~np.isnan(d))
        if len(pp):
            s, _ = store.range_stats(sub.take(pp), date(y, 1, 1), end)
            values[pp, j] = np.round(s, 9)
    return values, days


def batch_annual(ps: PairSpecs, as_of: date, store: packs.PackStore) -> BatchRows:
    """Every-year targets: the share of completed plan years met."""
    n = len(ps.pairs)
    out = _BatchAccumulator(ps)
    any_day, any_val, per_period = store.one_end(ps.pairs, None, as_of)
    for (start_day, deadline_day), idx in _groups(ps.plan_start, ps.deadline).items():
        start, deadline = date.fromordinal(start_day), date.fromordinal(deadline_day)
        years = range(start.year, deadline.year + 1)
        values, days = _year_columns(ps, idx, years, as_of, per_period[idx], store)
        res = annual_batch(
            year_values=values, years=list(years), goal=ps.goal[idx], higher_is_better=ps.hib[idx],
            strict=ps.strict[idx], plan_start_year=start.year, deadline_year=deadline.year,
            as_of_year_done=_year_done(as_of), plan_over=as_of >= deadline,
        )  # fmt: skip
        col = {y: j for j, y in enumerate(years)}
        last_day = np.array(
            [days[r, col[y]] if y in col else np.nan for r, y in enumerate(res.last_year.tolist())],
            dtype=np.float64,
        )
        out.put(idx, res.result.status, res.result.score, res.result.ratio, res.latest_value, last_day,
                expected=res.expected_value, share_met=res.share_met)  # fmt: skip
    methods = ["annual-share"] * n
    arrays: dict[str, Any] = {
        "status": out.status, "score": out.score, "ratio": out.ratio, "running_total": _empty(n),
        "expected": out.expected, "share_met": out.share_met, "latest_value": out.latest, "latest_day": out.day,
    }  # fmt: skip
    _nospec_rows(ps, arrays, any_day, any_val, methods)
    return out.result(~np.isnan(any_day), methods)


_CHANGE_KIND = {Comparator.GT: 1, Comparator.LE: 2, Comparator.LT: 3}


def batch_annual_change(ps: PairSpecs, as_of: date, store: packs.PackStore) -> BatchRows:
    """Change-every-year targets: yearly changes of the level against the required step."""
    n = len(ps.pairs)
    out = _BatchAccumulator(ps)
    l_any, _, _ = store.one_end(ps.pairs, None, as_of)
    for (by, start_day, deadline_day), idx in _groups(ps.baseline_year, ps.plan_start, ps.deadline).items():
        start, deadline = date.fromordinal(start_day), date.fromordinal(deadline_day)
        first = min(by, start.year - 1)
        years = range(first, deadline.year + 1)
        levels, days = _year_columns(ps, idx, years, as_of, np.zeros(len(idx), dtype=np.bool_), store)
        bv = ps.baseline_value[idx]
        if by in years:
            j = years.index(by)
            levels[:, j] = np.where(np.isnan(bv), levels[:, j], bv)
        res = annual_change_batch(
            levels=levels, years=list(years), change=ps.goal[idx],
            comparator_kind=[_CHANGE_KIND.get(Comparator(c), 0) for c in ps.comparator[idx].tolist()],
            higher_is_better=ps.hib[idx], baseline_year=by, plan_start_year=start.year,
            deadline_year=deadline.year, as_of_year_done=_year_done(as_of), plan_over=as_of >= deadline,
        )  # fmt: skip
        col = {y: j for j, y in enumerate(years)}
        last_day = np.array(
            [days[r, col[y]] if y in col else np.nan for r, y in enumerate(res.last_year.tolist())],
            dtype=np.float64,
        )
        out.put(idx, res.result.status, res.result.score, res.result.ratio, res.latest_value, last_day,
                expected=res.expected_value, share_met=res.share_met)  # fmt: skip
    return out.result(~np.isnan(l_any), ["annual-change"] * n)


def batch_per_unit(ps: PairSpecs, as_of: date, store: packs.PackStore) -> BatchRows:
    """One-per-unit targets at one unit: met, or 0 of 1 paced against the plan."""
    n = len(ps.pairs)
    l_day, l_val, _ = store.one_end(ps.pairs, None, as_of)
    met = meets_batch(l_val, ps.goal, ps.hib, ps.strict)
    on = decimal_years(np.full(n, float(as_of.toordinal())))
    share = _elapsed_share(ps.plan_start, ps.deadline, on)
    res = single_unit_batch(met=met, elapsed_share=share)
    return _result(
        # Like kinds.assess_per_unit, the verdict is about the unit meeting it; no "latest value" is quoted.
        ps, ~np.isnan(l_day), res.status, res.score, res.ratio, _empty(n), _empty(n),
        expected=np.clip(share, 0.0, 1.0), share_met=met.astype(np.float64), methods=["per-unit-share"] * n,
    )  # fmt: skip


class _BatchAccumulator:
    def __init__(self, ps: PairSpecs) -> None:
        n = len(ps.pairs)
        self.ps = ps
        self.status = np.full(n, Status.NOT_ASSESSABLE.code, dtype=np.int8)
        self.score, self.ratio, self.latest, self.day = _empty(n), _empty(n), _empty(n), _empty(n)
        self.expected, self.share_met = _empty(n), _empty(n)

    def put(
        self, idx: NDArray[np.int64], status: NDArray[np.int8], score: FloatArray, ratio: FloatArray,
        latest: FloatArray, day: FloatArray, *, expected: FloatArray, share_met: FloatArray,
    ) -> None:  # fmt: skip
        self.status[idx], self.score[idx], self.ratio[idx] = status, score, ratio
        self.latest[idx], self.day[idx], self.expected[idx], self.share_met[idx] = (
            latest,
            day,
            expected,
            share_met,
        )

    def result(self, keep: NDArray[np.bool_], methods: Sequence[str]) -> BatchRows:
        return _result(
            self.ps, keep, self.status, self.score, self.ratio, self.latest, self.day, expected=self.expected,
            share_met=self.share_met, methods=methods,
        )  # fmt: skip


def batch_columns(
    targets: Sequence[Target],
    policies: Mapping[int, Policy],
    unit_ids: Sequence[int],
    shares: Mapping[tuple[int, int], float],
    *,
    as_of: date,
    store: packs.PackStore | None = None,
) -> BatchColumns:
    """The statuses of every (target, unit) series below the exact units that has data up to `as_of`.

    The series are read from their packs (`store`, loaded here for these targets when not given).
    """
    if not unit_ids or not targets:
        return BatchColumns.concat([])
    if store is None:
        store = packs.PackStore.load([t.id for t in targets])
    ps = pair_specs(targets, policies, unit_ids, shares)
    ps.pairs = store.locate(ps.pairs)
    handlers = {
        "trend": batch_trend,
        "bound": batch_bound,
        TargetKind.CUMULATIVE: batch_cumulative,
        TargetKind.ANNUAL: batch_annual,
        TargetKind.ANNUAL_CHANGE: batch_annual_change,
        "per_unit": batch_per_unit,
    }
    parts = []
    for name, idx in _groups(ps.rule).items():
        started = time.perf_counter()
        parts.append(handlers[name](ps.take(idx), as_of, store))
        log.debug("batch %s: %d series in %.3fs", name, len(idx), time.perf_counter() - started)
    return BatchColumns.concat(parts)


def unit_infos(units: Iterable[Unit]) -> list[UnitInfo]:
    return [UnitInfo(u.id, u.code, u.name, u.depth, u.kind, u.area_type) for u in units]
