"""The one sanctioned way past the audit table's append-only triggers: retention purges and test teardown.

The triggers let a change through only when the connection says it is in maintenance: on PostgreSQL a
session setting (`minsheng.audit_maintenance`), on SQLite an application function registered on every
connection. Ordinary requests never enter maintenance, so for them the table is append-only; a tool that
connects without the function (the sqlite3 shell) fails closed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created

_state = threading.local()


def in_maintenance() -> bool:
    return bool(getattr(_state, "on", False))


def _set_pg(conn: Any, on: bool) -> None:
    if conn.vendor == "postgresql" and conn.connection is not None:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('minsheng.audit_maintenance', %s, false)", ["on" if on else "off"]
            )


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "minsheng_audit_maintenance", 0, lambda: 1 if in_maintenance() else 0
        )
    elif in_maintenance():
        _set_pg(connection, True)


@contextmanager
def audit_maintenance() -> Iterator[None]:
    """Allow UPDATE/DELETE/TRUNCATE on the audit table for the duration (this thread's connection).

    Re-entrant: leaving a nested block restores the outer block's state.
    """
    previous = in_maintenance()
    _state.on = True
    connection.ensure_connection()
    _set_pg(connection, True)
    try:
        yield
    finally:
        _state.on = previous
        _set_pg(connection, previous)


def connect_signals() -> None:
    connection_created.connect(on_connection_created, dispatch_uid="minsheng_audit_maintenance")
