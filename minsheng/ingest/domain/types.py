"""Value types of the ingestion engine: enums, frozen dataclasses and the one error it raises.

Pure: no Django. Offsets are Python string indices (code points), half-open ``[start, end)``.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from enum import StrEnum


class Comparator(StrEnum):
    """How a target value is to be compared with the measured value (same spelling as the catalog)."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="
    APPROX = "approx"
    RANGE = "range"


class Kind(StrEnum):
    """What sort of quantity a target is (same spelling as the catalog's ``TargetKind``)."""

    LEVEL = "level"
    CUMULATIVE = "cumulative"
    ANNUAL = "annual"
    ANNUAL_CHANGE = "annual_change"
    PER_UNIT = "per_unit"
    CIRCLE = "circle"


class Firmness(StrEnum):
    """How firmly the text commits: 确保 (ensure), 力争/争取 (strive) or neither."""

    ENSURE = "ensure"
    STRIVE = "strive"
    NONE = "none"


class IngestError(Exception):
    """A document that cannot be read: empty, binary, malformed or too large.

    ``message_zh`` is shown to officials; ``message_en`` to developers. ``str(err)`` holds both.
    """

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh}（{message_en}）")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class ReviewFlag:
    """A span a person should look at (so far only ``kind == "mojibake"``).

    ``start``/``end`` index the normalised text, ``orig_start``/``orig_end`` the original.
    ``suggestion`` is a repair candidate, ``complete`` says whether it covers the whole span
    (``False``: only a prefix such as a heading marker could be recovered).
    """

    kind: str
    start: int
    end: int
    orig_start: int
    orig_end: int
    text: str
    suggestion: str | None
    complete: bool
    note: str


@dataclass(frozen=True, slots=True, eq=False)
class Normalised:
    """Normalised text plus the map back to the original.

    ``offsets[i]`` is the original index of normalised character ``i``; it is non-decreasing and
    has one extra entry, ``len(original)``, so ``offsets[len(text)]`` is defined.
    """

    text: str
    original: str
    offsets: array[int]
    flags: tuple[ReviewFlag, ...] = ()

    def to_original(self, index: int) -> int:
        """Original index of normalised index ``index`` (``len(text)`` maps to ``len(original)``)."""
        return int(self.offsets[index])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span to the smallest original span that produced it."""
        if end <= start:
            pos = int(self.offsets[start])
            return pos, pos
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    def span_from_original(self, start: int, end: int) -> tuple[int, int]:
        """Map an original span to the normalised span of the characters it produced."""
        n = len(self.text)
        lo = bisect_left(self.offsets, start, 0, n)
        hi = bisect_right(self.offsets, end - 1, 0, n) if end > start else lo
        return lo, max(lo, hi)


class Level(StrEnum):
    """Outline levels: 一、 section, （一） system, 1. task, （1） item."""

    SECTION = "section"
    SYSTEM = "system"
    TASK = "task"
    ITEM = "item"


@dataclass(frozen=True, slots=True)
class OutlineNode:
    """One heading of the outline and the normalised span it governs (heading line to next peer)."""

    level: Level
    number: int
    label: str
    title: str
    start: int
    end: int
    path: tuple[str, ...]
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the document says about itself, when it says it."""

    title: str | None = None
    issuer: str | None = None
    document_number: str | None = None
    issued_on: dt.date | None = None
    plan_end_year: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A proposed quantitative target.

    ``value``/``value_max`` are in ``unit`` (110 with unit 万人 means 1.1 million people).
    ``deadline`` is an ISO date, ``"annual"`` or ``None``; ``deadline_on`` is the date by which to
    judge it (the stated date, else the plan end). Spans: ``sentence_*`` and ``value_*`` in
    normalised offsets, ``*_orig`` in original offsets.
    """

    indicator: str
    comparator: Comparator
    value: float
    value_max: float | None
    unit: str
    unit_original: str
    kind: Kind
    firmness: Firmness
    deadline: str | None
    deadline_on: dt.date | None
    sentence: str
    sentence_span: tuple[int, int]
    sentence_span_orig: tuple[int, int]
    value_text: str
    value_span: tuple[int, int]
    value_span_orig: tuple[int, int]
    task: str | None
    outline: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready dict (the CLI's output row)."""
        return {
            "indicator": self.indicator,
            "comparator": str(self.comparator),
            "value": _num(self.value),
            "value_max": None if self.value_max is None else _num(self.value_max),
            "unit": self.unit,
            "unit_original": self.unit_original,
            "deadline": self.deadline,
            "deadline_on": None if self.deadline_on is None else self.deadline_on.isoformat(),
            "kind": str(self.kind),
            "firmness": str(self.firmness),
            "sentence": self.sentence,
            "value_text": self.value_text,
            "span": {
                "start": self.sentence_span[0],
                "end": self.sentence_span[1],
                "orig_start": self.sentence_span_orig[0],
                "orig_end": self.sentence_span_orig[1],
            },
            "value_span": {
                "start": self.value_span[0],
                "end": self.value_span[1],
                "orig_start": self.value_span_orig[0],
                "orig_end": self.value_span_orig[1],
            },
            "task": self.task,
            "outline": list(self.outline),
        }


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, slots=True)
class Commitment:
    """A qualitative commitment (建设…平台, 健全…机制, 建立…体系) with its clause."""

    verb: str
    text: str
    span: tuple[int, int]
    span_orig: tuple[int, int]
    task: str | None
    outline: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Extraction:
    """Everything the engine proposes for one document."""

    normalised: Normalised
    meta: DocumentMeta
    outline: tuple[OutlineNode, ...]
    targets: tuple[Target, ...]
    commitments: tuple[Commitment, ...] = ()
    duplicates: tuple[Target, ...] = field(default=())

    @property
    def flags(self) -> tuple[ReviewFlag, ...]:
        """Spans flagged for review during normalisation."""
        return self.normalised.flags
