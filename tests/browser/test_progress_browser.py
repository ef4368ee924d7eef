"""A leader opens the leadership view, sees the coloured statuses, drills down to a target and a district."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minsheng.demo.services import DEMO_PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREEN = "rgb(26, 127, 55)"  # --green, the colour of 已达标


def test_leader_drills_down_from_overview_to_target_chart(live_server: Any, page: Any) -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(f"{page.url} {msg.text} {msg.location}") if msg.type == "error" else None,
    )
    sign_in(page, live_server.url, "leader", DEMO_PASSWORD)
    page.click("nav.main >> text=目标进展")
    page.wait_for_selector("#status-counts")
    page.wait_for_load_state("load")  # the stylesheet too, before reading computed colours
    assert page.locator(".status-tile").count() == 6
    assert page.locator("a.cell").count() > 60
    achieved = page.locator("a.cell.achieved").first
    assert achieved.evaluate("el => getComputedStyle(el).backgroundColor") == GREEN
    assert "已达标" in achieved.inner_text()
    page.click("a.cell[href*='/targets/S1-T1-01/']")
    page.wait_for_selector("#progress-chart[data-drawn='1'] canvas")
    assert page.locator("#progress-chart canvas").count() >= 1
    assert "累计完成" in page.inner_text(
        "#verdict"
    )  # the cumulative rule explains itself with the running total
    page.click("#units-table a:has-text('江岸区')")
    page.wait_for_selector("#history-table")
    page.wait_for_selector("#progress-chart[data-drawn='1'] canvas")
    assert "模拟数据" in page.inner_text("#observations-table")
    page.click("text=分区地图")
    page.wait_for_selector("#district-map .map-tile")
    assert page.locator("#district-map a.map-tile").count() == 17
    refused = [p for p in problems if "Content Security Policy" in p]
    assert not refused, refused  # htmx's indicator <style> included: it is switched off in the base layout
