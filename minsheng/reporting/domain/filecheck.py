"""Evidence file checks: the extension is on the allowlist AND the content is what the extension says.

Pure: takes a name, a size and a binary file object. docx, xlsx and ofd are zip archives, recognised by
their member names; pdf, jpg and png by their magic bytes (`filetype`). HTML and SVG are refused whatever
they are called, since a browser would run them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

MAX_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "docx", "xlsx", "ofd"})
_MAGIC_KINDS = {"pdf": {"pdf"}, "jpg": {"jpg"}, "jpeg": {"jpg"}, "png": {"png"}}
_ZIP_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
_MARKUP = (b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")
_MAX_ZIP_MEMBERS = 5000


class FileRejected(ValueError):
    """The file may not be stored; the message is for people (Chinese)."""


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_evidence(name: str, size: int, stream: IO[bytes]) -> CheckedFile:
    """Accept or raise FileRejected. Leaves `stream` positioned at 0."""
    ext = extension_of(name)
    if ext not in ALLOWED_EXTENSIONS:
        raise FileRejected("只能上传 pdf、jpg、png、docx、xlsx、ofd 格式的文件")
    if size > MAX_BYTES:
        raise FileRejected("单个文件不能超过 20 MB")
    if size == 0:
        raise FileRejected("文件为空")
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.lstrip().lower().startswith(_MARKUP) or b"<svg" in head.lower():
        raise FileRejected("不接受网页或 SVG 文件（即使改了扩展名）")
    if ext in _MAGIC_KINDS:
        kind = filetype.guess(head)
        if kind is None or kind.extension not in _MAGIC_KINDS[ext]:
            raise FileRejected(f"文件内容与扩展名 .{ext} 不符")
    else:
        _check_zip_member(stream, ext)
    return CheckedFile(extension="jpg" if ext == "jpeg" else ext, content_type=_CONTENT_TYPES[ext])


def _check_zip_member(stream: IO[bytes], ext: str) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                raise FileRejected("文件结构异常（压缩包条目过多）")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"文件内容与扩展名 .{ext} 不符") from exc
    finally:
        stream.seek(0)
    if _ZIP_MEMBERS[ext] not in names:
        raise FileRejected(f"文件内容与扩展名 .{ext} 不符")
