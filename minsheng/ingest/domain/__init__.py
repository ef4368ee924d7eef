"""The text-ingestion engine: normalise a Chinese policy text, find its outline and propose targets.

Pure Python (OpenCC for t2s, python-docx/pypdf only when reading files); no Django. Typical use::

    from minsheng.ingest.domain import extract, read_document

    result = extract(read_document("policy.docx"))
    for target in result.targets:
        print(target.indicator, target.comparator, target.value, target.unit)
"""

from __future__ import annotations

from .cli import build_extract_parser, read_bytes, read_document, render, run_extract, stderr_progress
from .extract import Progress, canonical_unit, extract, extract_normalised, proposals_as_dicts
from .normalise import detect_mojibake, normalise, repair_heading_marker, repair_mojibake
from .numbers import numeral_edits, parse_chinese_number
from .outline import document_meta, parse_outline
from .types import (
    Commitment,
    Comparator,
    DocumentMeta,
    Extraction,
    Firmness,
    IngestError,
    Kind,
    Level,
    Normalised,
    OutlineNode,
    ReviewFlag,
    Target,
)

__all__ = [
    "Commitment",
    "Comparator",
    "DocumentMeta",
    "Extraction",
    "Firmness",
    "IngestError",
    "Kind",
    "Level",
    "Normalised",
    "OutlineNode",
    "Progress",
    "ReviewFlag",
    "Target",
    "build_extract_parser",
    "canonical_unit",
    "detect_mojibake",
    "document_meta",
    "extract",
    "extract_normalised",
    "normalise",
    "numeral_edits",
    "parse_chinese_number",
    "parse_outline",
    "proposals_as_dicts",
    "read_bytes",
    "read_document",
    "render",
    "repair_heading_marker",
    "repair_mojibake",
    "run_extract",
    "stderr_progress",
]
