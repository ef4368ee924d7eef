"""`make load`: the reporting-deadline surge and a soak at its peak, on loopback, against PostgreSQL.

1. Drops and creates the database `ms_load` (LOAD_PG_URL, default postgres://postgres@127.0.0.1:5432/ms_load),
   migrates it and builds the Wuhan-sized world (loadtest/seed.py).
2. Starts gunicorn on 127.0.0.1 (gthread; workers = cores + 1, 4 threads each: the 2-core sizing).
3. Surge: locust ramps to the peak session rate and holds it. Soak: SOAK_MINUTES at the peak, with the RSS of
   the gunicorn master and workers sampled every 10 s (also during the surge).
4. Counts acknowledged submissions in the database against acknowledged responses (lost = acknowledged but
   not there), prints the table, writes var/bench/load.json, drops the database.

Usage: python -m loadtest.run [--soak-minutes N] [--peak-sessions-per-s R] [--ramp-s S] [--surge-hold-s S]
Bounded: every phase has a fixed duration and the request loops stop with it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GOALS = {"read_p95_ms": 800, "write_p95_ms": 1500, "errors": 0, "lost": 0, "memory_growth_pct": 10}
SAMPLE_EVERY_S = 10
PACING_S = 20.0
UNIT_WEIGHT, REVIEW_WEIGHT = 10, 3  # the locustfile's task weights


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _admin(url: str, sql: str) -> None:
    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.encode())  # fixed statements built here from a checked name


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class MemorySampler(threading.Thread):
    """RSS of the gunicorn master plus its workers, every SAMPLE_EVERY_S seconds, tagged with the phase."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.phase = "warmup"
        self.samples: list[tuple[float, str, int]] = []
        self.loadavg: list[tuple[str, float]] = []
        self.dbname = ""
        self.cpu_lock = threading.Lock()
        self.db_cpu_seen: dict[int, float] = {}
        self.db_cpu_total = 0.0  # the machine's 1-minute load average: others' work counts
        self.stop = threading.Event()
        self.t0 = time.monotonic()

    def rss(self) -> int:
        try:
            master = psutil.Process(self.pid)
            procs = [master, *master.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs if p.is_running())
        except psutil.Error:
            return 0

    def cpu_seconds(self, dbname: str) -> dict[str, float]:
        """CPU time used so far by gunicorn (master + workers) and by the PostgreSQL backends of `dbname`.

        Backends come and go (CONN_MAX_AGE), so their CPU is accumulated per pid between readings (every
        sample); CPU of a backend that lived less than one sampling interval is missed: a floor."""
        server = 0.0
        try:
            master = psutil.Process(self.pid)
            for proc in [master, *master.children(recursive=True)]:
                t = proc.cpu_times()
                server += t.user + t.system
        except psutil.Error:
            pass
        with self.cpu_lock:
            for proc in psutil.process_iter(["name", "cmdline"]):
                try:
                    if proc.info["name"] == "postgres" and dbname in " ".join(proc.info["cmdline"] or []):
                        t = proc.cpu_times()
                        now = t.user + t.system
                        self.db_cpu_total += max(0.0, now - self.db_cpu_seen.get(proc.pid, 0.0))
                        self.db_cpu_seen[proc.pid] = now
                except psutil.Error:
                    continue
            return {"server": server, "database": self.db_cpu_total}

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((round(time.monotonic() - self.t0, 1), self.phase, self.rss()))
            self.loadavg.append((self.phase, os.getloadavg()[0]))
            if self.dbname:
                self.cpu_seconds(self.dbname)
            self.stop.wait(SAMPLE_EVERY_S)


class DatabaseSampler(threading.Thread):
    """Where the database's time goes: pg_stat_activity of the load database every 0.5 s, per phase.

    Each sample counts the active backends by what they wait on (``CPU`` when nothing) and by statement head,
    and counts the sessions idle inside a transaction; the totals are a sampling profile (count × 0.5 s =
    backend-seconds) that tells lock waits, I/O and slow statements apart without any server extension."""

    INTERVAL_S = 0.5

    def __init__(self, url: str, dbname: str) -> None:
        super().__init__(daemon=True)
        self.url, self.dbname = url, dbname
        self.phase = "warmup"
        self.waits: dict[str, dict[str, int]] = {}
        self.statements: dict[str, dict[str, int]] = {}
        self.busy: dict[str, list[int]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            conn = psycopg.connect(self.url, autocommit=True)
        except psycopg.Error:
            return
        with conn:
            while not self.stop.wait(self.INTERVAL_S):
                try:
                    rows = conn.execute(
                        "SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU'), left(query, 90) "
                        "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend' AND state <> 'idle'",
                        (self.dbname,),
                    ).fetchall()
                except psycopg.Error:
                    continue
                waits = self.waits.setdefault(self.phase, {})
                statements = self.statements.setdefault(self.phase, {})
                active = 0
                for state, wait, query in rows:
                    key = wait if state == "active" else f"({state})"
                    waits[key] = waits.get(key, 0) + 1
                    if state == "active":
                        active += 1
                        head = " ".join(str(query).split())
                        statements[head] = statements.get(head, 0) + 1
                self.busy.setdefault(self.phase, []).append(active)

    def summary(self, phase: str) -> dict[str, Any]:
        busy = self.busy.get(phase, [])
        top = sorted(self.statements.get(phase, {}).items(), key=lambda kv: -kv[1])[:8]
        return {
            "samples": len(busy),
            "mean_active_backends": round(sum(busy) / len(busy), 2) if busy else 0.0,
            "waits": dict(sorted(self.waits.get(phase, {}).items(), key=lambda kv: -kv[1])),
            "top_statements": [{"samples": n, "statement": q} for q, n in top],
        }


def _server_times(log: Path, start: int, end: int | None = None) -> dict[str, Any]:
    """Server-side time (gunicorn's %(D)s, µs) of the GET and POST requests logged between two file offsets.

    Set beside the client's latency it shows queueing: a request that waits for a free worker thread is slow
    at the client but quick here."""
    raw = log.read_bytes()[start:end]
    gets: list[float] = []
    posts: list[float] = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        parts = line.rsplit(" ", 2)
        if len(parts) != 3 or not parts[2].isdigit() or "ACCESS " not in parts[0]:
            continue
        ms = int(parts[2]) / 1000
        (gets if '"GET ' in parts[0] else posts).append(ms)
    return {
        "read": {
            "n": len(gets),
            "p50_ms": round(_percentile(gets, 0.5), 1),
            "p95_ms": round(_percentile(gets, 0.95), 1),
        },
        "write": {
            "n": len(posts),
            "p50_ms": round(_percentile(posts, 0.5), 1),
            "p95_ms": round(_percentile(posts, 0.95), 1),
        },
    }


def _run_locust(
    host: str, env: dict[str, str], users: int, ramp_s: float, hold_s: float, out: Path, skip: int = 0
) -> dict[str, Any]:
    phase_env = env | {
        "LOAD_SKIP": str(skip),
        "LOAD_USERS": str(users),
        "LOAD_RAMP_S": str(ramp_s),
        "LOAD_HOLD_S": str(hold_s),
        "LOAD_PACING_S": str(PACING_S),
        "LOAD_OUT": str(out),
    }
    cmd = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--host",
        host,
        "--only-summary",
        "--stop-timeout",
        "60",
        "--loglevel",
        "WARNING",
    ]
    started = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, env=phase_env, check=False, timeout=ramp_s + hold_s + 600)  # noqa: S603
    elapsed = time.monotonic() - started
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data["elapsed_s"] = elapsed
    return data


def _summarise(data: dict[str, Any]) -> dict[str, Any]:
    samples = data["samples"]
    reads = [ms for name, ms, ok, _t in samples if name.startswith("read:") and ok]
    writes = [ms for name, ms, ok, _t in samples if name.startswith("write:") and ok]
    # Read p95 minute by minute: a latency that climbs as reports accumulate looks different from a flat one.
    per_minute: dict[int, list[float]] = {}
    for name, ms, ok, t in samples:
        if name.startswith("read:") and ok:
            per_minute.setdefault(int(t // 60), []).append(ms)
    by_name: dict[str, list[float]] = {}
    for name, ms, _ok, _t in samples:
        by_name.setdefault(name, []).append(ms)
    return {
        "requests": len(samples),
        "requests_per_s": round(len(samples) / data["elapsed_s"], 2) if data["elapsed_s"] else 0.0,
        "errors": sum(1 for _n, _ms, ok, _t in samples if not ok),
        "read_p95_by_minute_ms": [round(_percentile(per_minute[m], 0.95)) for m in sorted(per_minute)],
        "read": {f"p{int(q * 100)}_ms": round(_percentile(reads, q), 1) for q in (0.5, 0.95, 0.99)}
        | {"n": len(reads)},
        "write": {f"p{int(q * 100)}_ms": round(_percentile(writes, q), 1) for q in (0.5, 0.95, 0.99)}
        | {"n": len(writes)},
        "by_name": {
            n: {
                "n": len(v),
                "p50_ms": round(_percentile(v, 0.5), 1),
                "p95_ms": round(_percentile(v, 0.95), 1),
            }
            for n, v in sorted(by_name.items())
        },
        "acknowledged": len(data["acked"]),
        "failures_sample": data["failures"][:10],
        "elapsed_s": round(data["elapsed_s"], 1),
    }


def _lost(url: str, acked: list[int]) -> tuple[int, int]:
    """(found in the database, lost): acknowledged ids with no submitted/approved row."""
    if not acked:
        return 0, 0
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM reporting_submission WHERE id = ANY(%s) AND status <> 'draft'",
            (sorted(set(acked)),),
        ).fetchone()
    found = int(row[0]) if row else 0
    return found, len(set(acked)) - found


def _memory(samples: list[tuple[float, str, int]], phase: str) -> dict[str, Any]:
    rss = [r for _t, p, r in samples if p == phase and r]
    if len(rss) < 2:
        return {"samples": len(rss)}
    # start and end: the mean of the first and last minute of samples (6 each), so one GC swing is not a trend
    window = max(1, min(6, len(rss) // 3))
    start = sum(rss[:window]) / window
    end = sum(rss[-window:]) / window
    return {
        "samples": len(rss),
        "start_mb": round(start / 2**20, 1),
        "end_mb": round(end / 2**20, 1),
        "max_mb": round(max(rss) / 2**20, 1),
        "growth_pct": round(100 * (end - start) / start, 2),
    }


def _table(result: dict[str, Any]) -> str:
    surge, soak, mem = result["surge"], result["soak"], result["memory"]["soak"]
    goal = GOALS

    def row(label: str, s: dict[str, Any], k: str) -> str:
        return (
            f"  {label:<22}{s[k]['p50_ms']:>9.0f}{s[k]['p95_ms']:>9.0f}{s[k]['p99_ms']:>9.0f}{s[k]['n']:>9}"
        )

    lines = [
        f"Deadline surge and soak on {result['machine']['cores']} cores "
        f"({result['machine']['cpu']}; gunicorn {result['server']['workers']}×{result['server']['threads']} gthread, "
        f"PostgreSQL {result['server']['postgres']}, loopback)",
        f"World: {result['world']['communities']} communities, {result['world']['streets']} streets, "
        f"{result['world']['districts_and_zones']} districts+zones, {result['world']['accounts']} accounts; "
        f"peak {result['peak_sessions_per_s']} unit sessions/s",
        "",
        f"  {'':<22}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'n':>9}",
        row(f"surge reads (≤{goal['read_p95_ms']})", surge, "read"),
        row(f"surge writes (≤{goal['write_p95_ms']})", surge, "write"),
        row(f"soak reads (≤{goal['read_p95_ms']})", soak, "read"),
        row(f"soak writes (≤{goal['write_p95_ms']})", soak, "write"),
        "",
        f"  requests/s        surge {surge['requests_per_s']:>7}   soak {soak['requests_per_s']:>7}",
        f"  errors            surge {surge['errors']:>7}   soak {soak['errors']:>7}   (goal 0)",
        f"  acknowledged      {result['acknowledged']:>7}   found in DB {result['found']:>7}   lost {result['lost']} (goal 0)",
        f"  memory (soak)     start {mem.get('start_mb', '?')} MB  end {mem.get('end_mb', '?')} MB  "
        f"growth {mem.get('growth_pct', '?')} % (goal < {goal['memory_growth_pct']} %)  max {mem.get('max_mb', '?')} MB",
        f"  CPU per request   surge {surge['cpu_ms_per_request']['server']} ms server + "
        f"{surge['cpu_ms_per_request']['database_floor']} ms db   soak {soak['cpu_ms_per_request']['server']} ms + "
        f"{soak['cpu_ms_per_request']['database_floor']} ms  → about {soak['capacity_req_per_s_on_own_cores']} req/s "
        f"if the cores were ours alone",
        f"  machine load avg  surge {result['machine_load_average']['surge']}   soak {result['machine_load_average']['soak']}"
        f"   (on {result['machine']['cores']} cores; above the core count, other work shared the CPU)",
        *_diagnosis(result),
        f"  soak length       {result['soak_minutes']} min   verdict: {'PASS' if result['pass'] else 'FAIL'}",
    ]
    return "\n".join(lines)


def _diagnosis(result: dict[str, Any]) -> list[str]:
    """Server-side times beside the client's (the gap is queueing) and the database's sampled activity."""
    lines: list[str] = []
    for phase in ("surge", "soak"):
        s = result[phase]
        side = s.get("server_side")
        if side:
            lines.append(
                f"  server-side {phase:<6}reads p50 {side['read']['p50_ms']} / p95 {side['read']['p95_ms']} ms, "
                f"writes p50 {side['write']['p50_ms']} / p95 {side['write']['p95_ms']} ms (gunicorn's own timing)"
            )
        lines.append(f"  read p95 by minute ({phase}): {s['read_p95_by_minute_ms']}")
        db = s.get("database", {})
        if db.get("samples"):
            waits = ", ".join(f"{k} {v}" for k, v in list(db["waits"].items())[:5])
            lines.append(
                f"  database {phase:<9}mean active backends {db['mean_active_backends']}; samples: {waits}"
            )
            for top in db["top_statements"][:3]:
                lines.append(f"      {top['samples']:>6} × {top['statement'][:80]}")
    return lines


def redis_env() -> dict[str, str]:
    """Run as deployed: with the shared Redis cache (rendered fragments; sessions are in the database, ADR 0014) when one answers on loopback.

    A given REDIS_URL is kept; otherwise database 1 of a local Redis is emptied and used. Without Redis the
    run goes on with per-process memory caches and says so.
    """
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        if "REDIS_URL" not in os.environ:
            client.flushdb()
    except redis.RedisError:
        print("[load] no Redis on loopback: per-process memory caches", flush=True)
        return {}
    print(f"[load] shared cache: Redis {url}", flush=True)
    return {"REDIS_URL": url}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--soak-minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "30")))
    parser.add_argument("--peak-sessions-per-s", type=float, default=1.8)
    parser.add_argument("--ramp-s", type=float, default=60)
    parser.add_argument("--surge-hold-s", type=float, default=120)
    parser.add_argument(
        "--pg-url", default=os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/ms_load")
    )
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    url: str = args.pg_url
    dbname = url.rsplit("/", 1)[1]
    if not dbname.replace("_", "").isalnum() or "127.0.0.1" not in url:
        raise SystemExit("LOAD_PG_URL must name a plain database on 127.0.0.1")
    cores = os.cpu_count() or 1
    workers, threads = cores + 1, 4
    var = ROOT / "var" / "load"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LOAD_"))}
    env |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "MINSHENG_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        "LOAD_IDENTITIES": str(var / "identities.json"),
    }

    env |= redis_env()
    print(f"[load] fresh database {dbname}; migrate; Wuhan-sized world …", flush=True)
    _admin(url, f'DROP DATABASE IF EXISTS "{dbname}"')
    _admin(url, f'CREATE DATABASE "{dbname}"')
    server: subprocess.Popen[bytes] | None = None
    sampler: MemorySampler | None = None
    db_sampler = DatabaseSampler(url, dbname)
    access = var / "access.log"
    offsets = [0, 0, 0]
    try:
        subprocess.run(
            [sys.executable, "-m", "minsheng", "migrate", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
        seeded = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "loadtest.seed", str(var / "identities.json")],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=900,
            capture_output=True,
            text=True,
        )
        world = json.loads(seeded.stdout.strip().splitlines()[-1])
        # Planner statistics for the freshly seeded world, as autovacuum would take them in production (it is off
        # on this machine kind; without them the per-request user statement hash-joins every unit, ADR 0013).
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        log = (var / "gunicorn.log").open("wb")
        access = var / "access.log"
        server = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "--forwarded-allow-ips",
                "",
                "--access-logfile",
                str(access),
                "--access-logformat",
                'ACCESS "%(r)s" %(s)s %(D)s',
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        sampler = MemorySampler(server.pid)
        sampler.dbname = dbname
        sampler.start()
        users = math.ceil(args.peak_sessions_per_s * PACING_S * (UNIT_WEIGHT + REVIEW_WEIGHT) / UNIT_WEIGHT)
        print(
            f"[load] gunicorn {workers}×{threads} on {host}; surge: ramp {args.ramp_s:.0f}s to {users} users "
            f"({args.peak_sessions_per_s}/s unit sessions), hold {args.surge_hold_s:.0f}s",
            flush=True,
        )
        db_sampler.start()
        sampler.phase = db_sampler.phase = "surge"
        offsets[0] = access.stat().st_size if access.exists() else 0
        cpu0 = sampler.cpu_seconds(dbname)
        surge_raw = _run_locust(host, env, users, args.ramp_s, args.surge_hold_s, var / "surge.json")
        cpu1 = sampler.cpu_seconds(dbname)
        print(f"[load] soak: {args.soak_minutes} min at the peak, RSS every {SAMPLE_EVERY_S}s", flush=True)
        sampler.phase = db_sampler.phase = "soak"
        offsets[1] = access.stat().st_size if access.exists() else 0
        # The soak continues the peak: its users start spread over one pacing period, as the surge's ramp left
        # them. Starting all of them in the same second would keep them in step for the whole soak
        # (constant pacing) and turn the peak rate into a burst of every session at once every 20 s.
        soak_raw = _run_locust(
            host,
            env,
            users,
            PACING_S,
            args.soak_minutes * 60 - PACING_S,
            var / "soak.json",
            skip=int(surge_raw["sessions_taken"]),
        )
        cpu2 = sampler.cpu_seconds(dbname)
        sampler.phase = db_sampler.phase = "done"
        offsets[2] = access.stat().st_size if access.exists() else 0
        time.sleep(1)
    finally:
        db_sampler.stop.set()
        if sampler is not None:
            sampler.stop.set()
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)

    acked = surge_raw["acked"] + soak_raw["acked"]
    found, lost = _lost(url, acked)
    with psycopg.connect(url) as conn:
        version_row = conn.execute("SHOW server_version").fetchone()
    surge, soak = _summarise(surge_raw), _summarise(soak_raw)
    if access.exists():
        surge["server_side"] = _server_times(access, offsets[0], offsets[1])
        soak["server_side"] = _server_times(access, offsets[1], offsets[2])
    surge["database"] = db_sampler.summary("surge")
    soak["database"] = db_sampler.summary("soak")
    for summary, before, after in ((surge, cpu0, cpu1), (soak, cpu1, cpu2)):
        n = max(1, summary["requests"])
        server_ms = 1000 * (after["server"] - before["server"]) / n
        db_ms = 1000 * (after["database"] - before["database"]) / n
        summary["cpu_ms_per_request"] = {"server": round(server_ms, 1), "database_floor": round(db_ms, 1)}
        # What the same work would sustain on this many dedicated cores (no other load, no locust):
        summary["capacity_req_per_s_on_own_cores"] = round(
            (os.cpu_count() or 1) * 1000 / (server_ms + db_ms), 1
        )
    assert sampler is not None
    memory = {"surge": _memory(sampler.samples, "surge"), "soak": _memory(sampler.samples, "soak")}
    result: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cores": os.cpu_count(),
            "cpu": _cpu_name(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        },
        "server": {
            "workers": workers,
            "threads": threads,
            "postgres": version_row[0] if version_row else "?",
        },
        "world": world,
        "peak_sessions_per_s": args.peak_sessions_per_s,
        "users": math.ceil(args.peak_sessions_per_s * PACING_S * (UNIT_WEIGHT + REVIEW_WEIGHT) / UNIT_WEIGHT),
        "soak_minutes": args.soak_minutes,
        "surge": surge,
        "soak": soak,
        "acknowledged": len(set(acked)),
        "found": found,
        "lost": lost,
        "memory": memory,
        "memory_samples": sampler.samples,
        "machine_load_average": {
            phase: round(
                sum(v for p, v in sampler.loadavg if p == phase)
                / max(1, sum(1 for p, _ in sampler.loadavg if p == phase)),
                2,
            )
            for phase in ("surge", "soak")
        },
        "goals": GOALS,
    }
    result["pass"] = bool(
        all(s["read"]["p95_ms"] <= GOALS["read_p95_ms"] for s in (surge, soak))
        and all(s["write"]["p95_ms"] <= GOALS["write_p95_ms"] for s in (surge, soak))
        and surge["errors"] == soak["errors"] == 0
        and lost == 0
        and memory["soak"].get("growth_pct", 100) < GOALS["memory_growth_pct"]
    )
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    (bench / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(_table(result))
    print(f"\n[load] figures in {bench / 'load.json'}")
    shutil.copy(var / "gunicorn.log", bench / "load-gunicorn.log")
    if not args.keep_db:
        _admin(url, f'DROP DATABASE IF EXISTS "{dbname}"')
        shutil.rmtree(var, ignore_errors=True)
    return 0 if result["pass"] else 1


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
