"""Upload screen: each file type is read and processed; bad files get a Chinese error and leave no row."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from minsheng.audit.models import AuditEvent
from minsheng.ingest import services
from minsheng.ingest.models import DocumentStatus, IngestDocument, Proposal

from .conftest import SEED, Upload
from .files import make_docx, make_image_only_pdf, make_text_pdf

pytestmark = pytest.mark.django_db

PDF_LINES = [
    "武汉市某区民生实事实施方案",
    "三、重点任务",
    "（一）民生保障",
    "1. 就业创业。到2025年,城镇新增就业110万人以上,城镇登记失业率控制在5.5%以内。",
    "2. 养老服务。新建社区养老服务设施30个。",
]


def _only_document() -> IngestDocument:
    assert IngestDocument.objects.count() == 1
    return IngestDocument.objects.get()


def test_upload_txt_seed_processes_all_66_targets(office: Client, upload: Upload) -> None:
    response = upload(office, "wuhan_2022_seed.txt", SEED.read_bytes())
    doc = _only_document()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/ingest/{doc.pk}/")
    assert doc.status == DocumentStatus.READY
    assert doc.text == SEED.read_bytes().decode("utf-8-sig")
    assert doc.normalised_text
    assert doc.progress_done == doc.progress_total == len(doc.normalised_text)
    assert doc.proposals.filter(kind="target").count() == 66
    assert doc.proposals.filter(kind="commitment").exists()
    assert doc.meta["document_number"] == "武政〔2022〕2号"
    assert doc.meta["issuer"] == "武汉市人民政府"
    assert doc.meta["issued_on"] == "2022-01-14"
    assert doc.meta["flags"], "the seed's mojibake is flagged for review"
    actions = list(AuditEvent.objects.filter(action__startswith="ingest.").values_list("action", "outcome"))
    assert actions == [("ingest.upload", "success"), ("ingest.process", "success")]


def test_upload_docx_reads_paragraphs_and_finds_the_same_targets(office: Client, upload: Upload) -> None:
    lines = SEED.read_text(encoding="utf-8-sig").splitlines()
    response = upload(office, "seed.docx", make_docx(lines))
    doc = _only_document()
    assert response.status_code == 302
    assert doc.status == DocumentStatus.READY
    assert doc.proposals.filter(kind="target").count() == 66


def test_upload_pdf_with_text_layer(office: Client, upload: Upload) -> None:
    response = upload(office, "plan.pdf", make_text_pdf(PDF_LINES))
    doc = _only_document()
    assert response.status_code == 302
    assert doc.status == DocumentStatus.READY
    found = {
        (p.data["indicator"], p.data["comparator"], p.data["value"], p.data["unit"])
        for p in doc.proposals.filter(kind="target")
    }
    assert found == {
        ("城镇新增就业", ">=", 110, "万人"),
        ("城镇登记失业率", "<=", 5.5, "%"),
        ("新建社区养老服务设施", ">=", 30, "个"),
    }


def _broken_docx() -> bytes:
    return b"PK\x03\x04" + b"\x00garbage" * 50


def _zip_without_document() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "不是Word文件")
    return out.getvalue()


BAD_FILES = [
    ("empty.txt", b"", "文件为空"),
    ("blank.txt", "  \n\u3000\n".encode(), "没有可读的文字"),
    ("binary.txt", bytes(range(256)) * 64, "二进制"),
    ("random.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 200, "二进制"),
    ("broken.docx", _broken_docx(), "Word文件（.docx）已损坏"),
    ("notword.docx", _zip_without_document(), "Word文件（.docx）已损坏"),
    ("text.docx", "这不是Word文件".encode(), "Word文件（.docx）已损坏"),
    ("scan.pdf", make_image_only_pdf(), "PDF没有文字层"),
    ("fake.pdf", "到2025年新增就业110万人".encode(), "不是PDF"),
    ("broken.pdf", b"%PDF-1.4\n" + b"\x00\xff" * 300, "PDF"),
    ("zip.txt", b"PK\x03\x04rest", "二进制"),
    ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "旧版Word"),
    ("run.exe", b"MZ\x90\x00", "只能上传 .txt、.docx 或 .pdf"),
    ("noext", "到2025年新增就业110万人".encode(), "只能上传 .txt、.docx 或 .pdf"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_chinese_error_next_to_the_field_and_leaves_no_row(
    office: Client, upload: Upload, name: str, data: bytes, message: str
) -> None:
    response = upload(office, name, data)
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(r'<p class="field-error" id="error-file" role="alert">([^<]*)</p>', html)
    assert error is not None, html[:2000]
    assert message in error.group(1)
    assert IngestDocument.objects.count() == 0
    assert Proposal.objects.count() == 0
    assert AuditEvent.objects.filter(action="ingest.upload", outcome="denied").count() == 1


def test_huge_file_is_refused_from_its_size(office: Client, upload: Upload) -> None:
    data = b"a" * (20 * 1024 * 1024 + 1)
    with mock.patch("minsheng.ingest.services.read_upload") as read:
        response = upload(office, "huge.txt", data)
    read.assert_not_called()  # refused from the declared size, before reading the content
    assert response.status_code == 422
    assert "文件过大（超过20MB）" in response.content.decode()
    assert IngestDocument.objects.count() == 0


def test_missing_file_is_a_field_error(office: Client) -> None:
    response = office.post("/ingest/", {})
    assert response.status_code == 422
    assert "请选择要上传的文件" in response.content.decode()
    assert IngestDocument.objects.count() == 0


def test_failed_extraction_marks_the_document_failed_without_proposals(
    office: Client, upload: Upload
) -> None:
    with mock.patch("minsheng.ingest.services.extract_normalised", side_effect=RuntimeError("boom")):
        upload(office, "seed.txt", SEED.read_bytes())
    doc = _only_document()
    assert doc.status == DocumentStatus.FAILED
    assert "处理失败" in doc.error_message
    assert Proposal.objects.count() == 0
    page = office.get(f"/ingest/{doc.pk}/").content.decode()
    assert 'id="process-error"' in page
    assert "处理失败" in page


def test_five_mb_document_reports_progress_while_processing(
    office: Client, office_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seed = SEED.read_text(encoding="utf-8-sig")
    text = (seed + "\n") * (5 * 1024 * 1024 // len(seed.encode()) + 1)
    data = text.encode()
    assert len(data) >= 5 * 1024 * 1024
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = services.document_upload(actor=office_user, name="big.txt", size=len(data), data=data)
    assert len(callbacks) == 1  # the job is queued after commit, not run inside the request's transaction

    # While processing: the page shows a progress bar that polls every second.
    page = office.get(f"/ingest/{doc.pk}/").content.decode()
    assert '<progress id="progress-bar" max="100" value="0"' in page
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="/ingest/{doc.pk}/progress/"' in page

    seen: list[tuple[int, int, str]] = []
    from minsheng.ingest.domain import extract_normalised as real

    def observed(norm: Any, progress: Any) -> Any:
        def spy(done: int, total: int) -> None:
            progress(done, total)
            row = IngestDocument.objects.get(pk=doc.pk)
            fragment = office.get(
                f"/ingest/{doc.pk}/progress/", headers={"HX-Request": "true"}
            ).content.decode()
            bar = re.search(r'<progress id="progress-bar" max="100" value="(\d+)"', fragment)
            seen.append((row.progress_done, row.progress_total, bar.group(1) if bar else ""))

        return real(norm, spy)

    with mock.patch("minsheng.ingest.services.extract_normalised", side_effect=observed):
        services.document_process(document_id=doc.pk)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert len(seen) >= 10, seen
    dones = [s[0] for s in seen]
    assert dones == sorted(dones)
    assert dones[-1] == seen[-1][1] == len(doc.normalised_text)
    percents = [int(s[2]) for s in seen if s[2]]
    assert len(set(percents)) >= 5
    assert 0 < percents[len(percents) // 2] < 100
    # Done: the poll tells HTMX to reload the page, which now shows the review.
    done = office.get(f"/ingest/{doc.pk}/progress/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert doc.proposals.filter(kind="target").count() >= 66


def _stalled(office_user: Any, django_capture_on_commit_callbacks: Any, attempts: int = 1) -> IngestDocument:
    """A document whose job was queued but whose worker died: processing, no sign of life for an hour."""
    import datetime as dt

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):  # the job never runs
        doc = services.document_upload(
            actor=office_user, name="seed.txt", size=len(SEED.read_bytes()), data=SEED.read_bytes()
        )
    IngestDocument.objects.filter(pk=doc.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=1), meta={**doc.meta, "attempts": attempts}
    )
    return IngestDocument.objects.get(pk=doc.pk)


def test_a_job_whose_worker_died_is_queued_again_when_someone_looks(
    office: Client, office_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    doc = _stalled(office_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        office.get(f"/ingest/{doc.pk}/progress/", headers={"HX-Request": "true"})
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert doc.proposals.filter(kind="target").count() == 66
    assert AuditEvent.objects.filter(action="ingest.requeue", object_id=str(doc.pk)).count() == 1


def test_a_document_that_stalls_twice_fails_with_a_chinese_message(
    office: Client, office_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    doc = _stalled(office_user, django_capture_on_commit_callbacks, attempts=2)
    response = office.get(f"/ingest/{doc.pk}/progress/", headers={"HX-Request": "true"})
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert "处理中断" in doc.error_message
    assert response["HX-Refresh"] == "true"


def test_a_document_still_making_progress_is_left_alone(
    office: Client, office_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        doc = services.document_upload(
            actor=office_user, name="seed.txt", size=len(SEED.read_bytes()), data=SEED.read_bytes()
        )
    office.get(f"/ingest/{doc.pk}/progress/", headers={"HX-Request": "true"})
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.PROCESSING
    assert not AuditEvent.objects.filter(action="ingest.requeue").exists()
