"""A person signs in, reads the catalog and a target's source sentence, switches language, signs out."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minsheng.demo.services import DEMO_PASSWORD

from .conftest import csp_refusals, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_reads_catalog_and_target_source_in_browser(live_server: Any, page: Any) -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    refused = csp_refusals(page)
    sign_in(page, live_server.url, "jiangan_reporter", DEMO_PASSWORD)
    page.click("nav.main >> text=填报")  # "my reports", with the workbook import and its htmx indicator
    page.wait_for_selector("#ledger-import")
    assert page.locator("#import-spinner").is_hidden()  # the indicator rule comes from minsheng.css
    page.click("text=目标目录")
    page.wait_for_selector("text=城镇新增就业")
    page.click("a:has-text('S1-T1-01')")
    assert "110万人以上" in page.inner_text("#source-sentence")
    page.click("button:has-text('English')")
    page.wait_for_selector("text=Source text")
    page.goto(f"{live_server.url}/org/units/420106/")
    assert "404" in page.title() or page.locator("text=武昌区").count() == 0
    page.goto(f"{live_server.url}/en/")
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("#id_username")
    assert not refused, refused  # e.g. htmx's indicator <style>, switched off in the base layout


def test_wrong_password_shows_chinese_error(live_server: Any, page: Any) -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    sign_in(page, live_server.url, "leader", "not-the-password")
    assert "用户名或密码错误" in page.inner_text("body")
