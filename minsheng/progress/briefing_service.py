"""The quarterly 通报 from the database: the statuses of the city and districts (`statusstore`) → `BriefingData`.

The document itself is built by `briefing/` (no Django); this module only reads and phrases. Everything the
通报 says is generated from the cached statuses of one date, so the counts in it are exactly the counts on the
leadership view for that date. When any synthetic (模拟) observation underlies the figures, the table marks
those values "（模拟）" and the 附注 says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from minsheng.audit.services import audit_record
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Target
from minsheng.policy.selectors import default_policy

from . import statusstore
from .briefing import (
    STATUS_ORDER,
    BriefingData,
    Chart,
    NamedUnit,
    SystemHighlights,
    TargetRow,
    briefing_pdf,
    build_briefing_docx,
    status_bar_chart,
    system_status_chart,
)
from .domain import Status
from .models import Observation, SourceKind, TargetStatus
from .selectors import city_unit

ISSUER = "武汉市保障和改善民生工作领导小组办公室"
SYNTHETIC_NOTE = "本通报中标注“模拟”的数据为演示用模拟数据"
PUBLIC_NOTE = "（此件主动公开）"
BAD = (Status.NEEDS_ACCELERATION, Status.LIMITED, Status.DETERIORATION)
GOOD = (Status.ACHIEVED, Status.ON_TRACK)
QUARTERS = "一二三四"
NAMED_MAX = 3  # units named for praise or for lagging, at most
REQUIREMENTS = (
    "各牵头单位要对照年度目标逐项梳理，对需加快、进展有限和倒退的目标制定赶超措施，确保按期完成。",
    "各区、各部门要严格按照时限报送进展数据，确保数据真实、准确、完整。",
)


class BriefingUnavailableError(LookupError):
    """No catalog, no city unit or no statuses for the date: there is nothing to report."""


def period_label_for(as_of: date) -> str:
    """ "2025年第四季度" for a date in the fourth quarter."""
    return f"{as_of.year}年第{QUARTERS[(as_of.month - 1) // 3]}季度"


def doc_number_for(as_of: date) -> str:
    """A default 发文字号 the office edits before issuing: 武民生办〔2025〕4号 for the fourth quarter."""
    return f"武民生办〔{as_of.year}〕{(as_of.month - 1) // 3 + 1}号"


def _num(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def target_text(target: Target) -> str:
    """The target as printed: its stated wording when the catalog has one, else comparator, value, unit."""
    if target.value_text:
        return str(target.value_text)
    words = {">=": "不低于", "<=": "不高于", ">": "高于", "<": "低于", "=": "达到"}
    if target.comparator == "range" and target.value_max is not None:
        return f"{_num(float(target.value))}—{_num(float(target.value_max))}{target.unit}"
    return f"{words.get(target.comparator, target.comparator)}{_num(float(target.value))}{target.unit}"


def _latest_text(target: Target, status: TargetStatus | None) -> str:
    if status is None:
        return "暂无数据"
    value = status.running_total if status.running_total is not None else status.latest_value
    if value is None:
        return "暂无数据"
    text = f"{_num(value)}{target.unit}"
    if status.source_kind == SourceKind.SYNTHETIC:
        text += "（模拟）"
    return text


def _count_phrase(counts: dict[Status, int]) -> str:
    return "、".join(f"{s.label('zh')}{counts[s]}项" for s in STATUS_ORDER if counts.get(s))


@dataclass(frozen=True)
class _AreaRecord:
    unit: Unit
    counts: dict[Status, int]

    @property
    def assessable(self) -> int:
        return sum(n for s, n in self.counts.items() if s != Status.NOT_ASSESSABLE)

    @property
    def good(self) -> int:
        return sum(self.counts.get(s, 0) for s in GOOD)

    @property
    def bad(self) -> int:
        return sum(self.counts.get(s, 0) for s in BAD)

    @property
    def severe(self) -> int:
        return self.counts.get(Status.LIMITED, 0) + self.counts.get(Status.DETERIORATION, 0)

    @property
    def rate(self) -> float:
        return self.good / self.assessable if self.assessable else 0.0


def _named_units(records: list[_AreaRecord]) -> tuple[tuple[NamedUnit, ...], tuple[NamedUnit, ...]]:
    """Praise the best (every assessable target achieved or on track first), name the worst (most
    limited/deteriorating targets, then lowest rate); a unit is never both."""
    assessable = [r for r in records if r.assessable]
    worst = sorted(
        (r for r in assessable if r.severe),
        key=lambda r: (-r.severe, r.rate, r.unit.code),
    )[:NAMED_MAX]
    lagging = tuple(
        NamedUnit(
            unit=r.unit.name,
            reason=f"{r.assessable}项可评估目标中{_count_phrase({s: r.counts.get(s, 0) for s in BAD})}，"
            f"已达标和进展顺利的仅占{r.rate * 100:.1f}%",
        )
        for r in worst
    )
    named = {r.unit.id for r in worst}
    best = sorted(
        (r for r in assessable if r.unit.id not in named and r.severe == 0 and r.rate >= 0.5),
        key=lambda r: (-r.rate, -r.good, r.unit.code),
    )[:NAMED_MAX]
    praised = tuple(
        NamedUnit(
            unit=r.unit.name,
            reason=f"{r.assessable}项可评估目标中{r.good}项已达标或进展顺利（占{r.rate * 100:.1f}%），"
            "无进展有限或倒退的目标",
        )
        for r in best
    )
    return praised, lagging


def briefing_data_for(
    *, as_of: date, period_label: str = "", doc_number: str = "", issued_on: date | None = None
) -> BriefingData:
    """The 通报 as of `as_of` from the stored statuses (city level for the tables, districts for naming).

    Targets without a city status row count as 无法评估, as on the leadership view. Raises
    BriefingUnavailableError when there is no catalog, no city or no status row at all for the date.
    """
    policy = default_policy()
    city = city_unit()
    if policy is None or city is None:
        raise BriefingUnavailableError("没有政策目录或市级单位")
    targets = list(
        Target.objects.filter(task__policy=policy)
        .select_related("task__system", "task__lead_unit", "lead_unit")
        .order_by("task__system__code", "task__number", "code")
    )
    statuses = {
        s.target_id: s for s in statusstore.at(as_of, unit_ids=[city.id], target_ids=[t.id for t in targets])
    }
    if not statuses:
        raise BriefingUnavailableError(f"{as_of} 没有计算过的进展状态")

    counts: dict[Status, int] = defaultdict(int)
    by_system: dict[str, tuple[str, dict[Status, int], list[Target]]] = {}
    rows: list[TargetRow] = []
    for t in targets:
        st = statuses.get(t.id)
        status = st.status_enum if st else Status.NOT_ASSESSABLE
        counts[status] += 1
        system = t.task.system
        _, sys_counts, sys_targets = by_system.setdefault(system.code, (system.name, defaultdict(int), []))
        sys_counts[status] += 1
        sys_targets.append(t)
        owner = t.lead_unit or t.task.lead_unit
        rows.append(
            TargetRow(
                code=t.code,
                indicator=t.indicator,
                target=target_text(t),
                latest=_latest_text(t, st),
                status=status,
                owner=owner.name if owner else "",
            )
        )

    highlights = []
    for name, sys_counts, sys_targets in by_system.values():
        total = sum(sys_counts.values())
        sentences = [f"{name}{total}项指标中，{_count_phrase(sys_counts)}。"]
        achieved = [t for t in sys_targets if (s := statuses.get(t.id)) and s.status_enum == Status.ACHIEVED]
        if achieved:
            names = "、".join(t.indicator for t in achieved[:3])
            more = f"等{len(achieved)}项" if len(achieved) > 3 else ""
            sentences.append(f"{names}{more}已达到目标要求。")
        lagging_here = [t for t in sys_targets if (s := statuses.get(t.id)) and s.status_enum in BAD[1:]]
        if lagging_here:
            names = "、".join(t.indicator for t in lagging_here[:3])
            more = f"等{len(lagging_here)}项" if len(lagging_here) > 3 else ""
            sentences.append(f"{names}{more}进展有限或倒退，需重点推进。")
        highlights.append(SystemHighlights(system=name, sentences=tuple(sentences)))

    system_rows = [(name, dict(c)) for name, c, _ in by_system.values()]
    charts = (
        Chart(caption="全市目标进展情况（按状态）", png=status_bar_chart(dict(counts))),
        Chart(caption="各领域目标进展情况", png=system_status_chart(system_rows)),
    )

    areas = list(
        Unit.objects.filter(parent=city, kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]).order_by(
            "sort_order", "code"
        )
    )
    area_counts: dict[int, dict[Status, int]] = {u.id: defaultdict(int) for u in areas}
    for s in statusstore.at(as_of, unit_ids=list(area_counts), target_ids=[t.id for t in targets]):
        area_counts[s.unit_id][Status(s.status)] += 1
    praised, lagging = _named_units([_AreaRecord(u, dict(area_counts[u.id])) for u in areas])

    synthetic = Observation.objects.filter(
        target__in=[t.id for t in targets],
        unit_id__in=[city.id, *area_counts],
        period_end__lte=as_of,
        source_kind=SourceKind.SYNTHETIC,
    ).exists()
    note = f"（{SYNTHETIC_NOTE}。此件主动公开）" if synthetic else PUBLIC_NOTE

    return BriefingData(
        issuer=ISSUER,
        doc_number=doc_number or doc_number_for(as_of),
        issued_on=issued_on or as_of,
        period_label=period_label or period_label_for(as_of),
        as_of=as_of,
        status_counts=dict(counts),
        highlights=tuple(highlights),
        targets=tuple(rows),
        charts=charts,
        praised=praised,
        lagging=lagging,
        requirements=REQUIREMENTS,
        note=note,
    )


def briefing_file(
    *, actor: Any, as_of: date, fmt: str, out: Path, period_label: str = "", doc_number: str = ""
) -> Path:
    """Write the 通报 as of `as_of` to `out` (.docx; with fmt "pdf" also the PDF beside it, whose path is
    returned) and audit the export. LibreOffice errors propagate (OfficeUnavailableError, ConversionError)."""
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"unknown format {fmt!r}")
    data = briefing_data_for(as_of=as_of, period_label=period_label, doc_number=doc_number)
    docx_path = build_briefing_docx(data, out.with_suffix(".docx"))
    result = briefing_pdf(docx_path) if fmt == "pdf" else docx_path
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="progress.briefing_export",
            object_ref=("briefing", as_of.isoformat()),
            detail={"as_of": as_of.isoformat(), "format": fmt, "doc_number": data.doc_number},
        )
    return result


__all__ = [
    "SYNTHETIC_NOTE",
    "BriefingUnavailableError",
    "briefing_data_for",
    "briefing_file",
    "doc_number_for",
    "period_label_for",
    "target_text",
]
