"""Observations in: one approved value at a time (reporting), in bulk (demo, benchmarks); real beats synthetic."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minsheng.audit.models import AuditEvent
from minsheng.org.models import Unit
from minsheng.policy.models import Target
from minsheng.progress.models import AccumulationKind, Observation, SourceKind
from minsheng.progress.services import (
    ObservationError,
    ObservationInput,
    observation_upsert,
    observations_bulk_load,
    target_share_set,
)

pytestmark = pytest.mark.django_db


def _synthetic(target: Target, unit: Unit, years: range) -> None:
    observations_bulk_load(
        actor=None,
        rows=[
            ObservationInput(
                target.id, unit.id, date(y, 12, 31), 25.0 + y - 2021, AccumulationKind.PER_PERIOD
            )
            for y in years
        ],
    )


def test_first_real_value_replaces_the_series_synthetic_placeholders(
    catalog: Any, org_tree: dict[str, Unit]
) -> None:
    jobs = Target.objects.get(code="S1-T1-01")
    city = org_tree["420100"]
    _synthetic(jobs, city, range(2021, 2025))
    assert Observation.objects.filter(target=jobs, unit=city, source_kind=SourceKind.SYNTHETIC).count() == 4
    obs = observation_upsert(
        actor=None,
        target=jobs,
        unit=city,
        period_end=date(2021, 12, 31),
        value=29.98,
        accumulation=AccumulationKind.PER_PERIOD,
        source_kind=SourceKind.REAL,
        source_ref="https://gtuanb.com/rdxw/202204/815853.html",
        source_note="全年城镇新增就业29.98万人",
    )
    series = Observation.objects.filter(target=jobs, unit=city)
    assert list(series.values_list("source_kind", flat=True)) == [SourceKind.REAL]
    assert obs.value == 29.98
    event = AuditEvent.objects.filter(action="progress.observation_upsert").latest("id")
    assert event.detail["synthetic_replaced"] == 3
    assert event.detail["source_ref"].startswith("https://")


def test_synthetic_value_is_refused_for_a_real_series(catalog: Any, org_tree: dict[str, Unit]) -> None:
    jobs = Target.objects.get(code="S1-T1-01")
    city = org_tree["420100"]
    observation_upsert(
        actor=None, target=jobs, unit=city, period_end=date(2022, 12, 31), value=29.97, source_kind="real"
    )
    with pytest.raises(ObservationError):
        observation_upsert(
            actor=None,
            target=jobs,
            unit=city,
            period_end=date(2023, 12, 31),
            value=1.0,
            source_kind="synthetic",
        )
    # A bulk load of synthetic rows skips the real series instead of failing.
    _synthetic(jobs, city, range(2021, 2025))
    assert not Observation.objects.filter(target=jobs, unit=city, source_kind=SourceKind.SYNTHETIC).exists()


def test_upsert_replaces_the_same_period(catalog: Any, org_tree: dict[str, Unit]) -> None:
    rate = Target.objects.get(code="S1-T1-02")
    city = org_tree["420100"]
    for value in (2.92, 2.91):
        observation_upsert(
            actor=None,
            target=rate,
            unit=city,
            period_end=date(2021, 12, 31),
            value=value,
            source_ref="submission:12",
        )
    assert Observation.objects.get(target=rate, unit=city).value == 2.91


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": float("nan")}, "有限数"),
        ({"accumulation": "monthly"}, "口径"),
        ({"source_kind": "guess"}, "来源类型"),
    ],
)
def test_bad_values_are_refused(
    catalog: Any, org_tree: dict[str, Unit], kwargs: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {
        "actor": None,
        "target": Target.objects.get(code="S1-T1-02"),
        "unit": org_tree["420100"],
        "period_end": date(2021, 12, 31),
        "value": 2.9,
    } | kwargs
    with pytest.raises(ObservationError, match=message):
        observation_upsert(**args)


def test_values_belong_to_areas_not_departments(catalog: Any) -> None:
    dept = Unit.objects.filter(kind="department").first()
    assert dept is not None
    with pytest.raises(ObservationError):
        observation_upsert(
            actor=None,
            target=Target.objects.get(code="S1-T1-02"),
            unit=dept,
            period_end=date(2021, 12, 31),
            value=3,
        )


def test_share_is_recorded_and_audited(catalog: Any, org_tree: dict[str, Unit]) -> None:
    share = target_share_set(
        actor=None,
        target=Target.objects.get(code="S1-T1-01"),
        unit=org_tree["420102"],
        value=8.5,
        source_kind="real",
    )
    assert share.value == 8.5
    assert AuditEvent.objects.filter(action="progress.target_share_set").exists()
