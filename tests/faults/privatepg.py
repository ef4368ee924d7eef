"""A private, throw-away PostgreSQL instance for fault tests: initdb into a temp dir, own port, own socket dir.

The machine's shared cluster (port 5432) is never touched: other people's tests use it. This instance may be
stopped with `pg_ctl stop -m immediate` (a crash, as far as clients can tell) and started again.
As root, initdb refuses to run, so every server command runs as the `postgres` system user (runuser).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType


def postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<n>/bin holding initdb and pg_ctl, or None."""
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    found = [p for p in found if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def unavailable_reason() -> str | None:
    """Why a private instance cannot be started here (None when it can)."""
    if postgres_bindir() is None:
        return "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb as"
        if shutil.which("runuser") is None:
            return "running as root without runuser"
    return None


class PrivatePostgres:
    """`with PrivatePostgres() as pg:` → pg.url(dbname); pg.stop(); pg.start(); always cleaned up."""

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found")
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ms-private-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.running = False
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.root.chmod(0o700)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True, cwd=self.root)

    def initdb(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        # fsync off speeds the test up; it only matters for an OS crash, not for a killed server, so a
        # commit the server acknowledged survives `stop -m immediate`. synchronous_commit stays on.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "-o", options, "start"
        )
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")
        self.running = False

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def cleanup(self) -> None:
        if self.running or (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivatePostgres:
        try:
            self.initdb()
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()
