from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.policy.models import Target
from minsheng.policy.selectors import default_policy


def target_as_dict(t: Target) -> dict[str, Any]:
    def num(v: Any) -> float | int | None:
        if v is None:
            return None
        f = float(v)
        return int(f) if f.is_integer() else f

    return {
        "code": t.code,
        "indicator": t.indicator,
        "comparator": t.comparator,
        "value": num(t.value),
        "value_max": num(t.value_max),
        "unit": t.unit,
        "higher_is_better": t.higher_is_better,
        "kind": t.kind,
        "firmness": t.firmness,
        "baseline_value": num(t.baseline_value),
        "baseline_year": t.baseline_year,
        "deadline": t.deadline.isoformat(),
        "applies_to": t.applies_to,
        "lead_unit": t.lead_unit.name if t.lead_unit else None,
        "co_units": [u.name for u in t.co_units.all()],
        "task": t.task.code,
        "task_title": t.task.title,
        "system": t.task.system.code,
        "source_sentence": t.source_sentence,
    }


class Command(BaseCommand):
    help = "Print the policy's target catalog. 输出目标目录。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--policy", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        policy = default_policy()
        if options["policy"]:
            from minsheng.policy.models import Policy

            policy = Policy.objects.filter(code=options["policy"]).first()
        if policy is None:
            raise CommandError("没有政策目录，请先运行 minsheng demo")
        targets = (
            Target.objects.filter(task__policy=policy)
            .select_related("task", "task__system", "lead_unit")
            .prefetch_related("co_units")
            .order_by("task__system__code", "task__number", "code")
        )
        rows = [target_as_dict(t) for t in targets]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            vmax = f"—{r['value_max']}" if r["value_max"] is not None else ""
            self.stdout.write(
                f"{r['code']:<10} {r['comparator']:<6} {r['value']}{vmax} {r['unit']:<8} {r['kind']:<13} {r['indicator']}"
            )
