"""The 通报 converts to PDF through LibreOffice (marker `office`; run `make office-deps` first).

These tests fail, not skip, when LibreOffice is missing: the issue's "done" needs the PDF to render.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from minsheng.progress.briefing.document import build_briefing_docx
from minsheng.progress.briefing.pdf import briefing_pdf
from minsheng.progress.briefing.sample import sample_briefing_data

pytestmark = pytest.mark.office

LONG = "各牵头单位要对照年度目标逐项梳理对需加快和进展有限的目标制定赶超措施确保年底前完成各区各部门要严格按照时限报送进展数据"


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run `make office-deps` as root"
    return found


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = dataclasses.replace(sample_briefing_data(), requirements=(LONG,))
    docx_path = build_briefing_docx(data, tmp_path_factory.mktemp("pdf") / "通报.docx")
    return briefing_pdf(docx_path)


def text(pdf: Path) -> str:
    return subprocess.run(
        [tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_is_written_beside_the_docx(pdf: Path) -> None:
    assert pdf.name == "通报.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    assert "Page size:      595.276 x 841.89 pts (A4)" in info or "(A4)" in info


def test_pdf_carries_the_text_and_the_named_units(pdf: Path) -> None:
    # LibreOffice adds a little space between Chinese and Latin text; pdftotext reports it as a space.
    content = text(pdf).replace(" ", "")
    for needle in (
        "武汉市保障和改善民生工作领导小组办公室",
        "武民生办〔2024〕3号",
        "通报批评",
        "某区",
        "119.01万人",
        "印发",
    ):
        assert needle in content, needle
    assert "—1—" in content


def test_a_body_line_holds_28_characters(pdf: Path) -> None:
    lines = [line.strip() for line in text(pdf).splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("各牵头单位要"))
    assert len(lines[start]) == 26  # first line: 2 characters of indent
    assert len(lines[start + 1]) == 28


def test_fonts_are_embedded_with_free_fallbacks_when_the_originals_are_absent(pdf: Path) -> None:
    listing = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = listing.splitlines()[2:]
    assert embedded
    assert all(" yes " in line for line in embedded)
    if (
        "方正小标宋简体"
        not in subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    ):
        assert "Bold" in listing  # 小标宋 stands in as the bold Song face
        assert "UKai" in listing  # 楷体_GB2312 → AR PL UKai
        assert "Sans" in listing  # 黑体 → Noto Sans CJK
