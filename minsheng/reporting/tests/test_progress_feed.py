"""Approved reports become progress observations; nothing else does."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng.progress.models import Observation

from .conftest import World
from .test_services import _approve_all, _submit

pytestmark = pytest.mark.django_db


def test_final_approval_records_the_value_for_progress(world: World) -> None:
    sub = _submit(world, value="3", period="2025Q1")
    assert not Observation.objects.exists()
    approved = _approve_all(world, sub)
    obs = Observation.objects.get(target=world.jobs.target, unit=world.units["420102"])
    assert obs.period_end == dt.date(2025, 3, 31)
    assert obs.source_kind == "reported"
    assert obs.source_ref == f"submission:{approved.pk}"


def test_intermediate_approval_records_nothing(world: World) -> None:
    from minsheng.reporting.services import submission_approve

    sub = _submit(world, value="3", period="2025Q1")
    submission_approve(actor=world.jiangan_reviewer, submission=sub)
    assert not Observation.objects.exists()


def test_year_to_date_reports_become_period_amounts_for_a_plan_total(world: World) -> None:
    assert world.jobs.value_meaning == "running_total"  # 本年累计 for a plan-period total
    _approve_all(world, _submit(world, value="3", period="2025Q1"))
    _approve_all(world, _submit(world, value="7.5", period="2025Q2"))
    values = dict(
        Observation.objects.filter(target=world.jobs.target, unit=world.units["420102"]).values_list(
            "period_end", "value"
        )
    )
    assert values == {dt.date(2025, 3, 31): 3.0, dt.date(2025, 6, 30): 4.5}
