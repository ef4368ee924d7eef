"""Hostile workbooks are refused before parsing, quickly and in little memory; the formula guard is exact.

Each attack is generated here on the fly. Memory is measured with tracemalloc (peak < 100 MB);
nothing asserts on wall-clock time.
"""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from minsheng.reporting.domain.workbook import read_ledger_workbook
from minsheng.reporting.domain.xlsx_safety import (
    FORMULA_GUARD,
    MiB,
    UnsafeWorkbookError,
    XlsxLimits,
    check_xlsx,
    neutralise_text,
    restore_text,
)
from minsheng.reporting.tests.workbook_samples import BILLION_LAUGHS, export, sample_rows
from minsheng.reporting.tests.workbook_samples import rezip as _rezip
from minsheng.reporting.tests.workbook_samples import (
    workbook_with_shared_strings as _workbook_with_shared_strings,
)
from minsheng.reporting.tests.workbook_samples import zip_bomb as _zip_bomb

PEAK_LIMIT = 100 * MiB


def _refusal(source: bytes, limits: XlsxLimits | None = None) -> tuple[UnsafeWorkbookError, int]:
    """The refusal `check_xlsx` raises, and the tracemalloc peak while it ran."""
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeWorkbookError) as caught:
            check_xlsx(source, limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, peak


def _lying_sizes_bomb() -> bytes:
    """A part whose directory entry declares 1 KiB but which inflates to 50 MiB."""
    data = _zip_bomb(50 * MiB)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    patched = bytearray(data)
    struct.pack_into("<I", patched, central + 24, 1024)  # uncompressed size
    return bytes(patched)


def _with_entries(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(count):
            archive.writestr(f"xl/media/image{i}.png", b"x")
    return out.getvalue()


def test_formula_guard_is_exact_inverse() -> None:
    for text in [
        "=1+1",
        "+86",
        "-3",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        "＝1",
        "＋1",
        "－1",
        "＠x",
        "普通",
        "",
        FORMULA_GUARD,
    ]:
        written = neutralise_text(text)
        assert not written.startswith(("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"))
        assert restore_text(written)[0] == text
    assert neutralise_text("=1") == FORMULA_GUARD + "=1"
    assert restore_text(FORMULA_GUARD + "普通") == (FORMULA_GUARD + "普通", False)


def test_our_own_export_passes_the_check() -> None:
    summary = check_xlsx(export(sample_rows(20)))
    assert summary.entries >= 8
    assert summary.uncompressed_bytes > summary.compressed_bytes


def test_zip_bomb_is_refused_before_inflating() -> None:
    refusal, peak = _refusal(_zip_bomb(256 * MiB))
    assert refusal.code in {"zip_bomb_ratio", "zip_bomb_size"}
    assert "压缩炸弹" in refusal.message
    assert peak < PEAK_LIMIT


def test_total_uncompressed_size_is_capped() -> None:
    data = _rezip(export(sample_rows(1)), add={"xl/media/noise.bin": os.urandom(2 * MiB)})
    refusal, peak = _refusal(data, XlsxLimits(max_total_uncompressed=MiB))
    assert refusal.code == "zip_bomb_size"
    assert "1 MB" in refusal.message
    assert peak < PEAK_LIMIT


def test_part_lying_about_its_size_is_refused() -> None:
    refusal, peak = _refusal(_lying_sizes_bomb())
    assert refusal.code == "corrupt_zip"
    assert peak < PEAK_LIMIT


def test_billion_laughs_in_shared_strings_is_refused() -> None:
    data = _rezip(_workbook_with_shared_strings(), replace={"xl/sharedStrings.xml": BILLION_LAUGHS})
    refusal, peak = _refusal(data)
    assert refusal.code == "xml_dtd"
    assert "十亿笑声" in refusal.message
    assert "sharedStrings.xml" in refusal.message
    assert peak < PEAK_LIMIT


def test_billion_laughs_never_expands_even_past_the_check() -> None:
    """Second layer: openpyxl parses through defusedxml, so entities are refused, not expanded."""
    data = _rezip(_workbook_with_shared_strings(), replace={"xl/sharedStrings.xml": BILLION_LAUGHS})
    assert openpyxl.DEFUSEDXML is True
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="invalid XML") as caught:
            openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    causes = []
    error: BaseException | None = caught.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(cause, EntitiesForbidden) for cause in causes)
    assert peak < PEAK_LIMIT


def test_external_entity_in_a_sheet_is_refused() -> None:
    data = export(sample_rows(1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    xxe = sheet.replace(
        b"?>",
        b'?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        1,
    )
    refusal, _ = _refusal(_rezip(data, replace={"xl/worksheets/sheet1.xml": xxe}))
    assert refusal.code == "xml_dtd"


def _padded_part(offset: int, *, root_first: bool) -> bytes:
    """An XML part with incompressible filler (unlike a bomb) and a DTD marker starting at `offset`."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n' + (b"<w>" if root_first else b"")
    filler = os.urandom(offset).hex().encode()[: offset - len(head) - 7]
    part = head + b"<!--" + filler + b"-->" + b"<!DOCTYPE w><w/>"
    assert part.index(b"<!DOCTYPE") == offset
    return part


@pytest.mark.parametrize("offset", [64 * 1024 - 4, 64 * 1024, 3 * 64 * 1024 + 7])
def test_dtd_marker_split_across_read_chunks_is_found(offset: int) -> None:
    part = _padded_part(offset, root_first=True)
    refusal, _ = _refusal(_rezip(export(sample_rows(1)), replace={"docProps/app.xml": part}))
    assert refusal.code == "xml_dtd"


def test_overlong_prolog_is_refused() -> None:
    part = _padded_part(100 * 1024, root_first=False)
    refusal, _ = _refusal(_rezip(export(sample_rows(1)), replace={"docProps/app.xml": part}))
    assert refusal.code == "xml_prolog"


def test_utf16_part_is_refused() -> None:
    data = export(sample_rows(1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    utf16 = workbook.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    refusal, _ = _refusal(_rezip(data, replace={"xl/workbook.xml": utf16}))
    assert refusal.code == "xml_encoding"


@pytest.mark.parametrize(
    "name", ["../../evil.txt", "xl/../../evil.txt", "/etc/cron.d/evil", "C:/evil.txt", "xl\\..\\evil"]
)
def test_zip_slip_names_are_refused(name: str) -> None:
    refusal, _ = _refusal(_rezip(export(sample_rows(1)), add={name: b"x"}))
    assert refusal.code == "zip_slip"
    assert "路径" in refusal.message


def test_html_renamed_to_xlsx_is_refused() -> None:
    page = (
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>序号</td></tr></table></body></html>"
    )
    refusal, _ = _refusal(page.encode())
    assert refusal.code == "html_not_xlsx"
    assert "网页" in refusal.message


def test_macro_workbook_is_refused() -> None:
    refusal, _ = _refusal(_rezip(export(sample_rows(1)), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}))
    assert refusal.code == "macro"
    assert "宏" in refusal.message


def test_macro_enabled_content_type_is_refused() -> None:
    data = export(sample_rows(1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    xlsm = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    refusal, _ = _refusal(_rezip(data, replace={"[Content_Types].xml": xlsm}))
    assert refusal.code == "macro"


def test_external_links_and_embedded_objects_are_refused() -> None:
    data = export(sample_rows(1))
    link, _ = _refusal(_rezip(data, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}))
    assert link.code == "external_link"
    embedded, _ = _refusal(_rezip(data, add={"xl/embeddings/oleObject1.bin": b"x"}))
    assert embedded.code == "embedded_object"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: os.urandom(4096), "not_zip"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "legacy_or_encrypted"),
        (lambda: b"", "not_zip"),
        (lambda: export(sample_rows(3))[:2000], "corrupt_zip"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(make: Callable[[], bytes], code: str) -> None:
    refusal, _ = _refusal(make())
    assert refusal.code == code
    assert refusal.message


def test_zip_without_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", b"<document/>")
        archive.writestr("[Content_Types].xml", b"<Types/>")
    refusal, _ = _refusal(out.getvalue())
    assert refusal.code == "not_xlsx"


def test_too_many_entries_are_refused() -> None:
    refusal, peak = _refusal(_with_entries(1_100))
    assert refusal.code == "too_many_entries"
    assert peak < PEAK_LIMIT


def test_duplicate_entries_are_refused() -> None:
    data = export(sample_rows(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        duplicated = _rezip(data, add={"xl/worksheets/sheet1.xml": b"<worksheet/>"})
    refusal, _ = _refusal(duplicated)
    assert refusal.code == "duplicate_entry"


def test_upload_size_is_capped() -> None:
    refusal, _ = _refusal(export(sample_rows(5)), XlsxLimits(max_file_bytes=1024))
    assert refusal.code == "file_too_large"


def test_check_reads_paths_and_open_files(tmp_path: Path) -> None:
    path = tmp_path / "台帐.xlsx"
    with open(path, "wb") as handle:
        handle.write(export(sample_rows(2)))
    assert check_xlsx(path).entries > 0
    with open(path, "rb") as handle:
        assert check_xlsx(handle).entries > 0


def test_import_reports_a_refusal_as_a_file_level_error() -> None:
    data = _rezip(_workbook_with_shared_strings(), replace={"xl/sharedStrings.xml": BILLION_LAUGHS})
    result = read_ledger_workbook(data)
    assert not result.ok
    assert result.rows == ()
    assert result.refusal is not None
    assert result.refusal.code == "xml_dtd"
    assert result.errors[0].row is None
    assert "DTD" in result.errors[0].message


def test_deflate_bomb_helper_really_is_a_bomb() -> None:
    """Guard the test itself: the generated bomb is small on disk and huge when inflated."""
    data = _zip_bomb(64 * MiB)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == 64 * MiB
    assert info.file_size / info.compress_size > 100
    assert len(data) < MiB
