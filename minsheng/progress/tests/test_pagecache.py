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


# ------------------------------------------------------------------------------------------------ whole pages


def _nonce_and_token(response: Any) -> tuple[str, str]:
    import re

    page = response.content.decode()
    nonce = re.search(r'<script [^>]*nonce="([^"]+)"', page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert nonce
    assert token
    return nonce.group(1), token.group(1)


@pytest.mark.parametrize("url", ["/progress/", "/progress/targets/S1-T1-01/"])
def test_a_kept_page_gets_a_fresh_csrf_token_and_csp_nonce_on_every_response(
    url: str, statuses: dict[str, Unit], leader: Client
) -> None:
    first, second = leader.get(url), leader.get(url)
    (nonce1, token1), (nonce2, token2) = _nonce_and_token(first), _nonce_and_token(second)
    assert nonce1 != nonce2
    assert token1 != token2
    for response, nonce in ((first, nonce1), (second, nonce2)):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert "ms-csrf-" not in response.content.decode()
        assert "ms-nonce-" not in response.content.decode()
    # The same page apart from the two per-response values.
    assert first.content.decode().replace(nonce1, "N").replace(token1, "T") == (
        second.content.decode().replace(nonce2, "N").replace(token2, "T")
    )


def test_the_token_on_a_kept_page_is_accepted(statuses: dict[str, Unit], make_user: Any) -> None:
    from minsheng.conftest import PASSWORD_BACKEND

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("csrf_leader", "leader", statuses["420100"]), backend=PASSWORD_BACKEND)
    client.get("/progress/")
    _, token = _nonce_and_token(client.get("/progress/"))  # served from the kept page
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/progress/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/progress/"}).status_code == 403
    assert (
        "Targets" in client.get("/en/progress/").content.decode()
        or client.get("/progress/").status_code == 200
    )


def test_a_page_is_never_served_to_another_user(statuses: dict[str, Unit], make_user: Any) -> None:
    from minsheng.conftest import PASSWORD_BACKEND

    pages = []
    for name in ("张三", "李四"):
        client = Client()
        client.force_login(
            make_user(f"u_{name}", "leader", statuses["420100"], display_name=name), backend=PASSWORD_BACKEND
        )
        client.get("/progress/")
        pages.append(client.get("/progress/").content.decode())
    assert "张三" in pages[0]
    assert "李四" not in pages[0]
    assert "李四" in pages[1]
    assert "张三" not in pages[1]


def test_a_page_with_a_message_is_rendered_afresh_and_shows_it_once(
    statuses: dict[str, Unit], leader: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib import messages

    from minsheng.progress import pagecache

    leader.get("/progress/")  # kept
    original = pagecache.render_page

    def with_message(request: Any, *args: Any, **kwargs: Any) -> Any:
        messages.success(request, "已保存")
        return original(request, *args, **kwargs)

    monkeypatch.setattr(pagecache, "render_page", with_message)
    assert "已保存" in leader.get("/progress/").content.decode()
    monkeypatch.setattr(pagecache, "render_page", original)
    assert "已保存" not in leader.get("/progress/").content.decode()


def test_an_unknown_context_value_is_refused_rather_than_left_out_of_the_key() -> None:
    from minsheng.progress import pagecache

    assert pagecache._input_token("nav_roles", ["领导 · 武汉市"]) == ["领导 · 武汉市"]
    with pytest.raises(TypeError, match="page-key"):
        pagecache._input_token("new_thing", object())


def test_the_page_store_expires_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from minsheng.progress import pagecache

    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    store = pagecache._PageStore(max_entries=2)
    store.set("a", (b"A",), 10)
    assert store.get("a") == (b"A",)
    clock[0] += 11
    assert store.get("a") is None
    store.set("b", (b"B",), 10)  # full: the expired "a" is dropped
    assert store.get("b") == (b"B",)
    store.set("c", (b"C",), 10)
    store.set("d", (b"D",), 10)  # full of live entries: starts afresh
    assert store.get("d") == (b"D",)
    assert store.get("b") is None
