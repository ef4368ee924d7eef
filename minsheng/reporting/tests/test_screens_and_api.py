"""Screens and API: scoping (sibling district → 404), evidence checks, idempotency, conflicts, query counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minsheng.accounts.services import api_token_create
from minsheng.reporting.domain.filecheck import MAX_BYTES
from minsheng.reporting.models import Evidence, Submission
from minsheng.reporting.services import SubmissionInput, submission_approve, submission_submit

from .conftest import World

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _report_url(world: World, code: str = "420102", period: str = "2025Q1") -> str:
    return f"/reporting/items/{world.jobs.pk}/report/{code}/{period}/"


def _jiangan_submission(world: World) -> Submission:
    return submission_submit(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=world.units["420102"],
        period_key="2025Q1",
        data=SubmissionInput(value="3"),
    ).submission


def _token_client(user: Any) -> Client:
    _t, secret = api_token_create(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_report_form_shows_field_errors_in_chinese(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    page = client.get(_report_url(world))
    assert page.status_code == 200
    assert 'hx-trigger="keyup changed delay:2s"' in page.content.decode()
    bad = client.post(_report_url(world), {"value": "十二", "lock_version": "0"})
    assert bad.status_code == 422
    assert "请输入数字" in bad.content.decode()
    ok = client.post(
        _report_url(world), {"value": "3", "progress": "招聘会", "status": "approved", "lock_version": "0"}
    )
    assert ok.status_code == 302
    sub = Submission.objects.get(unit__code="420102", period_key="2025Q1")
    assert sub.status == "submitted"  # the posted "status" was ignored


def test_draft_autosave_and_conflict_on_stale_lock_version(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    first = client.post(_report_url(world) + "draft/", {"value": "1", "lock_version": "0"})
    assert first.status_code == 200
    assert "草稿已自动保存" in first.content.decode()
    sub = Submission.objects.get(unit__code="420102", period_key="2025Q1")
    assert sub.status == "draft"
    lock = str(sub.lock_version)
    assert client.post(_report_url(world) + "draft/", {"value": "2", "lock_version": lock}).status_code == 200
    stale = client.post(_report_url(world) + "draft/", {"value": "9", "lock_version": lock})
    assert stale.status_code == 409
    sub.refresh_from_db()
    assert str(sub.value.normalize()) == "2"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("报告.pdf", PDF, True),
        ("伪装.png", b"<html><body><script>alert(1)</script></body></html>", False),
        ("图.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", False),
    ],
)
def test_evidence_upload_checks_content(world: World, name: str, content: bytes, accepted: bool) -> None:
    client = world.client(world.jiangan_reporter)
    response = client.post(
        _report_url(world) + "evidence/",
        {"value": "2", "lock_version": "0", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302
    assert Evidence.objects.exists() is accepted
    stored = list((Path(world_settings_root()) / "evidence").rglob("*")) if accepted else []
    assert all(not p.name.endswith(".part") for p in stored)


def world_settings_root() -> Path:
    from django.conf import settings

    return Path(settings.PRIVATE_MEDIA_ROOT)


def test_evidence_over_20_mb_is_refused(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (MAX_BYTES + 1 - len(PDF)))
    client.post(_report_url(world) + "evidence/", {"value": "2", "lock_version": "0", "file": big})
    assert not Evidence.objects.exists()


def test_evidence_download_is_an_attachment_and_404_for_a_sibling_district(world: World) -> None:
    client = world.client(world.jiangan_reporter)
    client.post(
        _report_url(world) + "evidence/",
        {"value": "2", "lock_version": "0", "file": SimpleUploadedFile("报告.pdf", PDF)},
    )
    evidence = Evidence.objects.get()
    url = f"/reporting/evidence/{evidence.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert world.client(world.wuchang_reporter).get(url).status_code == 404
    assert world.client(world.wuchang_reviewer).get(url).status_code == 404
    assert world.client(world.rsj_reviewer).get(url).status_code == 200  # the lead department reviews it
    assert world.client(world.office).get(url).status_code == 200
    assert not str(evidence.storage_name).endswith(".pdf")


def test_every_screen_with_an_object_is_404_for_a_sibling_district(world: World) -> None:
    sub = _jiangan_submission(world)
    sibling = world.client(world.wuchang_reporter)
    sibling_reviewer = world.client(world.wuchang_reviewer)
    urls = [
        f"/reporting/submissions/{sub.pk}/",
        _report_url(world),
        _report_url(world) + "draft/",
        _report_url(world) + "evidence/",
        f"/reporting/items/{world.rate.pk}/",
    ]
    for url in urls:
        for c in (sibling, sibling_reviewer):
            method = c.post if url.endswith(("draft/", "evidence/")) else c.get
            assert method(url).status_code == 404, url
    assert (
        sibling.post(f"/reporting/submissions/{sub.pk}/decide/", {"decision": "approve"}).status_code == 404
    )
    assert (
        sibling.post(f"/reporting/submissions/{sub.pk}/correct/", {"correction_reason": "x"}).status_code
        == 404
    )
    own = world.client(world.jiangan_reporter)
    assert own.get(f"/reporting/submissions/{sub.pk}/").status_code == 200
    assert own.get(f"/reporting/items/{world.jobs.pk}/").status_code == 200


def test_lists_show_only_what_the_caller_may_see(world: World) -> None:
    _jiangan_submission(world)
    wuchang = world.client(world.wuchang_reviewer).get("/reporting/queue/").content.decode()
    assert "江岸区" not in wuchang
    jiangan = world.client(world.jiangan_reviewer).get("/reporting/queue/").content.decode()
    assert "江岸区" in jiangan
    missing = world.client(world.wuchang_reporter).get("/reporting/missing/?year=2025").content.decode()
    assert "武昌区" in missing
    assert "江岸区" not in missing
    ledger = world.client(world.wuchang_reporter).get("/reporting/ledger/2025/").content.decode()
    assert "城镇新增就业" in ledger
    assert "城镇登记失业率" not in ledger  # led by 市人社局 alone, not Wuchang's


def test_the_review_queue_is_paged_oldest_first(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from minsheng.reporting import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    subs = [
        submission_submit(
            actor=world.jiangan_reporter,
            item=world.jobs,
            unit=world.units["420102"],
            period_key=period,
            data=SubmissionInput(value="3"),
        ).submission
        for period in ("2025Q1", "2025Q2", "2025Q3")
    ]
    reviewer = world.client(world.jiangan_reviewer)
    first = reviewer.get("/reporting/queue/").content.decode()
    assert 'id="queue-count"' in first
    assert "共 3 条待审核" in first
    assert f"/reporting/submissions/{subs[0].pk}/" in first
    assert f"/reporting/submissions/{subs[2].pk}/" not in first
    assert "?page=2" in first
    second = reviewer.get("/reporting/queue/?page=2").content.decode()
    assert f"/reporting/submissions/{subs[2].pk}/" in second
    assert f"/reporting/submissions/{subs[0].pk}/" not in second
    # A page past the end or not a number shows the nearest page, never an error.
    assert reviewer.get("/reporting/queue/?page=99").status_code == 200
    assert reviewer.get("/reporting/queue/?page=x").status_code == 200


def test_decide_through_the_screen(world: World) -> None:
    sub = _jiangan_submission(world)
    reviewer = world.client(world.jiangan_reviewer)
    page = reviewer.get(f"/reporting/submissions/{sub.pk}/").content.decode()
    assert 'id="approve"' in page
    reviewer.post(
        f"/reporting/submissions/{sub.pk}/decide/",
        {"decision": "approve", "lock_version": str(sub.lock_version)},
    )
    sub.refresh_from_db()
    assert sub.current_level == "department"
    # a stale lock version from the old page is a conflict, not a silent double decision
    dept = world.client(world.rsj_reviewer)
    dept.post(f"/reporting/submissions/{sub.pk}/decide/", {"decision": "approve", "lock_version": "0"})
    sub.refresh_from_db()
    assert sub.current_level == "department"


@pytest.mark.parametrize(
    "path",
    [
        "/reporting/ledger/2025/",
        "/reporting/queue/",
        "/reporting/missing/?year=2025",
        "/reporting/",
        "/reporting/notices/",
    ],
)
def test_list_pages_have_a_constant_query_count(
    world: World, path: str, django_assert_max_num_queries: Any
) -> None:
    for period in ("2025Q1",):
        submission_submit(
            actor=world.wuchang_reporter,
            item=world.jobs,
            unit=world.units["420106"],
            period_key=period,
            data=SubmissionInput(value="2"),
        )
        _jiangan_submission(world)
    client = world.client(world.office)
    client.get(path)
    with django_assert_max_num_queries(20):
        assert client.get(path).status_code == 200


def test_api_lists_only_items_in_scope_and_submits_through_validation(world: World) -> None:
    api = _token_client(world.wuchang_reporter)
    items = api.get("/api/v1/reporting/items?year=2025&limit=100").json()["items"]
    assert {i["code"] for i in items} == {"S1-T1-01"}
    payload = {
        "item_id": world.jobs.pk,
        "unit_code": "420106",
        "period": "2025Q1",
        "value": "200000",
        "idempotency_key": "k1",
    }
    bad = api.post("/api/v1/reporting/submissions", payload, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"]["value"] == ["疑似按“人”填报，单位应为“万人”"]
    payload |= {"value": "2.5", "idempotency_key": "k2"}
    ok = api.post("/api/v1/reporting/submissions", payload, content_type="application/json")
    assert ok.status_code == 201
    again = api.post("/api/v1/reporting/submissions", payload, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert again.json()["submission_id"] == ok.json()["submission_id"]
    sibling = payload | {"unit_code": "420102", "idempotency_key": "k3"}
    assert (
        api.post("/api/v1/reporting/submissions", sibling, content_type="application/json").status_code == 404
    )
    sub_id = ok.json()["submission_id"]
    assert api.get(f"/api/v1/reporting/submissions/{sub_id}").status_code == 200
    assert (
        _token_client(world.jiangan_reporter).get(f"/api/v1/reporting/submissions/{sub_id}").status_code
        == 404
    )


def test_api_bulk_submit_is_idempotent_per_key(world: World) -> None:
    api = _token_client(world.rsj_reporter)
    entries = [
        {
            "item_id": world.rate.pk,
            "unit_code": world.rsj.code,
            "period": p,
            "value": v,
            "idempotency_key": f"rate-{p}",
        }
        for p, v in (("2025Q1", "2.6"), ("2025Q2", "2.7"))
    ]
    entries.append(
        {
            "item_id": world.rate.pk,
            "unit_code": world.rsj.code,
            "period": "2025Q3",
            "value": "120",
            "idempotency_key": "rate-bad",
        }
    )
    first = api.post(
        "/api/v1/reporting/submissions/bulk", {"entries": entries}, content_type="application/json"
    ).json()
    assert (first["created"], first["duplicates"], first["failed"]) == (2, 0, 1)
    assert first["results"][2]["errors"]["value"] == ["百分比不能超过100"]
    second = api.post(
        "/api/v1/reporting/submissions/bulk", {"entries": entries[:2]}, content_type="application/json"
    ).json()
    assert (second["created"], second["duplicates"]) == (0, 2)
    assert Submission.objects.filter(item=world.rate).count() == 2
    # the machine's report climbs the same chain as a person's (no district level for a department)
    sub = Submission.objects.get(item=world.rate, period_key="2025Q1")
    assert sub.chain == ["department", "office"]
    submission_approve(actor=world.rsj_reviewer, submission=sub)


def test_api_refuses_anonymous_callers(world: World) -> None:
    assert Client().get("/api/v1/reporting/items").status_code == 401
