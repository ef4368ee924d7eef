"""Load Wuhan's published figures: context rows for every figure, approved city reports for comparable ones."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from minsheng.audit.services import audit_record
from minsheng.org.models import Unit
from minsheng.policy.models import Policy, Target

from ..domain.approval import Level, Status
from ..domain.periods import Frequency, Period, periods_of_year
from ..models import (
    ApprovalStep,
    Comparability,
    LedgerItem,
    PublishedFigure,
    SourceKind,
    Submission,
)
from ..selectors import due_rule_for
from .progress_feed import observation_from_submission

PUBLISHED_FIGURES = Path(__file__).resolve().parent.parent / "data" / "wuhan-published-figures.csv"
_MORE_THAN_LAST_YEAR = re.compile(r"比上年多增([\d.]+)")


@dataclass(frozen=True)
class FiguresResult:
    figures: int
    submissions: int
    context_only: int
    conflicts: int


def _comparability(raw: str) -> tuple[str, str]:
    head = raw.split(":", 1)[0].split("(", 1)[0].strip().lower()
    kind = head if head in Comparability.values else Comparability.NO
    note = raw[len(head) :].lstrip(" :").strip()
    return kind, note


def _conflicts(rows: list[dict[str, str]]) -> dict[tuple[str, int], str]:
    """Figures contradicted by next year's "比上年多增X" phrase: (indicator, year) → note."""
    actual = {(r["indicator"], int(r["year"])): Decimal(r["value"]) for r in rows if r["kind"] == "actual"}
    notes: dict[tuple[str, int], str] = {}
    for r in rows:
        match = _MORE_THAN_LAST_YEAR.search(r["quote"]) if r["kind"] == "actual" else None
        if match is None:
            continue
        year = int(r["year"])
        stated = actual.get((r["indicator"], year - 1))
        implied = Decimal(r["value"]) - Decimal(match[1])
        if stated is not None and stated != implied:
            notes[(r["indicator"], year - 1)] = (
                f"来源不一致：{year}年公报称“比上年多增{match[1]}{r['unit']}”，据此推算{year - 1}年为"
                f"{format(implied.normalize(), 'f')}{r['unit']}，与{year - 1}年公报所载"
                f"{format(stated.normalize(), 'f')}{r['unit']}不符；保留所载数值。"
            )
    return notes


def _period_for(item: LedgerItem, indicator: str, year: int) -> Period:
    periods = periods_of_year(year, item.frequency)
    if "截至6月" in indicator and item.frequency == Frequency.QUARTERLY:
        return periods[1]
    if "截至6月" in indicator and item.frequency == Frequency.MONTHLY:
        return periods[5]
    return periods[-1]


def published_figures_load(*, actor: Any, policy: Policy, text: str) -> FiguresResult:
    """Idempotent: figures are upserted; a city report is created only where none exists for the period."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    conflicts = _conflicts(rows)
    targets = {t.indicator: t for t in Target.objects.filter(task__policy=policy)}
    city = Unit.objects.get(kind="city")
    n_subs = n_context = 0
    with transaction.atomic():
        for r in rows:
            comparable, note = _comparability(r["comparable"])
            target = targets.get(r["policy_target"].split(" (", 1)[0].strip())
            year = int(r["year"])
            conflict = conflicts.get((r["indicator"], year), "") if r["kind"] == "actual" else ""
            PublishedFigure.objects.update_or_create(
                indicator=r["indicator"],
                year=year,
                figure_kind=r["kind"],
                defaults={
                    "target": target,
                    "value": Decimal(r["value"]),
                    "unit_label": r["unit"],
                    "policy_target": r["policy_target"],
                    "comparable": comparable,
                    "comparable_note": note[:200],
                    "reliability": r["reliability"][:100],
                    "source_url": r["source_url"],
                    "quote": r["quote"],
                    "conflict_note": conflict,
                },
            )
            if r["kind"] != "actual" or target is None or comparable == Comparability.NO:
                n_context += 1
                continue
            item = LedgerItem.objects.filter(
                target=target, ledger_year__policy=policy, ledger_year__year=year
            ).first()
            if item is None:
                continue
            period = _period_for(item, r["indicator"], year)
            if Submission.objects.filter(
                item=item, unit=city, period_key=period.key, is_current=True
            ).exists():
                continue
            sub = Submission.objects.create(
                item=item,
                unit=city,
                period_key=period.key,
                due_on=period.due_on(due_rule_for(item)),
                value=Decimal(r["value"]),
                value_meaning=item.value_meaning,
                progress=f"公开发布：{r['quote']}",
                status=Status.APPROVED,
                chain=[lv for lv in item.approval_chain if lv != Level.DISTRICT],
                source_kind=SourceKind.REAL,
                source_url=r["source_url"],
                source_quote=r["quote"],
                source_reliability=r["reliability"][:100],
                comparable=comparable,
                data_note="；".join(
                    x
                    for x in (
                        f"口径部分可比：{r['policy_target']}" if comparable == "partial" else "",
                        conflict,
                    )
                    if x
                ),
            )
            ApprovalStep.objects.create(
                submission=sub,
                action="import",
                from_status="",
                to_status=Status.APPROVED,
                actor=None,
                actor_name="公开数据导入",
                comment=f"来源：{r['source_url']}（可靠性：{r['reliability']}）",
            )
            observation_from_submission(actor=actor, submission=sub)
            n_subs += 1
        audit_record(
            actor=actor,
            action="reporting.published_figures_load",
            detail={"figures": len(rows), "submissions": n_subs, "conflicts": len(conflicts)},
        )
    return FiguresResult(
        figures=len(rows), submissions=n_subs, context_only=n_context, conflicts=len(conflicts)
    )
