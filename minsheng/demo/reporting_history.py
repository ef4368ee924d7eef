"""The demo's reporting history: 2021–2025 ledgers, Wuhan's real published figures, synthetic fill.

Real figures come with their source. Every other value is synthetic, generated from a fixed seed, stored
with `source_kind = synthetic` and shown with the 模拟数据 tag wherever it appears.
"""

from __future__ import annotations

import random
from decimal import Decimal

from minsheng.org.models import Unit
from minsheng.policy.models import Policy, Target
from minsheng.reporting.domain.approval import Level, Status
from minsheng.reporting.domain.periods import periods_of_year
from minsheng.reporting.domain.validation import ValueMeaning
from minsheng.reporting.models import ApprovalStep, LedgerItem, SourceKind, Submission
from minsheng.reporting.services import (
    ledger_split_districts,
    ledger_split_plan_target,
    ledger_year_create,
    ledger_year_publish,
)
from minsheng.reporting.services.figures import PUBLISHED_FIGURES, published_figures_load

DEMO_YEARS = range(2021, 2026)
SPLIT_TO_DISTRICTS = ("S1-T1-01",)  # 城镇新增就业: districts report it in the demo's last year
FILL_UNTIL = "2025Q3"  # leave 2025Q4 open so the demo has something to report


def _q(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _synthetic_values(item: LedgerItem, rng: random.Random) -> list[Decimal]:
    """Four quarters for one item: running totals that reach about the goal, or levels near it."""
    goal = float(
        item.goal_value if item.goal_value is not None else (item.target.value if item.target else 1)
    )
    if item.value_meaning == ValueMeaning.RUNNING_TOTAL:
        share = rng.uniform(0.95, 1.12)
        return [_q(goal * share * f) for f in (0.21, 0.47, 0.73, 1.0)]
    higher = item.target.higher_is_better if item.target else True
    base = goal * (rng.uniform(0.96, 1.04) if item.unit_label != "%" else rng.uniform(0.97, 1.0))
    out = []
    for i in range(4):
        v = base * (1 + (0.004 * i if higher else -0.004 * i)) * rng.uniform(0.995, 1.005)
        if item.unit_label == "%":
            v = min(v, 100.0)
        out.append(_q(max(v, 0.0)))
    return out


def _fill_synthetic(policy: Policy) -> int:
    rng = random.Random(20220114)  # noqa: S311 — demo data, not security
    city = Unit.objects.get(kind="city")
    taken = set(
        Submission.objects.filter(unit=city, item__ledger_year__policy=policy).values_list(
            "item__target_id", "item__ledger_year__year"
        )
    )
    items = LedgerItem.objects.filter(ledger_year__policy=policy, target__isnull=False).select_related(
        "ledger_year", "target"
    )
    subs: list[Submission] = []
    for item in items:
        year = item.ledger_year.year
        if (item.target_id, year) in taken:
            continue
        chain = [lv for lv in item.approval_chain if lv != Level.DISTRICT]
        for period, value in zip(
            periods_of_year(year, item.frequency), _synthetic_values(item, rng), strict=False
        ):
            if period.key > FILL_UNTIL and year == max(DEMO_YEARS):
                continue
            subs.append(
                Submission(
                    item=item,
                    unit=city,
                    period_key=period.key,
                    due_on=period.due_on(),
                    value=value,
                    value_meaning=item.value_meaning,
                    progress="演示用模拟数据（非真实数据）",
                    status=Status.APPROVED,
                    chain=chain,
                    source_kind=SourceKind.SYNTHETIC,
                )
            )
    created = Submission.objects.bulk_create(subs, batch_size=500)
    ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                submission=s,
                action="import",
                to_status=Status.APPROVED,
                actor_name="演示数据生成",
                comment="模拟数据，仅供演示",
            )
            for s in created
        ],
        batch_size=500,
    )
    return len(created)


def reporting_demo_load(policy: Policy) -> dict[str, int]:
    """Ledgers 2021–2025 (published), plan targets split evenly, real figures, synthetic history."""
    for target in Target.objects.filter(task__policy=policy, kind="cumulative"):
        ledger_split_plan_target(actor=None, target=target, mode="even")
    for year in DEMO_YEARS:
        ledger_year = ledger_year_create(actor=None, policy=policy, year=year)
        ledger_year_publish(actor=None, ledger_year=ledger_year)
    last = max(DEMO_YEARS)
    for code in SPLIT_TO_DISTRICTS:
        item = LedgerItem.objects.get(ledger_year__policy=policy, ledger_year__year=last, code=code)
        ledger_split_districts(actor=None, item=item, shares="even")
    figures = published_figures_load(
        actor=None, policy=policy, text=PUBLISHED_FIGURES.read_text(encoding="utf-8")
    )
    synthetic = _fill_synthetic(policy)
    return {"real": figures.submissions, "context": figures.context_only, "synthetic": synthetic}
