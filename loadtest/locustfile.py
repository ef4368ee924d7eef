"""The reporting-deadline surge: the whole city's units submitting in the last hour, compressed.

A *session* is one unit doing its quarter's reporting: people through the screens (my reports → for each of
its items: item page, report form, submit; a tenth attach a 2 MB evidence file first; some look at the
ledger), machine clients (a district's 12345 integration) through the API (item list, one POST per value with
an idempotency key; one in twenty resends the same key as a retry), and district reviewers approving what
arrived (queue → report → approve). Sessions arrive at a constant rate per user (constant pacing); the shape
ramps the users up to the peak and holds it. Read and write requests are named `read:…` / `write:…`.

Run by loadtest.run (which sets LOAD_* in the environment); every response time, every acknowledged
submission id and every failure is written to LOAD_OUT when locust quits.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from collections import deque
from typing import Any

from locust import HttpUser, LoadTestShape, constant_pacing, events, task

IDS: dict[str, Any] = json.loads(open(os.environ["LOAD_IDENTITIES"], encoding="utf-8").read())  # noqa: SIM115
PACING = float(os.environ.get("LOAD_PACING_S", "20"))
USERS = int(os.environ.get("LOAD_USERS", "36"))
RAMP_S = float(os.environ.get("LOAD_RAMP_S", "0"))
HOLD_S = float(os.environ.get("LOAD_HOLD_S", "60"))
API_SHARE = float(os.environ.get("LOAD_API_SHARE", "0.2"))
EVIDENCE_SHARE = float(os.environ.get("LOAD_EVIDENCE_SHARE", "0.1"))
EVIDENCE_BYTES = int(os.environ.get("LOAD_EVIDENCE_BYTES", str(2 * 1024 * 1024)))
COOKIE = IDS["session_cookie"]
LOCK = re.compile(r'name="lock_version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r"/reporting/submissions/(\d+)/")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * (EVIDENCE_BYTES - 40) + b"\ntrailer<<>>\n%%EOF\n"

_lock = threading.Lock()
_samples: list[tuple[str, float, bool, float]] = []  # name, ms, ok, seconds since start
_T0 = time.monotonic()
_acked: list[int] = []
_failures: list[str] = []
# Each community reports each of its items once per period; the period due now comes first.
_work: deque[tuple[dict[str, Any], str]] = deque(
    (r, p) for p in IDS["periods"] for r in IDS["reporters"]
)  # one session = one (community, period): all of its items
for _ in range(min(int(os.environ.get("LOAD_SKIP", "0")), len(_work))):
    _work.popleft()  # sessions already done by an earlier phase (the soak continues where the surge stopped)
_taken = 0
_machines = {m["district"]: m for m in IDS["machines"]}
_reviewers = itertools.cycle(IDS["reviewers"][::2] or IDS["reviewers"])  # one reviewer per district


def _next_work() -> tuple[dict[str, Any], str] | None:
    global _taken
    with _lock:
        if not _work:
            return None
        _taken += 1
        return _work.popleft()


@events.request.add_listener  # type: ignore[untyped-decorator]
def _record(request_type: str, name: str, response_time: float, exception: Any, **_kw: Any) -> None:
    with _lock:
        _samples.append((name, float(response_time), exception is None, round(time.monotonic() - _T0, 1)))
        if exception is not None and len(_failures) < 200:
            _failures.append(f"{request_type} {name}: {exception}"[:300])


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _dump(**_kw: Any) -> None:
    out = os.environ.get("LOAD_OUT")
    if not out:
        return
    with _lock, open(out, "w", encoding="utf-8") as f:
        json.dump({"samples": _samples, "acked": _acked, "failures": _failures, "sessions_taken": _taken}, f)


def _ack(pk: int) -> None:
    with _lock:
        _acked.append(pk)


class DeadlineSurge(HttpUser):
    """One simulated unit session per pacing period (person, machine or reviewer, by weight)."""

    wait_time = constant_pacing(PACING)

    def _screen_get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
                return ""
            return str(r.text)

    def _person(self, reporter: dict[str, Any], period: str) -> None:
        self.client.cookies.clear()
        self.client.cookies.set(COOKIE, reporter["session"])
        self._screen_get("/reporting/", "read:my_reports")
        if random.random() < 0.2:  # noqa: S311 — load mix, not security
            self._screen_get("/reporting/ledger/", "read:ledger")
        for item_id, value in reporter["values"].items():
            self._screen_get(f"/reporting/items/{item_id}/", "read:item")
            form_url = f"/reporting/items/{item_id}/report/{reporter['unit']}/{period}/"
            page = self._screen_get(form_url, "read:report_form")
            lock, csrf = LOCK.search(page), CSRF.search(page)
            if not (lock and csrf):
                continue
            lock_version = lock.group(1)
            if random.random() < EVIDENCE_SHARE:  # noqa: S311
                with self.client.post(
                    form_url + "evidence/",
                    data={"csrfmiddlewaretoken": csrf.group(1), "value": value, "lock_version": lock_version},
                    files={"file": ("佐证材料.pdf", PDF, "application/pdf")},
                    name="write:evidence_2mb",
                    allow_redirects=False,
                    catch_response=True,
                ) as r:
                    if r.status_code != 302:
                        r.failure(f"status {r.status_code}")
                page = self._screen_get(form_url, "read:report_form")
                lock = LOCK.search(page)
                if not lock:
                    continue
                lock_version = lock.group(1)
            body = {
                "csrfmiddlewaretoken": csrf.group(1),
                "value": value,
                "progress": "按期推进，完成本季度工作（压测）",
                "problems": "无",
                "next_steps": "继续推进",
                "lock_version": lock_version,
            }
            with self.client.post(
                form_url, data=body, name="write:submit", allow_redirects=False, catch_response=True
            ) as r:
                found = SUBMISSION.search(r.headers.get("Location", "")) if r.status_code == 302 else None
                if found is None:
                    r.failure(f"status {r.status_code}")
                else:
                    _ack(int(found.group(1)))

    def _machine(self, reporter: dict[str, Any], period: str) -> None:
        machine = _machines[reporter["district"]]
        headers = {"Authorization": f"Bearer {machine['token']}"}
        self.client.cookies.clear()
        with self.client.get(
            "/api/v1/reporting/items?limit=5", headers=headers, name="read:api_items", catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
        for item_id, value in reporter["values"].items():
            payload = {
                "item_id": int(item_id),
                "unit_code": reporter["unit"],
                "period": period,
                "value": value,
                "progress": "系统对接报送（压测）",
                "idempotency_key": uuid.uuid4().hex,
            }
            tries = 2 if random.random() < 0.05 else 1  # noqa: S311 — a client resending after a timeout
            for attempt in range(tries):
                with self.client.post(
                    "/api/v1/reporting/submissions",
                    json=payload,
                    headers=headers,
                    name="write:api_submit" if attempt == 0 else "write:api_resend",
                    catch_response=True,
                ) as r:
                    expected = 201 if attempt == 0 else 200
                    if r.status_code != expected:
                        r.failure(f"status {r.status_code}: {r.text[:200]}")
                    elif attempt == 0:
                        _ack(int(r.json()["submission_id"]))

    def _reviewer(self) -> None:
        reviewer = next(_reviewers)
        self.client.cookies.clear()
        self.client.cookies.set(COOKIE, reviewer["session"])
        queue = self._screen_get("/reporting/queue/", "read:queue")
        pending = SUBMISSION.findall(queue)
        if not pending:
            return
        pk = random.choice(pending[:20])  # noqa: S311
        page = self._screen_get(f"/reporting/submissions/{pk}/", "read:submission")
        lock, csrf = LOCK.search(page), CSRF.search(page)
        if not (lock and csrf) or 'id="approve"' not in page:
            return
        with self.client.post(
            f"/reporting/submissions/{pk}/decide/",
            data={
                "csrfmiddlewaretoken": csrf.group(1),
                "decision": "approve",
                "comment": "",
                "lock_version": lock.group(1),
            },
            name="write:approve",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"status {r.status_code}")

    @task(10)
    def unit_session(self) -> None:
        work = _next_work()
        if work is None:
            return
        reporter, period = work
        if random.random() < API_SHARE:  # noqa: S311
            self._machine(reporter, period)
        else:
            self._person(reporter, period)

    @task(3)
    def review_session(self) -> None:
        self._reviewer()


class RampAndHold(LoadTestShape):
    """Ramp linearly to USERS over RAMP_S, hold for HOLD_S, stop."""

    def tick(self) -> tuple[int, float] | None:
        t = float(self.get_run_time())  # type: ignore[no-untyped-call]
        if t >= RAMP_S + HOLD_S:
            return None
        if RAMP_S and t < RAMP_S:
            return max(1, round(USERS * t / RAMP_S)), max(1.0, USERS / max(RAMP_S, 1.0))
        return USERS, float(USERS)
