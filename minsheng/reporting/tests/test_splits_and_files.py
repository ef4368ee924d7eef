from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from minsheng.reporting.domain.filecheck import MAX_BYTES, FileRejected, check_evidence
from minsheng.reporting.domain.splits import check_adds_up, split_even

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _zip(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()


def test_even_split_adds_up_exactly() -> None:
    parts = split_even(Decimal(110), ["2021", "2022", "2023", "2024", "2025"])
    assert set(parts.values()) == {Decimal(22)}
    odd = split_even(Decimal(50), ["a", "b", "c"])
    assert sum(odd.values()) == Decimal(50)
    assert check_adds_up(Decimal(50), odd) is None


def test_manual_split_that_does_not_add_up_warns_by_how_much() -> None:
    warning = check_adds_up(Decimal(110), {"2021": Decimal(20), "2022": Decimal(30)})
    assert warning is not None
    assert warning.difference == Decimal(-60)
    assert "不一致" in warning.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", PDF),
        ("现场.png", PNG),
        ("照片.JPG", JPG),
        ("台帐.docx", _zip("[Content_Types].xml", "word/document.xml")),
        ("台帐.xlsx", _zip("[Content_Types].xml", "xl/workbook.xml")),
        ("公文.ofd", _zip("OFD.xml", "Doc_0/Document.xml")),
    ],
)
def test_allowed_files_pass(name: str, content: bytes) -> None:
    assert check_evidence(name, len(content), io.BytesIO(content)).extension in {
        "pdf",
        "png",
        "jpg",
        "docx",
        "xlsx",
        "ofd",
    }


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("伪装.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页"),
        ("图.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "只能上传"),
        ("图.png", b"<?xml version='1.0'?><svg/>", "网页"),
        ("假.pdf", PNG, "不符"),
        ("假.docx", _zip("xl/workbook.xml"), "不符"),
        ("假.xlsx", PDF, "不符"),
        ("脚本.exe", b"MZ" + b"\x00" * 10, "只能上传"),
        ("空.pdf", b"", "为空"),
    ],
)
def test_disguised_or_forbidden_files_are_refused(name: str, content: bytes, fragment: str) -> None:
    with pytest.raises(FileRejected, match=fragment):
        check_evidence(name, len(content), io.BytesIO(content))


def test_files_over_20_mb_are_refused_before_reading() -> None:
    with pytest.raises(FileRejected, match="20 MB"):
        check_evidence("大.pdf", MAX_BYTES + 1, io.BytesIO(PDF))
