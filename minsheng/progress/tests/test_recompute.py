"""The evaluation service agrees with the pure engine, and the batch path with the exact path."""

from __future__ import annotations

import math
import random
from datetime import date
from typing import Any

import pytest

from minsheng.audit.models import AuditEvent
from minsheng.org.models import Unit
from minsheng.policy.models import Target
from minsheng.progress import statusstore
from minsheng.progress.domain import Accumulation, Observation, Status, TargetKind, evaluate
from minsheng.progress.models import AccumulationKind, SourceKind, TargetStatus
from minsheng.progress.models import Observation as ObservationRow
from minsheng.progress.services import ObservationInput, observations_bulk_load, progress_recompute
from minsheng.progress.specs import is_hold, spec_for, unit_spec

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def _series(target: Target, unit: Unit, as_of: date) -> tuple[list[Observation], Accumulation]:
    rows = list(
        ObservationRow.objects.filter(target=target, unit=unit, period_end__lte=as_of).order_by("period_end")
    )
    acc = (
        Accumulation.PER_PERIOD
        if rows and rows[-1].accumulation == AccumulationKind.PER_PERIOD
        else Accumulation.RUNNING_TOTAL
    )
    return [Observation(r.period_end, r.value) for r in rows], acc


def _same(a: float | None, b: float | None, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def test_every_city_status_is_what_the_engine_says(statuses: dict[str, Unit]) -> None:
    city = statuses["420100"]
    rows = {s.target_id: s for s in TargetStatus.objects.filter(unit=city, as_of=AS_OF)}
    targets = list(Target.objects.select_related("task__policy"))
    assert len(rows) == len(targets) > 60
    checked = 0
    for target in targets:
        if target.kind == TargetKind.PER_UNIT:
            continue
        obs, acc = _series(target, city, AS_OF)
        expected = evaluate(spec_for(target, target.task.policy, acc), obs, as_of=AS_OF)
        row = rows[target.id]
        assert row.status == expected.status, target.code
        assert _same(row.score, expected.score), target.code
        assert _same(row.ratio, expected.ratio), target.code
        assert _same(row.latest_value, expected.latest_value), target.code
        assert row.explanation_zh == expected.explanation_zh
        assert row.explanation_en == expected.explanation_en
        assert row.exact
        checked += 1
    assert checked == len(targets) - 2  # the two one-per-unit targets are checked below


def test_district_share_uses_its_split_target(statuses: dict[str, Unit]) -> None:
    jiangan = statuses["420102"]
    target = Target.objects.select_related("task__policy").get(
        code="S1-T1-01"
    )  # cumulative, split by district
    row = TargetStatus.objects.get(target=target, unit=jiangan, as_of=AS_OF)
    share = target.shares.get(unit=jiangan).value
    obs, acc = _series(target, jiangan, AS_OF)
    spec = unit_spec(spec_for(target, target.task.policy, acc), target, share).spec
    assert spec is not None
    assert spec.value == share
    expected = evaluate(spec, obs, as_of=AS_OF)
    assert row.status == expected.status
    assert row.expected_value == pytest.approx(share * 4 / 5)
    assert row.running_total == expected.running_total


def test_per_unit_target_counts_the_districts(statuses: dict[str, Unit]) -> None:
    target = Target.objects.get(code="S2-T1-11")  # 每个区布局1所特殊教育学校
    row = TargetStatus.objects.get(target=target, unit=statuses["420100"], as_of=AS_OF)
    assert row.method == "per-unit-share"
    assert "13个单位中" in row.explanation_zh
    assert "区" in row.explanation_zh  # missing units are named, not coded


def test_hold_comes_from_the_stated_wording(catalog: Any) -> None:
    assert is_hold(Target.objects.get(code="S1-T1-02"))  # 控制在5%以内
    assert not is_hold(Target.objects.get(code="S1-T1-01"))  # same sentence, a total to reach
    assert not is_hold(Target.objects.get(code="S2-T1-07"))  # 达到75%


def test_count_without_a_split_cannot_be_judged_for_a_district(statuses: dict[str, Unit]) -> None:
    target = Target.objects.get(code="S2-T5-02")  # 1500 cultural events a year, city-wide
    assert not TargetStatus.objects.filter(target=target, unit=statuses["420102"]).exists()


def _deep_series(org_tree: dict[str, Unit]) -> None:
    """Street- and community-level history of every kind, with the awkward cases the batch path must match."""
    rng = random.Random(7)
    units = [org_tree["420102S01"], org_tree["420102S01C01"], org_tree["420106S01"]]
    rows: list[ObservationInput] = []
    months = [date(2020, 12, 31)] + [date(y, m, 28) for y in range(2021, 2026) for m in (2, 5, 8, 11)]
    for target in Target.objects.order_by("id"):
        for n, unit in enumerate(units):
            style = (target.id + n) % 4
            per_period = target.kind in (TargetKind.CUMULATIVE, TargetKind.ANNUAL) and style == 1
            dates = months[1:] if style == 2 else months  # style 2: no baseline-year value
            if style == 3:
                dates = dates[::3]
            value = float(target.value) * rng.uniform(0.6, 1.1)
            for on in dates:
                if target.kind == TargetKind.CIRCLE:
                    v = rng.uniform(0.4, 1.0) if style != 3 else rng.uniform(0.5, 1.2)  # some out of range
                elif target.kind == TargetKind.PER_UNIT:
                    v = 1.0 if on.year >= 2023 + style else 0.0
                elif per_period:
                    v = round(float(target.value) / 16 * rng.uniform(0.5, 1.4), 3)
                else:
                    value *= rng.uniform(0.97, 1.06)
                    v = round(value, 4)
                rows.append(
                    ObservationInput(
                        target_id=target.id,
                        unit_id=unit.id,
                        period_end=on,
                        value=v,
                        accumulation=AccumulationKind.PER_PERIOD if per_period else AccumulationKind.LEVEL,
                        source_kind=SourceKind.SYNTHETIC,
                    )
                )
    observations_bulk_load(actor=None, rows=rows)


FIELDS = ("score", "ratio", "latest_value", "running_total", "expected_value", "share_met")


@pytest.mark.parametrize("as_of", [date(2021, 6, 30), date(2022, 12, 31), AS_OF, date(2026, 3, 31)])
def test_batch_path_matches_the_engine_below_district_level(
    progress_data: dict[str, Unit], as_of: date
) -> None:
    _deep_series(progress_data)
    deep = [progress_data[c].id for c in ("420102S01", "420102S01C01", "420106S01")]
    progress_recompute(actor=None, as_of=as_of, exact_max_depth=3)
    exact = {(s.target_id, s.unit_id): s for s in TargetStatus.objects.filter(as_of=as_of, unit_id__in=deep)}
    result = progress_recompute(actor=None, as_of=as_of, exact_max_depth=1)
    assert not TargetStatus.objects.filter(as_of=as_of, unit_id__in=deep).exists()  # packed in blocks now
    batch = {(s.target_id, s.unit_id): s for s in statusstore.at(as_of, unit_ids=deep)}
    assert result.batch_rows == len(batch) > 100
    assert all(not s.exact for s in batch.values())
    # The exact path also writes "no data" rows; the batch path writes only series with data.
    exact_with_data = {
        k: s for k, s in exact.items() if s.latest_value is not None or s.method == "per-unit-share"
    }
    assert set(batch) <= set(exact)
    missing = [
        (Target.objects.get(id=k[0]).code, k[1], exact[k].method, exact[k].explanation_en)
        for k in set(exact_with_data) - set(batch)
    ]
    assert not missing, missing[:6]
    kinds: set[str] = set()
    for key, b in batch.items():
        e = exact[key]
        target = Target.objects.get(id=key[0])
        kinds.add(target.kind + ("+hold" if is_hold(target) else ""))
        assert b.status == e.status, (target.code, key[1], b.method, e.method, e.explanation_en)
        assert b.method == e.method, (target.code, b.method, e.method)
        for name in FIELDS:
            assert _same(getattr(b, name), getattr(e, name), 1e-7), (
                target.code,
                name,
                getattr(b, name),
                getattr(e, name),
            )
        assert b.latest_on == e.latest_on or target.kind == TargetKind.PER_UNIT, target.code
    if as_of >= date(2022, 12, 31):
        assert {"level", "level+hold", "cumulative", "annual", "annual_change", "circle", "per_unit"} <= kinds


def test_recompute_replaces_its_date_and_is_audited(statuses: dict[str, Unit]) -> None:
    before = TargetStatus.objects.filter(as_of=AS_OF).count()
    events = AuditEvent.objects.filter(action="progress.recompute").count()
    progress_recompute(actor=None, as_of=AS_OF)
    assert TargetStatus.objects.filter(as_of=AS_OF).count() == before
    assert AuditEvent.objects.filter(action="progress.recompute").count() == events + 1


def test_celery_task_runs_eagerly(progress_data: dict[str, Unit]) -> None:
    from minsheng.progress.tasks import progress_recompute_task

    out = progress_recompute_task.delay("2024-06-30").get()
    assert out["exact_rows"] > 60
    n_targets = Target.objects.count()
    assert (
        TargetStatus.objects.filter(as_of=date(2024, 6, 30), unit=progress_data["420100"]).count()
        == n_targets
    )


def test_statuses_use_known_keys(statuses: dict[str, Unit]) -> None:
    keys = set(TargetStatus.objects.values_list("status", flat=True))
    assert keys <= {str(s) for s in Status}
    for s in TargetStatus.objects.all()[:200]:
        assert Status(s.status).code == s.status_code
