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
    """Series to look up, as two aligned id arrays (sorted target-major for cache locality)."""

    target_ids: IntArray
    unit_ids: IntArray

    def __len__(self) -> int:
        return len(self.target_ids)

    def take(self, mask_or_index: NDArray[Any]) -> Pairs:
        return Pairs(self.target_ids[mask_or_index], self.unit_ids[mask_or_index])

    def split(self, parts: int) -> list[tuple[int, Pairs]]:
        """Contiguous chunks with their offsets, for parallel workers."""
        bounds = np.linspace(0, len(self), parts + 1).astype(int).tolist()
        return [
            (a, Pairs(self.target_ids[a:b], self.unit_ids[a:b]))
            for a, b in itertools.pairwise(bounds)
            if b > a
        ]


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
            cursor.execute(sql_pg, [pairs.target_ids.tolist(), pairs.unit_ids.tolist(), *params])
            return [(int(r[0]) - 1, *r[1:]) for r in cursor.fetchall()]
        payload = json.dumps(np.stack([pairs.target_ids, pairs.unit_ids], axis=1).tolist())
        cursor.execute(sql_sqlite, [*params, payload])
        return [tuple(r) for r in cursor.fetchall()]


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


_SQLITE_PAIR = "CAST(j.value ->> 0 AS INTEGER)"
_SQLITE_UNIT = "CAST(j.value ->> 1 AS INTEGER)"


def _sqlite_where(cond: str) -> str:
    return f"o.target_id = {_SQLITE_PAIR} AND o.unit_id = {_SQLITE_UNIT} AND {cond}"


def _pg_from(lateral: str) -> str:
    return (
        "FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS p(t, u, k) "
        f"CROSS JOIN LATERAL ({lateral}) AS l"
    )


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
    # SQL below is composed only from constants (table, column and ordinal expressions); every value is a bound
    # parameter, so the nosec markers on the f-strings are safe.
    order = "DESC" if last else "ASC"
    lo = start.isoformat() if start else "0001-01-01"
    hi = end.isoformat()
    sqlite_sub = (
        f"SELECT {{col}} FROM {TABLE} o WHERE {_sqlite_where('o.period_end BETWEEN %s AND %s')} "  # nosec B608
        f"ORDER BY o.period_end {order} LIMIT 1"
    )
    acc = f"({sqlite_sub.format(col='o.accumulation')})" if with_accumulation else "''"
    sql_sqlite = (
        "SELECT k, d, v, a FROM (SELECT j.key AS k, "  # nosec B608
        f"({sqlite_sub.format(col=_sqlite_ordinal('o.period_end'))}) AS d, "
        f"({sqlite_sub.format(col='o.value')}) AS v, {acc} AS a "
        "FROM json_each(%s) AS j) WHERE d IS NOT NULL"
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
    sql_sqlite = (
        f"SELECT k, x, y FROM (SELECT j.key AS k, (SELECT {a} {sqlite_sub}) AS x, (SELECT {b} {sqlite_sub}) AS y "  # nosec B608
        "FROM json_each(%s) AS j) WHERE x IS NOT NULL"
    )
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
