"""Reading files and the extract command's helper: good files, bad files, progress."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import zipfile
from pathlib import Path

import pytest

from minsheng.ingest.domain import (
    IngestError,
    build_extract_parser,
    extract,
    read_bytes,
    read_document,
    render,
    run_extract,
)
from minsheng.ingest.domain.cli import main, stderr_progress

DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "wuhan_2022_seed.txt"
REQUIRED = {
    "indicator",
    "comparator",
    "value",
    "value_max",
    "unit",
    "deadline",
    "kind",
    "firmness",
    "sentence",
}


def _ns(*argv: str) -> argparse.Namespace:
    return build_extract_parser(argparse.ArgumentParser()).parse_args(list(argv))


def test_run_extract_returns_json_ready_rows(tmp_path: Path) -> None:
    rows = run_extract(_ns(str(SEED)))
    assert len(rows) == 66
    for row in rows:
        assert set(row) >= REQUIRED
        assert {"span", "task", "unit_original"} <= set(row)
    again = json.loads(render(rows, "json"))
    assert again == rows
    first = rows[0]
    assert (first["comparator"], first["kind"], first["value"]) == ("<=", "circle", 15)


def test_table_format_has_a_header_and_one_line_per_target() -> None:
    ns = _ns(str(SEED), "--format", "table")
    assert ns.format == "table"
    table = render(run_extract(ns), ns.format).splitlines()
    assert table[0].split()[:4] == ["indicator", "comparator", "value", "value_max"]
    assert len(table) == 67
    assert "城镇新增就业" in "\n".join(table)


def test_main_prints_json_and_reports_errors_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(DATA / "news_rewording.txt")]) == 0
    assert json.loads(capsys.readouterr().out)[0]["unit"] == "万个"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main([str(empty)]) == 2
    assert "文件为空" in capsys.readouterr().err


def test_text_files_in_gb18030_and_with_bom_are_read(tmp_path: Path) -> None:
    text = "到2025年,城镇新增就业110万人以上。"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(text.encode("utf-8-sig"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(text.encode("utf-16"))
    for path in (gbk, bom, utf16):
        assert read_document(path) == text


def test_docx_paragraphs_and_tables_are_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、工作目标")
    document.add_paragraph("到2025年，城镇新增就业110万人以上，城镇登记失业率控制在5%以内。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "新建养老床位3000张"
    path = tmp_path / "policy.docx"
    document.save(str(path))
    text = read_document(path)
    assert "城镇新增就业110万人以上" in text
    units = sorted(t.unit for t in extract(text).targets)
    assert units == ["%", "万人", "张"]


def _raises(path_or_bytes: Path | bytes, suffix: str = "") -> IngestError:
    def read() -> str:
        if isinstance(path_or_bytes, Path):
            return read_document(path_or_bytes)
        return read_bytes(path_or_bytes, suffix)

    with pytest.raises(IngestError) as info:
        read()
    err = info.value
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message_zh)
    assert err.message_en
    assert err.message_zh in str(err)
    return err


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "文件为空" in _raises(empty).message_zh
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\n", encoding="utf-8")
    assert "没有可读的文字" in _raises(blank).message_zh


def test_binary_and_undecodable_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "二进制" in _raises(binary).message_zh
    assert _raises(b"\xff\xff\xff\xff").message_zh.startswith("文件编码无法识别")
    assert "二进制" in _raises(bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15] * 10)).message_zh
    assert "旧版Word" in _raises(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100).message_zh


def test_huge_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)
    assert "超过20MB" in _raises(huge).message_zh
    assert "超过20MB" in _raises(b"a" * (20 * 1024 * 1024 + 1)).message_zh


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert "无法打开文件" in _raises(tmp_path / "nope.txt").message_zh


def test_malformed_docx_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert "Word文件" in _raises(broken).message_zh
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    assert "已损坏" in _raises(not_word.getvalue(), ".docx").message_zh
    bad_xml = io.BytesIO()
    with zipfile.ZipFile(bad_xml, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("word/document.xml", "<w:document")
    assert "已损坏" in _raises(bad_xml.getvalue(), ".docx").message_zh


def test_docx_zip_bomb_is_refused() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\x00" * (8 * 1024 * 1024))
    assert "压缩炸弹" in _raises(bomb.getvalue(), ".docx").message_zh


def _minimal_pdf(line: str) -> bytes:
    """A one-page PDF whose text layer is ``line`` (ASCII, Helvetica), with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_needs_pypdf_or_reads_its_text_layer() -> None:
    pdf = _minimal_pdf("Target 2025: 110")
    if importlib.util.find_spec("pypdf") is None:
        assert "pypdf" in _raises(pdf).message_zh
        return
    assert "Target 2025: 110" in read_bytes(pdf, ".pdf")
    assert "PDF" in _raises(b"%PDF-1.4\nthis is not a pdf\n%%EOF\n").message_zh
    assert "文字层" in _raises(_minimal_pdf(" ")).message_zh


def test_progress_is_reported_for_a_five_megabyte_document() -> None:
    seed = SEED.read_text(encoding="utf-8")
    big = seed
    while len(big.encode("utf-8")) < 5 * 1024 * 1024:
        big += "\n" + seed
    calls: list[tuple[int, int]] = []
    result = extract(big, progress=lambda done, total: calls.append((done, total)))
    total = len(result.normalised.text)
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert len(calls) >= 10
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_stderr_progress_draws_a_bar() -> None:
    out = io.StringIO()
    report = stderr_progress(out, width=10)
    report(0, 100)
    report(50, 100)
    report(100, 100)
    assert out.getvalue().endswith("[##########] 100%\n")
    assert "[#####.....]  50%" in out.getvalue()
