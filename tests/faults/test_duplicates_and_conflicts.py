"""The same report twice (double-click, retry) makes one record; the same record saved from two browsers gives
the second a conflict, never a silent overwrite. All through the screens and the API over HTTP.

Already covered elsewhere and not repeated here: a sequential API retry with the same key
(`minsheng/reporting/tests/test_screens_and_api.py::test_api_lists_only_items_in_scope_…`), per-entry keys in
bulk, a stale lock version on autosave from one browser and on the service layer
(`test_services.py::test_two_saves_with_the_same_lock_version_conflict`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from minsheng.accounts.services import api_token_create
from minsheng.org.models import Role
from minsheng.org.services import role_grant
from minsheng.reporting.models import ApprovalStep, IdempotencyKey, Submission
from minsheng.reporting.services import SubmissionInput, submission_save_draft, submission_submit
from minsheng.reporting.tests.conftest import World

pytestmark = [pytest.mark.faults]
LOCK = re.compile(r'name="lock_version" value="(\d+)"')


def _form_url(world: World, period: str = "2025Q1") -> str:
    return f"/reporting/items/{world.jobs.pk}/report/420102/{period}/"


def _lock_on_page(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    found = LOCK.search(page.content.decode())
    assert found, "the page carries no lock_version"
    return found.group(1)


def _second_reporter(world: World, make_user: Any) -> Client:
    other = make_user("ja_rep2")
    role_grant(actor=None, user=other, unit=world.units["420102"], role=Role.REPORTER)
    return world.client(other)


def _race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released together; each thread closes its own connections."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


# --- the same report twice -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_double_click_on_submit_makes_one_record(world: World) -> None:
    browser = world.client(world.jiangan_reporter)
    url = _form_url(world)
    form = {"value": "3", "progress": "招聘会", "lock_version": _lock_on_page(browser, url)}
    first = browser.post(url, form)
    second = browser.post(url, form)  # the second click, or the browser resending after a lost answer
    assert first.status_code == 302
    assert second.status_code == 409
    assert "该报送已提交" in second.content.decode()
    sub = Submission.objects.get(item=world.jobs, unit__code="420102", period_key="2025Q1")
    assert (sub.status, sub.version) == ("submitted", 1)
    assert ApprovalStep.objects.filter(submission=sub, action="submit").count() == 1


@pytest.mark.django_db
def test_api_resend_after_a_draft_exists_is_a_duplicate_not_a_second_record(world: World) -> None:
    """A machine client whose first answer was lost resends; a person had already saved a draft."""
    submission_save_draft(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=world.units["420102"],
        period_key="2025Q1",
        data=SubmissionInput(value="1"),
        lock_version=None,
    )
    _t, secret = api_token_create(actor=world.jiangan_reporter, user=world.jiangan_reporter, name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    body = {
        "item_id": world.jobs.pk,
        "unit_code": "420102",
        "period": "2025Q1",
        "value": "3",
        "idempotency_key": "r1",
    }
    answers = [
        api.post("/api/v1/reporting/submissions", body, content_type="application/json") for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert {a.json()["submission_id"] for a in answers} == {answers[0].json()["submission_id"]}
    assert Submission.objects.filter(item=world.jobs, unit__code="420102").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("draft_first", [False, True], ids=["no-draft", "over-a-draft"])
def test_two_threads_racing_the_same_idempotency_key_make_one_record(world: World, draft_first: bool) -> None:
    """Both requests carry the same key at the same moment: one creates, the other answers duplicate.

    Without a draft the race is decided by the unique index; over a draft, by the row lock (the loser sees
    the report already submitted and must still answer "duplicate", not "conflict")."""
    _t, secret = api_token_create(actor=world.jiangan_reporter, user=world.jiangan_reporter, name="t")
    for round_ in range(4):
        period = f"2025Q{round_ + 1}"
        if draft_first:
            submission_save_draft(
                actor=world.jiangan_reporter,
                item=world.jobs,
                unit=world.units["420102"],
                period_key=period,
                data=SubmissionInput(value="1"),
                lock_version=None,
            )
        body = json.dumps(
            {
                "item_id": world.jobs.pk,
                "unit_code": "420102",
                "period": period,
                "value": "3",
                "idempotency_key": f"race-{period}",
            }
        )

        def post(_i: int, body: str = body) -> Any:
            api = Client(headers={"Authorization": f"Bearer {secret}"})
            return api.post("/api/v1/reporting/submissions", body, content_type="application/json")

        answers = _race(2, post)
        assert not [a for a in answers if isinstance(a, Exception)], answers
        assert sorted(a.status_code for a in answers) == [200, 201], [a.content for a in answers]
        assert {a.json()["outcome"] for a in answers} == {"created", "duplicate"}
        assert len({a.json()["submission_id"] for a in answers}) == 1
        subs = Submission.objects.filter(item=world.jobs, unit__code="420102", period_key=period)
        assert subs.count() == 1
        assert ApprovalStep.objects.filter(submission=subs.get(), action="submit").count() == 1
    assert IdempotencyKey.objects.filter(key__startswith="race-").count() == 4


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_on_the_screen_makes_one_record(world: World) -> None:
    url = _form_url(world)
    lock = _lock_on_page(world.client(world.jiangan_reporter), url)

    def click(_i: int) -> Any:
        return world.client(world.jiangan_reporter).post(url, {"value": "3", "lock_version": lock})

    answers = _race(2, click)
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert sorted(a.status_code for a in answers) == [302, 409]
    sub = Submission.objects.get(item=world.jobs, unit__code="420102", period_key="2025Q1")
    assert ApprovalStep.objects.filter(submission=sub, action="submit").count() == 1


# --- the same record from two browsers -------------------------------------------------------------------


@pytest.mark.django_db
def test_second_browser_submitting_a_stale_form_gets_a_conflict(world: World, make_user: Any) -> None:
    a, b = world.client(world.jiangan_reporter), _second_reporter(world, make_user)
    url = _form_url(world)
    lock_a, lock_b = _lock_on_page(a, url), _lock_on_page(b, url)
    saved = a.post(url + "draft/", {"value": "4", "progress": "甲的进展", "lock_version": lock_a})
    assert saved.status_code == 200
    stale = b.post(url, {"value": "5", "progress": "乙的进展", "lock_version": lock_b})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "该报送已被他人修改，请刷新后再" in page
    assert "乙的进展" in page  # what B typed is still on B's form
    sub = Submission.objects.get(item=world.jobs, unit__code="420102", period_key="2025Q1")
    assert (sub.status, sub.progress, str(sub.value.normalize())) == ("draft", "甲的进展", "4")  # type: ignore[union-attr]
    # After a refresh B sees A's draft and can submit on top of it.
    fresh = b.post(url, {"value": "5", "progress": "乙的进展", "lock_version": _lock_on_page(b, url)})
    assert fresh.status_code == 302


@pytest.mark.django_db
def test_second_browser_autosaving_a_stale_draft_gets_a_conflict(world: World, make_user: Any) -> None:
    a, b = world.client(world.jiangan_reporter), _second_reporter(world, make_user)
    url = _form_url(world)
    a.post(url + "draft/", {"value": "1", "lock_version": "0"})
    lock = _lock_on_page(a, url)
    assert _lock_on_page(b, url) == lock
    assert a.post(url + "draft/", {"value": "2", "lock_version": lock}).status_code == 200
    stale = b.post(url + "draft/", {"value": "9", "lock_version": lock})
    assert stale.status_code == 409
    assert "该报送已被他人修改" in stale.content.decode()
    assert str(Submission.objects.get(unit__code="420102").value.normalize()) == "2"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_second_browser_uploading_on_a_stale_form_gets_a_conflict_and_no_file(
    world: World, make_user: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.reporting.models import Evidence

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    a, b = world.client(world.jiangan_reporter), _second_reporter(world, make_user)
    url = _form_url(world)
    lock_a, lock_b = _lock_on_page(a, url), _lock_on_page(b, url)
    a.post(url + "draft/", {"value": "4", "lock_version": lock_a})
    pdf = SimpleUploadedFile("佐证.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page = b.post(url + "evidence/", {"value": "5", "lock_version": lock_b, "file": pdf}, follow=True)
    assert "上传失败：该报送已被他人修改" in page.content.decode()
    assert not Evidence.objects.exists()
    assert str(Submission.objects.get(unit__code="420102").value.normalize()) == "4"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_second_reviewer_deciding_from_a_stale_page_gets_a_conflict(world: World, make_user: Any) -> None:
    sub = submission_submit(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=world.units["420102"],
        period_key="2025Q1",
        data=SubmissionInput(value="3"),
    ).submission
    other = make_user("ja_rev2")
    role_grant(actor=None, user=other, unit=world.units["420102"], role=Role.REVIEWER)
    a, b = world.client(world.jiangan_reviewer), world.client(other)
    page_url = f"/reporting/submissions/{sub.pk}/"
    lock_a, lock_b = _lock_on_page(a, page_url), _lock_on_page(b, page_url)
    a.post(page_url + "decide/", {"decision": "approve", "lock_version": lock_a})
    late = b.post(
        page_url + "decide/", {"decision": "return", "comment": "请补充", "lock_version": lock_b}, follow=True
    )
    assert "该报送已被他人处理或修改，请刷新后再操作" in late.content.decode()
    sub.refresh_from_db()
    assert (sub.status, sub.current_level) == ("submitted", "department")
    assert list(
        ApprovalStep.objects.filter(submission=sub).values_list("action", flat=True).order_by("id")
    ) == [
        "submit",
        "approve",
    ]
