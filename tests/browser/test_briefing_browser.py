"""A leader opens the leadership view, drills down to a target, comes back and downloads the 通报; the .docx
opens (python-docx) and renders (LibreOffice → PDF with at least one page)."""

from __future__ import annotations

import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command

from minsheng.audit.models import AuditEvent
from minsheng.demo.services import DEMO_PASSWORD
from minsheng.progress.briefing import briefing_pdf
from minsheng.progress.briefing_service import SYNTHETIC_NOTE

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.office, pytest.mark.django_db(transaction=True)]


def _pages(pdf: Path) -> int:
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "pdfinfo is missing: run `make office-deps` as root"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_leader_drills_down_then_downloads_the_briefing(live_server: Any, page: Any, tmp_path: Path) -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    sign_in(page, live_server.url, "leader", DEMO_PASSWORD)
    page.click("nav.main >> text=目标进展")
    page.wait_for_selector("#status-counts")
    page.click("a.cell[href*='/targets/S1-T1-01/']")
    page.wait_for_selector("#progress-chart[data-drawn='1'] canvas")
    assert page.inner_text("#verdict").strip()
    page.go_back()
    page.wait_for_selector("#briefing-docx")
    with page.expect_download() as info:
        page.click("#briefing-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / "briefing.docx"
    download.save_as(str(saved))

    document = docx.Document(str(saved))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全市保障和改善" in text
    assert SYNTHETIC_NOTE in text  # the demo's history is synthetic and the document says so
    assert AuditEvent.objects.filter(action="progress.briefing_export").count() == 1

    pdf = briefing_pdf(saved)
    assert _pages(pdf) >= 1
