"""Reading documents and the ``extract`` command's arguments and rows — pure, no Django.

The lead's management command (or ``python -m minsheng.ingest.domain.cli FILE``) does::

    parser = build_extract_parser(argparse.ArgumentParser())
    ns = parser.parse_args(argv)
    rows = run_extract(ns)
    print(render(rows, ns.format))

Reading never writes anything; every failure is an :class:`IngestError` with a Chinese message.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .extract import Progress, extract
from .types import IngestError

MAX_BYTES = 20 * 1024 * 1024
_ZIP_MAX_ENTRIES = 1000
_ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
_ZIP_MAX_RATIO = 100
_TABLE_COLUMNS = ("indicator", "comparator", "value", "value_max", "unit", "deadline", "kind", "firmness")


def read_document(path: str | Path) -> str:
    """Text of a .txt (UTF-8, BOM, GB18030), .docx or .pdf (text layer) file, at most 20 MB.

    Raises :class:`IngestError` for a missing, empty, binary, undecodable, malformed or huge file.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise IngestError(f"无法打开文件：{p.name}", f"cannot open file: {p.name} ({exc.strerror})") from exc
    if size > MAX_BYTES:
        raise IngestError("文件过大（超过20MB），请拆分后再导入", f"file too large: {size} bytes > 20 MB")
    if size == 0:
        raise IngestError("文件为空", "the file is empty")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(f"无法读取文件：{p.name}", f"cannot read file: {p.name} ({exc.strerror})") from exc
    return read_bytes(data, p.suffix.lower())


def read_bytes(data: bytes, suffix: str = "") -> str:
    """As :func:`read_document`, for bytes already in memory (``suffix`` like ``".docx"``)."""
    if len(data) > MAX_BYTES:
        raise IngestError(
            "文件过大（超过20MB），请拆分后再导入", f"file too large: {len(data)} bytes > 20 MB"
        )
    if not data:
        raise IngestError("文件为空", "the file is empty")
    if data.startswith(b"%PDF-") or suffix == ".pdf":
        text = _read_pdf(data)
    elif data.startswith(b"PK\x03\x04") or suffix == ".docx":
        text = _read_docx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            "不支持旧版Word（.doc）格式，请另存为 .docx", "legacy .doc (OLE) files are not supported"
        )
    else:
        text = _decode_text(data)
    if not text.strip():
        raise IngestError("文件中没有可读的文字", "the document contains no text")
    return text


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError("文件编码无法识别", "invalid UTF-16 text") from exc
    if b"\x00" in data[:65536]:
        raise IngestError("文件是二进制格式，不是文本，无法读取", "binary file (NUL bytes), not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls > max(8, len(text[:65536]) // 100):
            raise IngestError(
                "文件是二进制格式，不是文本，无法读取", "binary file (control characters), not text"
            )
        return text
    raise IngestError("文件编码无法识别（既不是UTF-8也不是GB18030）", "cannot decode as UTF-8 or GB18030")


def _read_docx(data: bytes) -> str:
    malformed = IngestError("Word文件（.docx）已损坏或格式不正确", "malformed .docx file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES:
                raise IngestError("Word文件内部条目过多，疑似异常文件", "too many entries in .docx zip")
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > _ZIP_MAX_UNCOMPRESSED or total / packed > _ZIP_MAX_RATIO:
                raise IngestError(
                    "Word文件解压后过大，疑似压缩炸弹", "the .docx expands too much (zip bomb?)"
                )
            if "word/document.xml" not in zf.namelist():
                raise malformed
    except zipfile.BadZipFile as exc:
        raise malformed from exc
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise malformed from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_pdf(data: bytes) -> str:
    try:
        # Imported by name: pypdf is optional, and the type checker must pass with or without it.
        pypdf = importlib.import_module("pypdf")
    except ImportError as exc:
        raise IngestError("未安装PDF解析组件（pypdf），请联系管理员", "pypdf is not installed") from exc
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for broken files
        raise IngestError("PDF文件已损坏或格式不正确", "malformed PDF file") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(
            "PDF没有文字层（可能是扫描件），请先进行文字识别", "the PDF has no text layer (scanned?)"
        )
    return text


# --- the command ---------------------------------------------------------------------------------


def build_extract_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``FILE`` and ``--format json|table`` (and ``--progress``) to ``parser``; return it."""
    parser.add_argument("file", metavar="FILE", help="政策文件 .txt/.docx/.pdf (policy document)")
    parser.add_argument(
        "--format", choices=("json", "table"), default="json", help="输出格式 (output format)"
    )
    parser.add_argument(
        "--progress", action="store_true", help="在标准错误输出显示进度 (show progress on stderr)"
    )
    return parser


def run_extract(ns: argparse.Namespace, progress: Progress | None = None) -> list[dict[str, object]]:
    """Read ``ns.file`` and return its proposed targets as JSON-ready dicts.

    Each dict has ``indicator, comparator, value, value_max, unit, unit_original, deadline,
    deadline_on, kind, firmness, sentence, value_text, span, value_span, task, outline``.
    With ``ns.progress`` and no ``progress`` callback, a bar is drawn on stderr.
    """
    text = read_document(ns.file)
    if progress is None and getattr(ns, "progress", False):
        progress = stderr_progress()
    return [t.as_dict() for t in extract(text, progress).targets]


def stderr_progress(stream: TextIO | None = None, width: int = 30) -> Progress:
    """A progress callback drawing ``[#####.....]  42%`` on ``stream`` (stderr by default)."""
    out = stream if stream is not None else sys.stderr

    def report(done: int, total: int) -> None:
        share = 1.0 if total <= 0 else min(1.0, done / total)
        filled = int(share * width)
        out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {share:4.0%}")
        if done >= total:
            out.write("\n")
        out.flush()

    return report


def render(rows: Sequence[dict[str, object]], fmt: str = "json") -> str:
    """``json``: a JSON array (UTF-8, not escaped); ``table``: aligned columns for a terminal."""
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    header = list(_TABLE_COLUMNS)
    body = [["" if row.get(c) is None else str(row.get(c)) for c in header] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(line.rstrip() for line in lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m minsheng.ingest.domain.cli FILE [--format table]``; exit 2 on IngestError."""
    parser = build_extract_parser(
        argparse.ArgumentParser(prog="minsheng-extract", description="抽取政策文件中的量化目标")
    )
    ns = parser.parse_args(argv)
    try:
        rows = run_extract(ns)
    except IngestError as err:
        sys.stderr.write(f"错误：{err.message_zh}\nerror: {err.message_en}\n")
        return 2
    sys.stdout.write(render(rows, ns.format) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
