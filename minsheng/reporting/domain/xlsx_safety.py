"""Refuse hostile .xlsx files before any parser sees them, and keep exported text from becoming a formula.

Pure code (stdlib only). `check_xlsx` looks at the zip container and the XML prologues:
entry count, declared and actual sizes, compression ratio, entry names, macros, external links,
embedded objects, DTDs and entity declarations. Every refusal carries a Chinese message an official
can act on and a stable `code` for logs and the audit trail.

`neutralise_text` / `restore_text` are the export-side rule: a text that a spreadsheet could read as a
formula (leading `= + - @`, tab, CR, LF, or the full-width ＝ ＋ － ＠) gets an invisible zero-width
space in front; the import removes exactly that one guard again, so the round trip is exact.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

MiB = 1024 * 1024

# The zero-width space: invisible in Excel/WPS, not whitespace to Python's str.strip(), and not a
# character any spreadsheet reads as the start of a formula.
FORMULA_GUARD = "\u200b"
# First characters that make Excel, LibreOffice or WPS evaluate a typed cell (or a CSV field) as a formula
# or a DDE command. The full-width forms are included because Chinese and Japanese input methods produce them.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
_GUARDED_FIRST = FORMULA_TRIGGERS | {FORMULA_GUARD}

type XlsxSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def neutralise_text(text: str) -> str:
    """The text as it is written into a cell: a guard in front when it starts like a formula.

    A text that already starts with the guard gets one more, so `restore_text` is its exact inverse.
    """
    if text and text[0] in _GUARDED_FIRST:
        return FORMULA_GUARD + text
    return text


def restore_text(cell_text: str) -> tuple[str, bool]:
    """Undo `neutralise_text`: (original text, whether a guard was removed)."""
    if len(cell_text) > 1 and cell_text[0] == FORMULA_GUARD and cell_text[1] in _GUARDED_FIRST:
        return cell_text[1:], True
    return cell_text, False


def needs_guard(text: str) -> bool:
    """Whether `neutralise_text` would change the text."""
    return bool(text) and text[0] in _GUARDED_FIRST


@dataclass(frozen=True, slots=True)
class XlsxLimits:
    """What an uploaded workbook may be. The defaults fit a city ledger of 50,000 rows with long narratives."""

    max_file_bytes: int = 50 * MiB  # the upload itself
    max_entries: int = 1_000  # a ledger workbook has about 10-20 parts
    max_total_uncompressed: int = 200 * MiB  # all parts, as declared and as actually inflated
    max_ratio: int = 100  # uncompressed : compressed, per part
    ratio_floor_bytes: int = 64 * 1024  # smaller parts are harmless whatever their ratio
    max_prolog_bytes: int = 64 * 1024  # XML declaration + comments before the root element


class UnsafeWorkbookError(ValueError):
    """A workbook refused before parsing. `message` is Chinese, for the person who uploaded it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class XlsxSummary:
    """What `check_xlsx` saw in a workbook it accepted."""

    entries: int
    compressed_bytes: int
    uncompressed_bytes: int


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HTML_SNIFF = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<table|<head|<body)", re.IGNORECASE
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_MACRO_CONTENT_TYPE = b"macroEnabled"
_CHUNK = 64 * 1024
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _refuse(code: str, message: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(code, message)


@contextmanager
def open_source(source: XlsxSource) -> Iterator[BinaryIO]:
    """A seekable binary stream over a path, bytes or an already open binary file (left open)."""
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(bytes(source))
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield handle
    else:
        source.seek(0)
        yield source


def _stream_size(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _sniff(head: bytes) -> None:
    """Refuse what is visibly not an xlsx, naming what it looks like."""
    if head.startswith(_ZIP_MAGIC):
        return
    if head.startswith(_OLE2_MAGIC):
        raise _refuse(
            "legacy_or_encrypted",
            "这是旧版 .xls 文件或设置了打开密码的工作簿，系统无法安全读取。请在 Excel 中取消密码并“另存为”.xlsx 后再上传。",
        )
    if _HTML_SNIFF.match(head):
        raise _refuse(
            "html_not_xlsx",
            "该文件实际上是网页（HTML）文件，只是扩展名为 .xlsx。请在 Excel 中打开后“另存为”Excel 工作簿（.xlsx）再上传。",
        )
    raise _refuse(
        "not_zip",
        "该文件不是有效的 Excel 工作簿（.xlsx）。请确认文件未损坏，并使用 Excel 或 WPS 保存为 .xlsx 格式。",
    )


def _check_name(name: str) -> None:
    """Zip slip and name tricks: relative escapes, absolute paths, drive letters, backslashes, NULs."""
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name)
        or any(part == ".." for part in parts)
    ):
        raise _refuse(
            "zip_slip",
            f"工作簿内含有非法的路径“{name[:80]}”（可能是路径穿越攻击），系统拒绝处理。请用 Excel 重新保存后再上传。",
        )


def _check_entries(infos: list[zipfile.ZipInfo], limits: XlsxLimits) -> int:
    """Check names, kinds and declared sizes of every entry; the declared uncompressed total."""
    if len(infos) > limits.max_entries:
        raise _refuse(
            "too_many_entries",
            f"工作簿内部文件数量过多（{len(infos)} 个，上限 {limits.max_entries} 个），疑似恶意构造，系统拒绝处理。",
        )
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        _check_name(name)
        lowered = name.lower()
        if lowered in names:
            raise _refuse(
                "duplicate_entry", f"工作簿内有重复的部件“{name[:80]}”，疑似恶意构造，系统拒绝处理。"
            )
        names.add(lowered)
        if info.flag_bits & 0x1:
            raise _refuse(
                "encrypted_entry",
                "工作簿的部分内容经过加密，系统无法安全读取。请取消加密后另存为 .xlsx 再上传。",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(
                "compression", "工作簿使用了不受支持的压缩方式，请用 Excel 或 WPS 重新保存为 .xlsx 后再上传。"
            )
        if lowered.endswith("vbaproject.bin") or (lowered.endswith(".bin") and "vba" in lowered):
            raise _refuse(
                "macro",
                "工作簿中包含宏（VBA 代码），系统不接受带宏的文件。请另存为不含宏的“Excel 工作簿（.xlsx）”后再上传。",
            )
        if lowered.startswith("xl/externallinks/"):
            raise _refuse(
                "external_link",
                "工作簿中包含指向其他文件的外部链接，系统不接受。请在 Excel 中“数据 → 编辑链接 → 断开链接”后再上传。",
            )
        if lowered.startswith(("xl/activex/", "xl/embeddings/")):
            raise _refuse(
                "embedded_object",
                "工作簿中嵌入了控件或其他文件（OLE 对象），系统不接受。请删除嵌入对象后再上传。",
            )
        size = info.file_size
        total += size
        if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(info.compress_size, 1):
            raise _refuse(
                "zip_bomb_ratio",
                f"工作簿内部件“{name[:80]}”的压缩比异常（超过 {limits.max_ratio}:1），疑似“压缩炸弹”，系统拒绝处理。",
            )
        if total > limits.max_total_uncompressed:
            raise _refuse(
                "zip_bomb_size",
                f"工作簿解压后超过 {limits.max_total_uncompressed // MiB} MB，疑似“压缩炸弹”或数据量过大，系统拒绝处理。"
                "如确需导入大量数据，请分批上传。",
            )
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(
            "not_xlsx",
            "该压缩文件不是 Excel 工作簿（缺少工作簿结构）。请使用 Excel 或 WPS 保存为 .xlsx 格式后再上传。",
        )
    return total


def _check_prolog(name: str, head: bytes, limits: XlsxLimits) -> None:
    """Refuse UTF-16/32 parts (they would hide a DTD from a byte scan) and a DTD before the root element."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00", b"\x00\x00\xfe\xff")) or b"\x00" in head[:64]:
        raise _refuse(
            "xml_encoding",
            f"工作簿部件“{name[:80]}”使用了不受支持的字符编码，系统拒绝处理。请用 Excel 重新保存。",
        )
    declaration = re.match(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)[\"']", head)
    if declaration and declaration.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise _refuse(
            "xml_encoding",
            f"工作簿部件“{name[:80]}”使用了不受支持的字符编码，系统拒绝处理。请用 Excel 重新保存。",
        )
    if _ROOT_START.search(head) is None and len(head) >= limits.max_prolog_bytes:
        raise _refuse("xml_prolog", f"工作簿部件“{name[:80]}”的结构异常，系统拒绝处理。请用 Excel 重新保存。")


def _dtd_refusal(name: str) -> UnsafeWorkbookError:
    return _refuse(
        "xml_dtd",
        f"工作簿部件“{name[:80]}”包含 DTD 或实体声明（可用于“十亿笑声”等 XML 攻击），Excel 不会生成这种内容，系统拒绝处理。",
    )


def _scan_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: XlsxLimits) -> int:
    """Inflate one part in chunks, counting real bytes and looking for DTD markers; the bytes inflated."""
    is_xml = info.filename.lower().endswith(_XML_SUFFIXES)
    inflated = 0
    tail = b""
    with archive.open(info) as part:
        while True:
            chunk = part.read(_CHUNK)
            if not chunk:
                break
            if inflated == 0 and is_xml:
                _check_prolog(info.filename, chunk[: limits.max_prolog_bytes], limits)
            inflated += len(chunk)
            if inflated > budget:
                raise _refuse(
                    "zip_bomb_size",
                    f"工作簿解压后超过 {limits.max_total_uncompressed // MiB} MB，疑似“压缩炸弹”，系统拒绝处理。",
                )
            if is_xml:
                seam = tail + chunk[:16]  # a marker split across two chunks
                if any(marker in chunk or marker in seam for marker in _DTD_MARKERS):
                    raise _dtd_refusal(info.filename)
                tail = chunk[-16:]
    return inflated


def _check_content_types(archive: zipfile.ZipFile) -> None:
    with archive.open("[Content_Types].xml") as part:
        head = part.read(256 * 1024)
    if _MACRO_CONTENT_TYPE in head:
        raise _refuse(
            "macro",
            "该文件是启用宏的工作簿（.xlsm），系统不接受带宏的文件。请另存为“Excel 工作簿（.xlsx）”后再上传。",
        )


def check_xlsx(source: XlsxSource, *, limits: XlsxLimits | None = None) -> XlsxSummary:
    """Accept a workbook that is safe to hand to openpyxl, or raise `UnsafeWorkbookError` (Chinese message).

    Reads the zip directory, then inflates every part once in 64 KiB chunks (memory stays flat; time is
    linear in the real uncompressed size, which is capped). Never parses XML.
    """
    limits = limits or XlsxLimits()
    with open_source(source) as stream:
        size = _stream_size(stream)
        if size > limits.max_file_bytes:
            raise _refuse(
                "file_too_large",
                f"文件过大（{size / MiB:.1f} MB，上限 {limits.max_file_bytes // MiB} MB），请分批上传。",
            )
        head = stream.read(512)
        stream.seek(0)
        _sniff(head)
        try:
            with zipfile.ZipFile(stream) as archive:
                infos = archive.infolist()
                declared = _check_entries(infos, limits)
                _check_content_types(archive)
                budget = limits.max_total_uncompressed
                for info in infos:
                    budget -= _scan_entry(archive, info, budget, limits)
        except UnsafeWorkbookError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError) as exc:
            raise _refuse(
                "corrupt_zip",
                "工作簿文件已损坏或结构异常（压缩数据与目录不一致），系统无法读取。请用 Excel 或 WPS 重新保存后再上传。",
            ) from exc
        return XlsxSummary(entries=len(infos), compressed_bytes=size, uncompressed_bytes=declared)
