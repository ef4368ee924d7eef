"""SQLite in WAL mode with a busy timeout and BEGIN IMMEDIATE: 20 concurrent writers, no "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREADS = 20
WRITES_EACH = 5


def test_twenty_concurrent_writers_on_a_file_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        MINSHENG_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.wal_writers", str(THREADS), str(WRITES_EACH)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["journal_mode"] == "wal"
    assert report["errors"] == []
    assert report["events"] == THREADS * WRITES_EACH * 2
    assert report["chain_ok"]
