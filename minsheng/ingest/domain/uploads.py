"""What the upload screen accepts: the extension allowlist AND content that matches it — pure, no Django.

``.txt`` must decode as text (UTF-8, UTF-16 with BOM, GB18030) and not be a disguised zip/PDF/OLE file;
``.docx`` must be a zip holding ``word/document.xml``; ``.pdf`` must start with ``%PDF-`` and have a text
layer. At most 20 MB. Every refusal is an :class:`IngestError` with a Chinese message.
"""

from __future__ import annotations

from .cli import MAX_BYTES, read_bytes
from .types import IngestError

ALLOWED_SUFFIXES = (".txt", ".docx", ".pdf")
_ZIP = b"PK\x03\x04"
_PDF = b"%PDF-"
_OLE = b"\xd0\xcf\x11\xe0"


def suffix_of(name: str) -> str:
    """``".docx"`` for ``"a.DOCX"``; ``""`` when there is no extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_size(size: int) -> None:
    """Refuse an empty or over-20-MB upload from its declared size alone (before reading it)."""
    if size > MAX_BYTES:
        raise IngestError("文件过大（超过20MB），请拆分后再导入", f"file too large: {size} bytes > 20 MB")
    if size <= 0:
        raise IngestError("文件为空", "the file is empty")


def read_upload(name: str, data: bytes) -> str:
    """The text of an uploaded file, or :class:`IngestError` saying in Chinese why it is refused."""
    suffix = suffix_of(name)
    if suffix == ".doc":
        raise IngestError("不支持旧版Word（.doc）格式，请另存为 .docx", "legacy .doc is not supported")
    if suffix not in ALLOWED_SUFFIXES:
        raise IngestError(
            "只能上传 .txt、.docx 或 .pdf 文件", f"extension {suffix or '(none)'} is not allowed"
        )
    check_size(len(data))
    if suffix == ".pdf" and not data.startswith(_PDF):
        raise IngestError("文件内容不是PDF（扩展名与内容不符）", "a .pdf that does not start with %PDF-")
    if suffix == ".docx" and not data.startswith(_ZIP):
        raise IngestError("Word文件（.docx）已损坏或格式不正确", "a .docx that is not a zip archive")
    if suffix == ".txt" and data.startswith((_ZIP, _PDF, _OLE)):
        raise IngestError("文件是二进制格式，不是文本，无法读取", "a .txt holding a zip, PDF or OLE file")
    return read_bytes(data, suffix)
