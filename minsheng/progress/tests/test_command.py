"""`minsheng progress …` through call_command: evaluate, the report, recompute."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minsheng.org.models import Unit
from minsheng.policy.models import Target
from minsheng.progress.models import StatusBlock, TargetStatus

COMMON = ("--base-year", "2015", "--current-year", "2020", "--target-year", "2030")


def run(*argv: str) -> Any:
    out = StringIO()
    call_command("progress", *argv, stdout=out)
    return out.getvalue()


def test_evaluate_prints_the_brief_example() -> None:
    out = run(
        "evaluate", *COMMON, "--base", "100", "--current", "110", "--target", "130", "--higher-is-better"
    )
    assert json.loads(out) == {"status": "on_track", "score": 3.5049, "ratio": 1.0907}


def test_evaluate_lower_is_better_and_method_one_with_a_limit() -> None:
    lower = run("evaluate", *COMMON, "--base", "50", "--current", "48", "--target", "40", "--lower-is-better")
    assert json.loads(lower) == {"status": "limited", "score": -0.2056, "ratio": 0.5507}
    method1 = run(
        "evaluate", *COMMON, "--base", "100", "--current", "105", "--higher-is-better", "--limit", "120"
    )
    assert json.loads(method1) == {"status": "on_track", "score": 3.8353, "ratio": 0.0098}


def test_evaluate_needs_a_direction() -> None:
    with pytest.raises(CommandError):
        run("evaluate", *COMMON, "--base", "100", "--current", "110")


@pytest.mark.django_db
def test_report_json_lists_every_target(progress_data: dict[str, Unit]) -> None:
    rows = json.loads(run("--as-of", "2024-12-31", "--format", "json"))
    assert len(rows) == Target.objects.count()
    jobs = next(r for r in rows if r["code"] == "S1-T1-01")
    assert jobs["unit"] == "420100"
    assert jobs["running_total"] == jobs["latest_value"]
    assert jobs["expected_value"] == pytest.approx(88.0)  # 110 × 4/5
    assert jobs["forecast"]["method"] == "ols-linear-trend, 80% PI"
    assert jobs["status_zh"] in {"已达标", "进展顺利", "需加快", "进展有限", "倒退", "无法评估"}
    rate = next(r for r in rows if r["code"] == "S1-T1-02")
    assert rate["running_total"] is None
    assert rate["method"] == "bound"
    # The report judges afresh and writes nothing.
    assert not TargetStatus.objects.exists()
    assert not StatusBlock.objects.exists()


@pytest.mark.django_db
def test_report_counts_the_districts_for_one_per_unit_targets(progress_data: dict[str, Unit]) -> None:
    rows = json.loads(run("--as-of", "2024-12-31", "--format", "json"))
    run("recompute", "--as-of", "2024-12-31")
    stored = dict(
        TargetStatus.objects.filter(unit=progress_data["420100"]).values_list("target__code", "status")
    )
    per_unit = [r for r in rows if r["method"] == "per-unit-share"]
    assert per_unit
    for r in per_unit:
        assert r["status"] == stored[r["code"]] != "not_assessable", r["code"]


@pytest.mark.django_db
def test_report_table_and_district(progress_data: dict[str, Unit]) -> None:
    table = run("--as-of", "2024-12-31", "--format", "table")
    assert "S1-T1-01" in table
    assert "城镇新增就业" in table
    district = json.loads(run("--as-of", "2024-12-31", "--format", "json", "--unit", "420102"))
    assert {r["unit"] for r in district} == {"420102"}
    with pytest.raises(CommandError):
        run("--as-of", "2024-12-31", "--unit", "999999")


@pytest.mark.django_db
def test_recompute_subcommand_stores_statuses(progress_data: dict[str, Unit]) -> None:
    out = run("recompute", "--as-of", "2024-12-31")
    assert "已重算" in out
    assert TargetStatus.objects.filter(unit=progress_data["420100"]).count() == Target.objects.count()
    with pytest.raises(CommandError):
        run("recompute", "--as-of", "31/12/2024")
