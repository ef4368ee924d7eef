"""Cached leadership fragments: shared only within one scope, rebuilt when statuses or values change."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minsheng.org.models import Unit
from minsheng.policy.models import Target
from minsheng.progress.models import AccumulationKind, SourceKind
from minsheng.progress.services import observation_upsert, progress_recompute

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize(
    "url", ["/progress/", "/progress/targets/S1-T1-01/", "/progress/api/targets/S1-T1-01/series.json"]
)
def test_a_warm_screen_reads_no_status_or_observation_rows(
    url: str, statuses: dict[str, Unit], leader: Client
) -> None:
    cold = _queries(leader, url)
    warm = _queries(leader, url)
    assert any("progress_targetstatus" in q or "progress_observation" in q for q in cold)
    assert not any("progress_targetstatus" in q or "progress_observation" in q for q in warm)
    assert len(warm) < len(cold)


def test_a_recompute_shows_at_once(statuses: dict[str, Unit], leader: Client) -> None:
    before = leader.get("/progress/").content.decode()
    assert "2022-12-31" not in before
    progress_recompute(actor=None, as_of=date(2022, 12, 31))
    assert "2022-12-31" in leader.get("/progress/").content.decode()


def test_a_recorded_value_reaches_the_chart_at_once(statuses: dict[str, Unit], leader: Client) -> None:
    url = "/progress/api/targets/S1-T1-01/series.json"
    before = leader.get(url).json()
    observation_upsert(
        actor=None,
        target=Target.objects.get(code="S1-T1-01"),
        unit=statuses["420100"],
        period_end=date(2025, 3, 31),
        value=7.5,
        accumulation=AccumulationKind.RUNNING_TOTAL,
        source_kind=SourceKind.REPORTED,
    )
    after = leader.get(url).json()
    assert after != before
    assert "2025-03-31" in str(after)


def test_a_fragment_is_never_served_across_scopes(
    statuses: dict[str, Unit], leader: Client, jiangan: Client, client_for: Any
) -> None:
    city = leader.get("/progress/").content.decode()
    district = jiangan.get("/progress/").content.decode()
    assert statuses["420100"].name in city
    assert statuses["420102"].name in district
    assert city != district
    # Another reporter of the same district shares the district's fragment; a sibling district does not.
    same = client_for("jiangan2", "reporter", statuses["420102"]).get("/progress/").content.decode()
    sibling = client_for("wuchang1", "reporter", statuses["420106"]).get("/progress/").content.decode()
    assert statuses["420102"].name in same
    assert statuses["420106"].name in sibling
    assert statuses["420102"].name not in sibling.split("<h1>", 1)[1]
    # The district reporter's cached view never answers a drill-down it may not see.
    assert jiangan.get("/progress/api/targets/S1-T1-01/series.json?unit=420106").status_code == 404


def test_the_briefing_buttons_follow_the_role_not_the_cache(
    statuses: dict[str, Unit], leader: Client, client_for: Any
) -> None:
    assert 'id="briefing-actions"' in leader.get("/progress/").content.decode()
    supervisor = client_for("sup1", "supervisor", statuses["420100"])  # city-wide, no 通报 download
    assert 'id="briefing-actions"' not in supervisor.get("/progress/").content.decode()


TWO_LEVELS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared-stand-in"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "per-process"},
}


def test_a_process_copy_serves_the_shared_entry_and_expires_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """With Redis configured, bodies are also kept per process (ADR 0010); the copy never outlives the shared one."""
    from django.core.cache import caches
    from django.test import override_settings

    from minsheng.progress import pagecache

    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        return f"body {len(builds)}"

    with override_settings(CACHES=TWO_LEVELS):
        caches["default"].clear()
        caches["local"].clear()
        clock = [1_000_000.0]
        monkeypatch.setattr(time, "time", lambda: clock[0])  # pagecache's clock, and LocMemCache's
        assert pagecache.cached("k", build) == "body 1"
        caches["default"].clear()  # the process copy answers without the shared cache
        assert pagecache.cached("k", build) == "body 1"
        caches["local"].clear()
        assert pagecache.cached("k", build) == "body 2"  # both gone: built again
        # Another process built the shared entry 590 s ago: the local copy lives only its remaining 10 s.
        caches["local"].clear()
        caches["default"].set("old", (clock[0] - 590, "shared body"), 600)
        assert pagecache.cached("old", build) == "shared body"
        entry_ttl = caches["local"]._expire_info[caches["local"].make_and_validate_key("old")]  # type: ignore[attr-defined]
        assert entry_ttl - clock[0] == pytest.approx(10, abs=1.0)
