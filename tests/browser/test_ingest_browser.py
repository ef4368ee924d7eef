"""An office user uploads the Wuhan seed, watches processing finish, sees the highlights, accepts one target
(by keyboard), rejects one, corrects one in the inline form, and adopts the result as a new policy catalog.

Without a broker the job runs in-process before the upload answers, so the browser would never see the bar;
here the job is held back and run by the test (standing in for a Celery worker) while the page polls.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minsheng.ingest import services
from minsheng.ingest.models import Decision, DocumentStatus, IngestDocument
from minsheng.ingest.tests.conftest import SEED
from minsheng.policy.models import Policy, Target

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Pw#12345abc"  # make_user's password


def _item(page: Any, indicator: str) -> Any:
    return page.locator(f"li.proposal:has(span.indicator:text-is('{indicator}'))").first


def test_office_uploads_reviews_and_adopts_in_browser(
    live_server: Any, page: Any, org_tree: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(services, "_dispatch", queued.append)  # the "broker": the test runs the job below
    make_user("office_browser", "office", org_tree["420100"])
    page.set_default_timeout(20000)
    sign_in(page, live_server.url, "office_browser", PASSWORD)
    page.click("nav.main >> text=政策导入")
    page.set_input_files("#id_file", str(SEED))
    page.click("#upload")

    # Processing: a progress bar that polls every second, moves, and gives way to the review when done.
    page.wait_for_selector("#progress-bar")
    assert page.inner_text("#progress-text") == "0%"
    (document_id,) = queued
    total = IngestDocument.objects.get(pk=document_id).progress_total
    IngestDocument.objects.filter(pk=document_id).update(progress_done=-(-total // 2))  # half, rounded up
    page.wait_for_selector("#progress-text:text-is('50%')")
    services.document_process(document_id=document_id)
    page.wait_for_selector("#doc-text mark.target")
    document = IngestDocument.objects.get()
    assert document.status == DocumentStatus.READY
    marks = page.locator("#doc-text mark.target")
    assert marks.count() == 66
    assert page.inner_text("[data-count=total]") == str(document.proposals.count())
    employment = document.proposals.get(kind="target", data__indicator="城镇新增就业")
    assert page.inner_text(f"#m-{employment.pk}") == "110万人以上"
    assert page.locator("#flags li").count() >= 1

    # Accept by keyboard: focus the proposal, press A.
    item = _item(page, "城镇新增就业")
    item.focus()
    page.keyboard.press("a")
    page.wait_for_selector(f"li#p-{employment.pk}.accepted")
    assert "accepted" in (page.get_attribute(f"#m-{employment.pk}", "class") or "")
    assert page.inner_text("[data-count=accepted]") == "1"

    # Reject by button.
    unemployment = document.proposals.get(kind="target", data__indicator="城镇登记失业率")
    _item(page, "城镇登记失业率").locator("button.reject").click()
    page.wait_for_selector(f"li#p-{unemployment.pk}.rejected")
    assert page.inner_text("[data-count=rejected]") == "1"

    # Correct inline: a field error in Chinese first, then a valid value.
    graduates = document.proposals.get(kind="target", data__indicator="新增高校毕业生留汉就业创业")
    _item(page, "新增高校毕业生留汉就业创业").locator("a.correct").click()
    form = page.locator(f"li#p-{graduates.pk} form.correct-form")
    form.wait_for()
    form.locator("select[name=comparator]").select_option("range")
    form.locator("button.save").click()
    page.wait_for_selector(f"#error-value_max-{graduates.pk}")
    assert "区间目标须填写上限" in page.inner_text(f"#error-value_max-{graduates.pk}")
    form = page.locator(f"li#p-{graduates.pk} form.correct-form")
    form.locator("select[name=comparator]").select_option(">=")
    form.locator("input[name=value]").fill("160")
    form.locator("button.save").click()
    page.wait_for_selector(f"li#p-{graduates.pk}.corrected")
    assert "160" in page.inner_text(f"li#p-{graduates.pk}")
    assert page.inner_text("[data-count=accepted]") == "2"

    # Adopt, with the recovered header editable.
    page.click("#to-adopt")
    assert page.input_value("#id_document_number") == "武政〔2022〕2号"
    assert page.input_value("#id_issued_on") == "2022-01-14"
    page.fill("#id_title", "武汉民生实施意见（导入审核）")
    page.click("#adopt")
    page.wait_for_selector("#adopted")
    assert "年度台帐" in page.inner_text("#adopted")

    policy = Policy.objects.get(code=f"ingest-{document.pk}")
    assert policy.title == "武汉民生实施意见（导入审核）"
    rows = sorted(
        (t.indicator, t.comparator, t.value, t.unit) for t in Target.objects.filter(task__policy=policy)
    )
    assert rows == [
        ("城镇新增就业", ">=", Decimal("110"), "万人"),
        ("新增高校毕业生留汉就业创业", ">=", Decimal("160"), "万人"),
    ]
    document.refresh_from_db()
    assert document.status == DocumentStatus.ADOPTED
    assert document.proposals.get(pk=unemployment.pk).decision == Decision.REJECTED
