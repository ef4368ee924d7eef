"""Per-series index seeks for the batch recompute: the database finds each series' few values, not Python.

Every function takes a list of series (target id, unit id pairs) and answers with one SQL statement whose
cost grows with the number of series, not the number of observations: for each pair the covering index
`progress_obs_series` (target, unit, period_end, value) is entered once (SQLite correlated subqueries,
PostgreSQL LATERAL joins). A GROUP BY over the fact table was measured first and read every row several
times over (4–6× a plain count/sum scan on both databases); seeks stay near 1× for two values per series.

Dates come back as proleptic ordinals (`date.toordinal()`), missing values as NaN, in pair order.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import connection, connections
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

TABLE = "progress_observation"
# Below this many series one connection is faster than starting threads.
PARALLEL_MIN_PAIRS = 40_000


@dataclass(frozen=True)
class Pairs:
    """Series to look up, as two aligned id arrays (target-major for cache locality).

    When the pairs are every unit of `cross_units` for each target in turn (the usual case: a group of
    targets × all units below the districts), `cross_units` is set and the SQL builds the pairs itself from
    two short lists instead of receiving them one by one.
    """

    target_ids: IntArray
    unit_ids: IntArray
    cross_units: IntArray | None = None

    @classmethod
    def product(cls, target_ids: IntArray, unit_ids: IntArray) -> Pairs:
        return cls(np.repeat(target_ids, len(unit_ids)), np.tile(unit_ids, len(target_ids)), unit_ids)

    def __len__(self) -> int:
        return len(self.target_ids)

    def _targets(self) -> IntArray:
        assert self.cross_units is not None
        out: IntArray = self.target_ids[:: max(len(self.cross_units), 1)]
        return out

    def take(self, mask_or_index: NDArray[Any]) -> Pairs:
        target_ids, unit_ids = self.target_ids[mask_or_index], self.unit_ids[mask_or_index]
        if self.cross_units is not None and len(self.cross_units) and len(target_ids):
            mask = np.zeros(len(self), dtype=np.bool_)
            mask[mask_or_index] = True
            blocks = mask.reshape(-1, len(self.cross_units))
            whole = blocks.all(axis=1)
            if np.array_equal(whole, blocks.any(axis=1)):  # whole targets only: still a product
                return Pairs(target_ids, unit_ids, self.cross_units)
        return Pairs(target_ids, unit_ids)

    def split(self, parts: int) -> list[tuple[int, Pairs]]:
        """Contiguous chunks with their offsets, for parallel workers (whole targets for a product)."""
        if self.cross_units is not None and len(self.cross_units):
            n_u = len(self.cross_units)
            targets = self._targets()
            bounds = np.linspace(0, len(targets), parts + 1).astype(int).tolist()
            return [
                (a * n_u, Pairs.product(targets[a:b], self.cross_units))
                for a, b in itertools.pairwise(bounds)
                if b > a
            ]
        bounds = np.linspace(0, len(self), parts + 1).astype(int).tolist()
        return [
            (a, Pairs(self.target_ids[a:b], self.unit_ids[a:b]))
            for a, b in itertools.pairwise(bounds)
            if b > a
        ]

    def sqlite_source(self) -> tuple[str, list[str]]:
        """A materialised CTE p(k, t, u) with k the pair's index, and its parameters."""
        if self.cross_units is not None:
            n_u = len(self.cross_units)
            return (
                f"WITH p(k, t, u) AS MATERIALIZED (SELECT a.key * {n_u} + b.key, a.value, b.value "  # nosec B608
                "FROM json_each(%s) AS a CROSS JOIN json_each(%s) AS b) ",
                [json.dumps(self._targets().tolist()), json.dumps(self.cross_units.tolist())],
            )
        payload = json.dumps(np.stack([self.target_ids, self.unit_ids], axis=1).tolist())
        return (
            "WITH p(k, t, u) AS MATERIALIZED (SELECT key, CAST(value ->> 0 AS INTEGER), "
            "CAST(value ->> 1 AS INTEGER) FROM json_each(%s)) ",
            [payload],
        )

    def pg_source(self) -> tuple[str, list[list[int]]]:
        """A derived table p(t, u, k) with k the pair's 1-based index, and its parameters."""
        if self.cross_units is not None:
            n_u = len(self.cross_units)
            return (
                "(SELECT a.t, b.u, (a.i - 1) * "  # nosec B608
                f"{n_u} + b.j AS k FROM unnest(%s::bigint[]) WITH ORDINALITY AS a(t, i) "
                "CROSS JOIN unnest(%s::bigint[]) WITH ORDINALITY AS b(u, j)) AS p",
                [self._targets().tolist(), self.cross_units.tolist()],
            )
        return (
            "unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS p(t, u, k)",
            [self.target_ids.tolist(), self.unit_ids.tolist()],
        )


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _sqlite_ordinal(column: str) -> str:
    # julianday('0001-01-01') = 1721425.5 and date(1, 1, 1).toordinal() = 1.
    return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"


def _pg_ordinal(column: str) -> str:
    return f"(({column}) - DATE '0001-01-01' + 1)"


def _run(sql_sqlite: str, sql_pg: str, pairs: Pairs, params: Sequence[str]) -> list[tuple[Any, ...]]:
    """Run a per-pair statement; rows are (pair index, …) for pairs that have an answer."""
    if not len(pairs):
        return []
    with connection.cursor() as cursor:
        if _is_postgres():
            # These statements look expensive to the planner, which would spend seconds JIT-compiling them.
            cursor.execute("SET jit = off")
            source, args = pairs.pg_source()
            cursor.execute(sql_pg.replace("{pairs}", source), [*args, *params])
            return [(int(r[0]) - 1, *r[1:]) for r in cursor.fetchall()]
        source, texts = pairs.sqlite_source()
        cursor.execute(source + sql_sqlite, [*texts, *params])
        # The SQLite statement answers every pair (NULL when none); keep the answered ones.
        return [tuple(r) for r in cursor.fetchall() if r[1] is not None]


def _parallel(
    fn: Callable[[Pairs], list[tuple[Any, ...]]], pairs: Pairs, workers: int
) -> list[tuple[Any, ...]]:
    if workers <= 1 or len(pairs) < PARALLEL_MIN_PAIRS:
        return fn(pairs)

    def job(item: tuple[int, Pairs]) -> list[tuple[Any, ...]]:
        offset, chunk = item
        try:
            return [(r[0] + offset, *r[1:]) for r in fn(chunk)]
        finally:
            connections.close_all()  # this thread's connections

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(job, pairs.split(workers)))
    return [row for part in results for row in part]


def _sqlite_where(cond: str) -> str:
    return f"o.target_id = p.t AND o.unit_id = p.u AND {cond}"


def _pg_from(lateral: str) -> str:
    return f"FROM {{pairs}} CROSS JOIN LATERAL ({lateral}) AS l"


def one_end(
    pairs: Pairs,
    start: date | None,
    end: date,
    *,
    last: bool = True,
    with_accumulation: bool = False,
    workers: int = 1,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """(ordinal, value, per_period) of each series' last (or first) observation dated start…end.

    NaN (False) where the series has none. `per_period` is the accumulation of that observation.
    """
    order = "DESC" if last else "ASC"
    lo = start.isoformat() if start else "0001-01-01"
    hi = end.isoformat()
    sqlite_sub = (
        f"SELECT {{col}} FROM {TABLE} o WHERE {_sqlite_where('o.period_end BETWEEN %s AND %s')} "  # nosec B608
        f"ORDER BY o.period_end {order} LIMIT 1"
    )
    acc = f"({sqlite_sub.format(col='o.accumulation')})" if with_accumulation else "''"
    sql_sqlite = (
        "SELECT p.k, "  # nosec B608
        f"({sqlite_sub.format(col=_sqlite_ordinal('o.period_end'))}), "
        f"({sqlite_sub.format(col='o.value')}), {acc} FROM p"
    )
    n_sub = 3 if with_accumulation else 2
    lateral = (
        f"SELECT {_pg_ordinal('o.period_end')} AS d, o.value AS v, "  # nosec B608
        f"{'o.accumulation' if with_accumulation else chr(39) * 2} AS a FROM {TABLE} o "
        "WHERE o.target_id = p.t AND o.unit_id = p.u AND o.period_end BETWEEN %s AND %s "
        f"ORDER BY o.period_end {order} LIMIT 1"
    )
    sql_pg = f"SELECT p.k, l.d, l.v, l.a {_pg_from(lateral)}"
    params_sqlite = [lo, hi] * n_sub

    def fn(chunk: Pairs) -> list[tuple[Any, ...]]:
        return _run(sql_sqlite, sql_pg, chunk, params_sqlite if not _is_postgres() else [lo, hi])

    rows = _parallel(fn, pairs, workers)
    day = np.full(len(pairs), np.nan)
    value = np.full(len(pairs), np.nan)
    per_period = np.zeros(len(pairs), dtype=np.bool_)
    if rows:
        idx = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        day[idx] = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
        value[idx] = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
        per_period[idx] = np.fromiter((r[3] == "per_period" for r in rows), dtype=np.bool_, count=len(rows))
    return day, value, per_period


def range_stats(
    pairs: Pairs, start: date | None, end: date, *, what: str = "sum", workers: int = 1
) -> tuple[FloatArray, FloatArray]:
    """Per series over observations dated start…end: (sum, count) or (min, max) with what="minmax".

    NaN where a series has no observation in the range (count 0 for "sum").
    """
    lo = start.isoformat() if start else "0001-01-01"
    hi = end.isoformat()
    a, b = ("sum(o.value)", "count(*)") if what == "sum" else ("min(o.value)", "max(o.value)")
    sqlite_sub = f"FROM {TABLE} o WHERE {_sqlite_where('o.period_end BETWEEN %s AND %s')}"
    sql_sqlite = f"SELECT p.k, (SELECT {a} {sqlite_sub}), (SELECT {b} {sqlite_sub}) FROM p"  # nosec B608
    lateral = (
        f"SELECT {a} AS x, {b} AS y FROM {TABLE} o "  # nosec B608
        "WHERE o.target_id = p.t AND o.unit_id = p.u AND o.period_end BETWEEN %s AND %s"
    )
    sql_pg = f"SELECT p.k, l.x, l.y {_pg_from(lateral)} WHERE l.x IS NOT NULL"

    def fn(chunk: Pairs) -> list[tuple[Any, ...]]:
        return _run(sql_sqlite, sql_pg, chunk, [lo, hi] * 2 if not _is_postgres() else [lo, hi])

    rows = _parallel(fn, pairs, workers)
    first = np.full(len(pairs), np.nan)
    second = np.full(len(pairs), np.nan if what != "sum" else 0.0)
    if rows:
        idx = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        first[idx] = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
        second[idx] = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    return first, second


def out_of_range(target_ids: Sequence[int], as_of: date, low: float, high: float) -> set[tuple[int, int]]:
    """(target, unit) series of these targets with a value outside [low, high] up to `as_of` (index-only scan)."""
    if not target_ids:
        return set()
    marks = ", ".join(["%s"] * len(target_ids))
    sql = (
        f"SELECT DISTINCT o.target_id, o.unit_id FROM {TABLE} o WHERE o.target_id IN ({marks}) "  # nosec B608
        "AND o.period_end <= %s AND (o.value < %s OR o.value > %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*target_ids, as_of.isoformat(), low, high])
        return {(int(t), int(u)) for t, u in cursor.fetchall()}
