"""Stop PostgreSQL under load: clean 503s while it is away, recovery without restarting the server.

A private PostgreSQL (initdb in a temp dir, its own port; never the machine's shared cluster) is migrated and
seeded, gunicorn serves the project against it, four threads drive a mix of requests, and the instance is
killed with `pg_ctl stop -m immediate`. While it is down every request must answer a plain 503 (no trace, no
driver name) — the signed-in page too, where the session and user lookups fail in *middleware*, before any
view — and `/healthz` must say 503. After `pg_ctl start` the same gunicorn workers (same pids) must answer
again (CONN_HEALTH_CHECKS reconnects), and every submission acknowledged before, during or after the outage
must be there. Ordering between requests and the outage uses phase counters, not clocks.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from .httpload import LEAKS, ROOT, Gunicorn, Reply, child_env, request, wait_until
from .privatepg import PrivatePostgres, free_port, unavailable_reason

pytestmark = [pytest.mark.faults, pytest.mark.postgres_only]

BEFORE, STOPPING, DOWN, STARTING, UP = range(5)
KINDS = ("healthz", "page", "api_read", "api_write")
OK = {"healthz": {200}, "page": {200}, "api_read": {200}, "api_write": {200, 201, 409, 422}}
MAX_REQUESTS_PER_THREAD = 4000


@dataclass(frozen=True)
class Sample:
    kind: str
    started: int  # phase when the request was sent
    ended: int  # phase when the answer came back
    reply: Reply
    key: str = ""


class Driver:
    """Four threads, each cycling through the request kinds until told to stop (bounded)."""

    def __init__(self, port: int, seed: dict[str, object]) -> None:
        self.port = port
        self.phase = BEFORE
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.cookie = f"{seed['session_cookie']}={seed['session_key']}"
        self.bearer = f"Bearer {seed['token']}"
        pool = seed["pool"]
        assert isinstance(pool, list)
        assert pool, "the seed found nothing to report"
        self.payloads = {f"outage-{n}": {**p, "idempotency_key": f"outage-{n}"} for n, p in enumerate(pool)}
        self.todo: collections.deque[str] = collections.deque(self.payloads)
        self.acked: dict[str, int] = {}

    def _one(self, kind: str) -> Sample:
        started, key = self.phase, ""
        if kind == "healthz":
            reply = request(self.port, "GET", "/healthz")
        elif kind == "page":
            reply = request(self.port, "GET", "/reporting/", headers={"Cookie": self.cookie})
        elif kind == "api_read":
            reply = request(
                self.port, "GET", "/api/v1/reporting/items?limit=5", headers={"Authorization": self.bearer}
            )
        else:
            with self.lock:
                key = self.todo.popleft() if self.todo else next(iter(self.acked), "outage-0")
            reply = request(
                self.port,
                "POST",
                "/api/v1/reporting/submissions",
                headers={"Authorization": self.bearer, "Content-Type": "application/json"},
                body=json.dumps(self.payloads[key]).encode(),
            )
            with self.lock:
                if reply.status in (200, 201):
                    self.acked[key] = int(json.loads(reply.body)["submission_id"])
                elif reply.status == 503:
                    self.todo.append(key)  # a retry after the outage must be safe (same key)
        return Sample(kind, started, self.phase, reply, key)

    def run(self, offset: int) -> None:
        for n in range(MAX_REQUESTS_PER_THREAD):
            if self.stop.is_set():
                return
            sample = self._one(KINDS[(n + offset) % len(KINDS)])
            with self.lock:
                self.samples.append(sample)
            self.stop.wait(0.01)

    def count(self, kind: str, phase: int, statuses: set[int]) -> int:
        with self.lock:
            return sum(
                1
                for s in self.samples
                if s.kind == kind and s.started == s.ended == phase and s.reply.status in statuses
            )


def _seed(url: str, tmp_path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.outage_seed"],
        cwd=ROOT,
        env=child_env(DATABASE_URL=url, MINSHENG_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seed: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return seed


def test_stopping_postgresql_under_load_answers_503_and_recovers(tmp_path: Path) -> None:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with PrivatePostgres() as pg:
        pg.createdb("ms_outage")
        url = pg.url("ms_outage")
        seed = _seed(url, tmp_path)
        port = free_port()
        server = Gunicorn(
            port, child_env(DATABASE_URL=url, MINSHENG_VAR_DIR=str(tmp_path)), tmp_path / "gunicorn.log"
        )
        driver = Driver(port, seed)
        threads = [threading.Thread(target=driver.run, args=(n,), daemon=True) for n in range(4)]
        try:
            assert wait_until(lambda: request(port, "GET", "/healthz").status == 200, 30), server.tail()
            workers = server.worker_pids()
            assert workers, server.tail()
            for t in threads:
                t.start()
            assert wait_until(lambda: all(driver.count(k, BEFORE, OK[k]) >= 3 for k in KINDS), 30), (
                server.tail(),
                [(s.kind, s.reply.status, s.reply.body[:300]) for s in driver.samples[:12]],
            )

            driver.phase = STOPPING
            pg.stop("immediate")
            driver.phase = DOWN
            assert wait_until(lambda: all(driver.count(k, DOWN, {503}) >= 2 for k in KINDS), 30), (
                server.tail()
            )
            health = request(port, "GET", "/healthz")
            assert health.status == 503
            assert health.headers.get("retry-after") == "5"

            driver.phase = STARTING
            pg.start()
            assert wait_until(lambda: request(port, "GET", "/healthz").status == 200, 30), server.tail()
            driver.phase = UP
            assert wait_until(lambda: all(driver.count(k, UP, OK[k]) >= 5 for k in KINDS), 30), server.tail()
        finally:
            driver.stop.set()
            for t in threads:
                if t.is_alive():
                    t.join(timeout=30)
            try:
                after_workers = server.worker_pids()
                server_alive = server.proc.poll() is None
            finally:
                server.stop()

        samples = list(driver.samples)
        # Never a 500, a dropped connection or anything unexpected, in any phase.
        odd = [
            (s.kind, s.started, s.ended, s.reply.status, s.reply.body[:200])
            for s in samples
            if s.reply.status not in OK[s.kind] | {503}
        ]
        assert odd == [], (odd[:10], server.tail())
        # While the database is down, every answer is the plain 503.
        down = [s for s in samples if s.started == s.ended == DOWN]
        assert down
        assert all(s.reply.status == 503 for s in down)
        assert all("服务暂时不可用" in s.reply.body for s in samples if s.reply.status == 503)
        for s in samples:
            for leak in LEAKS:
                assert leak not in s.reply.body, (s.kind, s.reply.status, leak)
        # Once it is back, everything answers again, from the very same workers.
        up = [s for s in samples if s.started == s.ended == UP]
        assert up
        assert all(s.reply.status in OK[s.kind] for s in up)
        assert server_alive
        assert after_workers == workers
        # Nothing acknowledged was lost: every acknowledged submission is there after the restart.
        assert driver.acked
        pg_done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django, json, sys; django.setup();"
                "from minsheng.reporting.models import IdempotencyKey as K;"
                "print(json.dumps(dict(K.objects.values_list('key', 'submission_id'))))",
            ],
            cwd=ROOT,
            env=child_env(DATABASE_URL=url, MINSHENG_VAR_DIR=str(tmp_path)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert pg_done.returncode == 0, pg_done.stderr[-2000:]
        stored = json.loads(pg_done.stdout.strip().splitlines()[-1])
        missing = {k: v for k, v in driver.acked.items() if stored.get(k) != v}
        assert missing == {}
