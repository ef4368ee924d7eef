"""Test files built on the fly: a .docx (python-docx) and a PDF with a real Chinese text layer, by hand.

The PDF uses a Type0 font with Identity-H encoding and a ToUnicode CMap, so a text extractor (pypdf) reads
the characters back without any embedded font program: each distinct character gets its own glyph id, and
the CMap maps the id to the character. No LibreOffice needed.
"""

from __future__ import annotations

import io

import docx


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def make_text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (any Unicode in the BMP)."""
    chars = sorted({ch for line in lines for ch in line})
    gid = {ch: i + 1 for i, ch in enumerate(chars)}
    content = bytearray(b"BT /F1 10 Tf 12 TL 40 800 Td\n")
    for line in lines:
        content += b"<" + "".join(f"{gid[ch]:04X}" for ch in line).encode() + b"> Tj T*\n"
    content += b"ET"
    cmap_lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    pairs = [(gid[ch], ch) for ch in chars]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        cmap_lines.append(f"{len(chunk)} beginbfchar")
        cmap_lines += [f"<{g:04X}> <{ord(ch):04X}>" for g, ch in chunk]
        cmap_lines.append("endbfchar")
    cmap_lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    cmap = "\n".join(cmap_lines).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(bytes(content)),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJK /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJK"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        _stream(cmap),
    ]
    return _pdf(objects)


def make_image_only_pdf() -> bytes:
    """A valid one-page PDF with no text at all (as a scan without OCR would be, minus the image)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        _stream(b"0.5 g 40 40 500 700 re f"),
    ]
    return _pdf(objects)
