"""The issue's 'done when': a district reporter fills and submits a quarterly report with evidence, the
district and the lead department approve it, and the office sees it approved — in headless chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from minsheng.reporting.models import Evidence, Submission

from .conftest import World

pytestmark = pytest.mark.browser
PASSWORD = "Pw#12345abc"  # make_user's password
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module", autouse=True)
def _flush_past_audit_triggers(django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's autouse `_live_server_helper` tears transactional_db down after the root conftest's
    function-scoped maintenance fixture has ended, so on SQLite the flush hits the append-only triggers.
    A module-scoped wrapper outlives it. Maintenance is thread-local: the live server's requests still
    run with the triggers armed."""
    from minsheng.audit.maintenance import audit_maintenance

    with django_db_blocker.unblock(), audit_maintenance():
        yield


@pytest.fixture
def page(transactional_db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM checks at the end are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(15000)
        yield pg
        context.close()
        browser.close()


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def _approve_from_queue(page: Any, base: str, username: str) -> None:
    _login(page, base, username)
    page.goto(f"{base}/reporting/queue/")
    page.click("#queue tbody a")
    page.fill("#id_comment", "同意")
    page.click("#approve")
    page.wait_for_selector("text=已审核通过")


def test_quarterly_report_with_evidence_through_three_levels(
    world: World, live_server: Any, page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base = live_server.url
    evidence = tmp_path / "就业统计表.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    _login(page, base, world.jiangan_reporter.username)
    page.goto(f"{base}/reporting/")
    row = page.locator("#mine tbody tr", has_text="城镇新增就业").filter(has_text="江岸区")
    row.locator("a", has_text="填报").click()
    page.fill("#id_progress", "举办招聘会12场，新增就业11.6万人")
    page.fill("#id_problems", "部分企业用工需求下降")
    page.fill("#id_next_steps", "加大稳岗返还力度")
    # real keystrokes (ASCII: Playwright inserts CJK text without key events) fire the keyup autosave
    page.locator("#id_value").press_sequentially("11.6")
    page.wait_for_selector("#draft-status:has-text('草稿已自动保存')")  # HTMX autosave after 2 s
    page.set_input_files("#id_file", str(evidence))
    page.click("#upload")
    page.wait_for_selector("#evidence-list a:has-text('就业统计表.pdf')")
    assert page.input_value("#id_value") == "11.6"  # what was typed survived the upload
    page.click("#submit")
    page.wait_for_selector("#status:has-text('审核中')")

    _approve_from_queue(page, base, world.jiangan_reviewer.username)
    _approve_from_queue(page, base, world.rsj_reviewer.username)

    _login(page, base, world.office.username)
    page.goto(f"{base}/reporting/queue/")
    page.click("#queue tbody a")
    page.click("#approve")
    page.wait_for_selector("#status:has-text('已审定')")
    page.goto(f"{base}/reporting/items/{world.jobs.pk}/")
    approved = page.locator("#submissions tbody tr", has_text="江岸区")
    assert "已审定" in approved.inner_text()
    assert "11.6" in approved.inner_text()

    sub = Submission.objects.get(item=world.jobs, unit__code="420102")
    assert sub.status == "approved"
    assert list(sub.steps.values_list("action", "level")) == [
        ("submit", ""),
        ("approve", "district"),
        ("approve", "department"),
        ("approve", "office"),
    ]
    assert Evidence.objects.filter(submission=sub).count() == 1
