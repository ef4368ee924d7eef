"""Querysets compiled to SQL once per process, then run with fresh parameter values (ADR 0010).

A signed-in page runs the same few reads on every request (the user, their role assignments, the unread
count). Measured on the demo data, Django spends 0.2–0.5 ms *compiling* each of those querysets to SQL and
0.01–0.03 ms running it: compilation was the largest cost of a warm leadership page after its template. No
maintained package caches compiled querysets (django-cachalot caches results, and still compiles to build its
key), so this module does the smallest thing that works: it builds the queryset once with placeholder values,
lets Django's compiler produce the SQL, remembers where the placeholders landed among the parameters, and on
each call executes that SQL with the real values and turns the rows into model instances exactly as Django's
own iterator does (`from_db`, the field converters, select_related populators).

`rows` and `instances` split `fetch` in two, so a caller may keep raw rows (immutable tuples) and build fresh
instances from them on a later request (ADR 0012: role rows kept under their signature).

Only plain equality filters on integers and strings are supported as parameters: an integer's placeholder is a
negative integer no primary key takes, a string's one with NUL characters no stored key holds (ADR 0014: the
session key). The kinds are those of the first call's arguments, and every later call is coerced to them. A
shape whose SQL does not carry each placeholder exactly once is refused at first use (a bug in the caller, not a
runtime condition).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Far outside any id or count the application stores, so a parameter equal to one is the placeholder.
_PLACEHOLDER_BASE = -7_295_310_001

type ArgumentKind = type[int] | type[str]


def _placeholder(kind: ArgumentKind, index: int) -> int | str:
    """The stand-in for argument `index` while compiling (never sent to the database)."""
    return _PLACEHOLDER_BASE - index if kind is int else f"\x00prepared-argument-{index}\x00"


def _kinds(args: tuple[int | str, ...]) -> tuple[ArgumentKind, ...]:
    return tuple(str if isinstance(arg, str) else int for arg in args)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (parameter position, argument index)
    kinds: tuple[ArgumentKind, ...]
    compiler: Any
    init_list: list[str]
    fields_start: int
    fields_end: int
    populators: list[Any]
    converters: dict[
        int, Any
    ]  # Django's per-column converters, worked out once (results_iter does it per call)


class PreparedQuery[M: Model]:
    """`PreparedQuery(Model, lambda user_id: Model.objects.filter(user_id=user_id)…)`, then `.fetch(user.pk)`.

    `build` must return the same queryset shape for any argument values (integers or strings, of the kinds the
    first call passes); it is called once per database connection alias (with placeholder values), never per
    request.
    """

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]]) -> None:
        self._model = model
        self._build = build
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _compile(self, alias: str, kinds: tuple[ArgumentKind, ...] | None) -> _Compiled:
        """The compiled query (`kinds` None: already compiled by a `rows` call)."""
        key = (alias, connections[alias].vendor)
        hit = self._compiled.get(key)
        if hit is not None:
            return hit
        if kinds is None:
            raise RuntimeError("PreparedQuery.instances: no rows() call compiled this query yet")
        compiler, sql, params, slots = _compile_sql(self._build, alias, kinds)
        klass_info, select = compiler.klass_info, compiler.select
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        compiled = _Compiled(
            sql=sql,
            params=params,
            slots=slots,
            kinds=kinds,
            compiler=compiler,
            init_list=[f[0].target.attname for f in select[start:end]],
            fields_start=start,
            fields_end=end,
            # django-stubs already describe a later Django's signature (with `fetch_mode`).
            populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
            converters=_converters(compiler),
        )
        self._compiled[key] = compiled  # two threads racing here both compile the same SQL: harmless
        return compiled

    def fetch(self, *args: int | str) -> list[M]:
        """The queryset's instances for these argument values (one statement, no compilation after the first)."""
        return self.instances(self.rows(*args))

    def rows(self, *args: int | str) -> list[tuple[Any, ...]]:
        """The raw rows behind `fetch` (immutable: a caller may keep them and build instances again later)."""
        alias = router.db_for_read(self._model)
        compiled = self._compile(alias, _kinds(args))
        return _execute(alias, compiled.sql, compiled.params, compiled.slots, compiled.kinds, args)

    def annotation(self, row: tuple[Any, ...], name: str) -> Any:
        """The raw value of annotation `name` in a row `rows()` returned (no instance built)."""
        alias = router.db_for_read(self._model)
        return row[self._compile(alias, None).compiler.annotation_col_map[name]]

    def instances(self, rows: list[tuple[Any, ...]]) -> list[M]:
        """Fresh model instances from rows `rows()` returned, as Django's own iterator builds them."""
        if not rows:
            return []
        alias = router.db_for_read(self._model)
        compiled = self._compile(alias, None)
        compiler = compiled.compiler
        cls: type[M] = compiler.klass_info["model"]
        out: list[M] = []
        converted = compiler.apply_converters(rows, compiled.converters) if compiled.converters else rows
        for row in converted:
            obj = cls.from_db(alias, compiled.init_list, row[compiled.fields_start : compiled.fields_end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for attr_name, col_pos in (compiler.annotation_col_map or {}).items():
                setattr(obj, attr_name, row[col_pos])
            out.append(obj)
        return out


class PreparedCount[M: Model]:
    """`PreparedCount(Model, lambda user_id: Model.objects.filter(…))`, then `.count(user.pk)`: the rows' count."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]]) -> None:
        self._model = model
        self._build = build
        self._compiled: dict[
            tuple[str, str],
            tuple[str, tuple[Any, ...], tuple[tuple[int, int], ...], tuple[ArgumentKind, ...]],
        ] = {}

    def count(self, *args: int | str) -> int:
        alias = router.db_for_read(self._model)
        key = (alias, connections[alias].vendor)
        hit = self._compiled.get(key)
        if hit is None:
            kinds = _kinds(args)
            _, sql, params, slots = _compile_sql(
                lambda *a: self._build(*a).order_by().values("pk"), alias, kinds
            )
            hit = self._compiled[key] = (
                # The inner SQL is Django's own compilation of the queryset; values stay parameters.
                f"SELECT COUNT(*) FROM ({sql}) prepared_count",  # noqa: S608  # nosec B608
                params,
                slots,
                kinds,
            )
        rows = _execute(alias, *hit, args)
        return int(rows[0][0])


def _converters(compiler: Any) -> dict[int, Any]:
    """What `SQLCompiler.results_iter` works out on every call; composite primary keys are not supported."""
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("prepared query: composite primary keys are not supported")
    return dict(compiler.get_converters(fields))


def _compile_sql(
    build: Callable[..., QuerySet[Any]], alias: str, kinds: tuple[ArgumentKind, ...]
) -> tuple[Any, str, tuple[Any, ...], tuple[tuple[int, int], ...]]:
    """(compiler, SQL, parameters, placeholder slots) of the queryset built with placeholder arguments."""
    arity = len(kinds)
    placeholders = [_placeholder(kind, i) for i, kind in enumerate(kinds)]
    compiler = build(*placeholders).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    slots = tuple((pos, placeholders.index(p)) for pos, p in enumerate(params) if p in placeholders)
    if sorted(arg for _, arg in slots) != list(range(arity)):
        raise ValueError(f"prepared query: each argument must appear exactly once in the SQL: {sql}")
    return compiler, sql, tuple(params), slots


def _execute(
    alias: str,
    sql: str,
    params: tuple[Any, ...],
    slots: tuple[tuple[int, int], ...],
    kinds: tuple[ArgumentKind, ...],
    args: tuple[int | str, ...],
) -> list[tuple[Any, ...]]:
    values = list(params)
    for pos, arg in slots:
        values[pos] = kinds[arg](args[arg])
    conn = connections[alias]
    with _cursor(conn) as cursor:
        cursor.execute(sql, values)
        return list(cursor.fetchall())


def _cursor(conn: Any) -> Any:
    """Django's cursor; on PostgreSQL (unless preparation is switched off) one that prepares each statement.

    Prepared, the server plans these few statements once per connection instead of on every request (planning
    was most of their cost: 0.55 ms of PostgreSQL time per leadership page instead of 1.5 ms), and results come
    back in binary form (timestamps and integers decoded without parsing text, ADR 0013). Query logging
    (DEBUG, tests capturing queries) would show a prepared statement's text as None, so it gets Django's cursor.
    """
    if conn.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None or conn.queries_logged:
        return conn.cursor()
    return server_cursor(conn, prepare=True, binary=True)


def server_cursor(conn: Any, *, prepare: bool = False, binary: bool = False) -> Any:
    """Django's cursor; on PostgreSQL one that binds parameters on the server, so bytea goes out as bytes rather
    than as hexadecimal text in the SQL (`prepare`: each statement also prepared; `binary`: results come back
    in binary form, bytea as bytes rather than hexadecimal text).

    Django's own cursors bind on the client and never prepare. The steps below are those of Django's
    `BaseDatabaseWrapper._cursor` with another cursor class: health check, connection, thread check, time
    zone, and the wrapper that runs execute wrappers and translates errors.
    """
    if conn.vendor != "postgresql":
        return conn.cursor()
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        raw = _server_cursor_class(prepare)(conn.connection)
        if binary:
            raw.format = Format.BINARY
        loader = conn.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if conn.timezone != loader.timezone:
            register_tzloader(conn.timezone, raw)
    conn.validate_thread_sharing()
    return conn.make_cursor(raw)


@cache
def _server_cursor_class(prepare: bool) -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    if not prepare:
        return ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)  # type: ignore[misc]  # psycopg's Cursor

    return PreparingCursor
