"""kill -9 in the middle of a ledger import: afterwards the import is wholly there or wholly absent.

A real process (`python -m minsheng ledger_import FILE --year … --user …`) imports into a file SQLite database
(and, when the suite runs on PostgreSQL, into a scratch PostgreSQL database). With
MINSHENG_TEST_IMPORT_PAUSE_AFTER=N it stops after writing N rows inside its open transaction and says
"PAUSED"; the test then sends SIGKILL. No partial row may be visible afterwards; run again, every row is there.
No wall-clock assertions: the timeouts only keep a broken run from hanging the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from minsheng.reporting.tests.fault_import import USER, YEAR

ROOT = Path(__file__).resolve().parents[3]
PAUSE_AFTER = 6
SCRATCH_PG = "ms_excelweb_fault"


def _env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        MINSHENG_VAR_DIR=str(var_dir),
        **extra,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-3000:])
    return result


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _postgres_admin() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": int(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }


def _postgres_scratch() -> Iterator[str]:
    import psycopg

    params = _postgres_admin()
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_PG}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SCRATCH_PG}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    try:
        yield f"postgres://{auth}@{params['host']}:{params['port']}/{SCRATCH_PG}"
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_PG}" WITH (FORCE)')


def _open_transactions() -> int:
    import psycopg

    with psycopg.connect(**_postgres_admin()) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'idle in transaction'",
            [SCRATCH_PG],
        ).fetchone()
    return int(row[0]) if row else 0


BACKENDS = ["sqlite"]
if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
    BACKENDS.append("postgresql")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fault.sqlite3'}"
    else:
        yield from _postgres_scratch()


def test_sigkill_mid_import_leaves_nothing_then_a_rerun_imports_everything(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(database_url, tmp_path)
    _run(["-m", "minsheng", "migrate", "--noinput", "-v", "0"], env)
    workbook = tmp_path / "ledger.xlsx"
    rows = _json(_run(["-m", "minsheng.reporting.tests.fault_import", "seed", str(workbook)], env))["rows"]
    assert rows > PAUSE_AFTER + 2
    before = _json(_run(["-m", "minsheng.reporting.tests.fault_import", "count"], env))
    assert before["marked"] == 0

    command = ["-m", "minsheng", "ledger_import", str(workbook), "--year", str(YEAR), "--user", USER]
    paused_env = _env(database_url, tmp_path, MINSHENG_TEST_IMPORT_PAUSE_AFTER=str(PAUSE_AFTER))
    worker = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=paused_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        line = worker.stdout.readline()  # blocks until the import has written PAUSE_AFTER rows
        assert line.strip() == "PAUSED", (
            line,
            worker.stderr.read() if worker.stderr and worker.poll() is not None else "",
        )
        # Mid-import, with rows written but not committed, another process sees none of them.
        assert _json(_run(["-m", "minsheng.reporting.tests.fault_import", "count"], env)) == before
        if database_url.startswith("postgres"):
            assert _open_transactions() >= 1  # the rows are written, inside a transaction not yet committed
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL

    after_kill = _json(_run(["-m", "minsheng.reporting.tests.fault_import", "count"], env))
    assert after_kill == before  # wholly absent: no marked report, no new report, drafts untouched

    _run(command, env)  # again, to completion
    done = _json(_run(["-m", "minsheng.reporting.tests.fault_import", "count"], env))
    assert done["marked"] == rows  # wholly there
    assert done["reports"] == rows  # the drafts were updated in place, the others created
