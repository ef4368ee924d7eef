"""What goes into a quarterly 通报: plain dataclasses the progress app fills from its models.

Numbers in `TargetRow` are strings, already formatted as the office wants them printed ("92.3万人"); the
document writes them exactly as given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from minsheng.progress.domain.types import Status

# The order statuses are reported in: best first, "cannot be assessed" last.
STATUS_ORDER: tuple[Status, ...] = (
    Status.ACHIEVED,
    Status.ON_TRACK,
    Status.NEEDS_ACCELERATION,
    Status.LIMITED,
    Status.DETERIORATION,
    Status.NOT_ASSESSABLE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetRow:
    """One line of a table of targets: code, indicator, the target and the latest value as printed."""

    code: str
    indicator: str
    target: str
    latest: str
    status: Status
    owner: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemHighlights:
    """A system's (领域) highlights for the quarter, one sentence each, in the order to print them."""

    system: str
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A chart to print: PNG bytes (see `charts.py`) and its caption ("图1 全市目标进展情况")."""

    caption: str
    png: bytes
    width_mm: float = 150.0

    def __post_init__(self) -> None:
        if not self.png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError(f"chart {self.caption!r} is not a PNG image")
        if not 20 <= self.width_mm <= 156:
            raise ValueError("a chart must be 20–156 mm wide (the text block is 156 mm)")


@dataclass(frozen=True, slots=True, kw_only=True)
class NamedUnit:
    """A unit named in the 通报 (praised or criticised) and why, e.g. ("江岸区", "2项目标进展有限，连续两个季度滞后")."""

    unit: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefingData:
    """Everything the quarterly 通报 prints.

    `issuer` is the issuing organ (发文机关, printed red at the top); `doc_number` the 发文字号
    ("武民生办〔2024〕3号"); `issued_on` the 成文日期; `period_label` the period ("2024年第三季度");
    `as_of` the date the statuses were judged at. `status_counts` counts targets by status (missing keys are 0).
    `title` defaults to "关于{period_label}全市保障和改善\n民生工作进展情况的通报"; a "\n" marks where the
    title breaks (GB/T 9704 asks for breaks that keep words whole). The 版记 prints `cc` (抄送,
    may be empty), `printed_by` (印发机关, default the issuer) and `printed_on` (印发日期, default issued_on).
    """

    issuer: str
    doc_number: str
    issued_on: date
    period_label: str
    as_of: date
    status_counts: Mapping[Status, int]
    title: str = ""
    addressees: str = "各区人民政府，市直各有关部门："
    opening: str = ""
    highlights: tuple[SystemHighlights, ...] = ()
    targets: tuple[TargetRow, ...] = ()
    charts: tuple[Chart, ...] = ()
    praised: tuple[NamedUnit, ...] = ()
    lagging: tuple[NamedUnit, ...] = ()
    requirements: tuple[str, ...] = ()
    signatory: str = ""
    note: str = "（此件主动公开）"
    cc: str = ""
    printed_by: str = ""
    printed_on: date | None = None

    def __post_init__(self) -> None:
        if any(n < 0 for n in self.status_counts.values()):
            raise ValueError("status counts must be ≥ 0")
        if not self.issuer.strip() or not self.doc_number.strip():
            raise ValueError("a 通报 needs an issuing organ and a document number")

    @property
    def resolved_title(self) -> str:
        """The title as printed."""
        return self.title or f"关于{self.period_label}全市保障和改善\n民生工作进展情况的通报"

    @property
    def total_targets(self) -> int:
        """All targets counted, including those that cannot be assessed."""
        return sum(self.status_counts.values())

    def count(self, status: Status) -> int:
        """The number of targets in `status` (0 when absent)."""
        return self.status_counts.get(status, 0)

    def rows(self, status: Status) -> tuple[TargetRow, ...]:
        """The targets in `status`, in the order given."""
        return tuple(r for r in self.targets if r.status == status)


__all__ = ["STATUS_ORDER", "BriefingData", "Chart", "NamedUnit", "SystemHighlights", "TargetRow"]
