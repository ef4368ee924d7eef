"""Run by test_sqlite_concurrency in a fresh process on a file database: N threads writing through services.

Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.wal_writers THREADS WRITES_EACH
Prints one JSON line: {"errors": [...], "events": n, "journal_mode": "wal", "chain_ok": true}.
"""

from __future__ import annotations

import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from minsheng.accounts.models import User
    from minsheng.audit.domain.chain import verify
    from minsheng.audit.models import AuditEvent
    from minsheng.audit.selectors import chain_anchor, chain_rows
    from minsheng.audit.services import audit_record
    from minsheng.org.models import Role, Unit
    from minsheng.org.services import REFERENCE_UNITS, role_grant, units_load_reference

    threads_n, writes = int(sys.argv[1]), int(sys.argv[2])
    call_command("migrate", verbosity=0)
    units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
    unit = Unit.objects.get(code="420102")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    connections.close_all()
    errors: list[str] = []
    barrier = threading.Barrier(threads_n)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for k in range(writes):
                user = User.objects.create(username=f"w{n}_{k}")
                role_grant(actor=None, user=user, unit=unit, role=Role.REPORTER)  # a service write + audit
                audit_record(actor=user, action="test.write", detail={"n": n, "k": k})
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = AuditEvent.objects.filter(action__in=["test.write", "org.role_grant"]).count()
    chain_ok = verify(chain_rows(), anchor=chain_anchor()) is None
    print(
        json.dumps({"errors": errors, "events": events, "journal_mode": journal_mode, "chain_ok": chain_ok})
    )


if __name__ == "__main__":
    main()
