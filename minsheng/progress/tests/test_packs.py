"""Series packs (ADR 0011): the store answers as a plain reading of each series would, and every way of writing
observations leaves the packs equal to the rows."""

from __future__ import annotations

import math
from datetime import date, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.audit.models import AuditEvent
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Target
from minsheng.progress import packs
from minsheng.progress.models import AccumulationKind, Observation, SeriesPack, SourceKind
from minsheng.progress.services import (
    ObservationInput,
    observation_upsert,
    observations_bulk_load,
    series_repack,
)

D0 = date(2020, 1, 31).toordinal()
ACCS = list(packs.ACCUMULATION_CODES)

Series = dict[tuple[int, int], list[tuple[int, float, str]]]

series_strategy = st.dictionaries(
    keys=st.tuples(st.integers(1, 4), st.integers(1, 6)),
    values=st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
            st.sampled_from(ACCS),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda r: r[0],
    ).map(lambda rows: sorted((D0 + d, v, a) for d, v, a in rows)),
    max_size=10,
)


def _store(series: Series) -> packs.PackStore:
    keys = sorted(series)
    counts = np.array([len(series[k]) for k in keys], dtype=np.int64)
    blob = b"".join(
        packs.pack([r[0] for r in series[k]], [r[1] for r in series[k]], [r[2] for r in series[k]])
        for k in keys
    )
    # Segments in an order other than key order, as a table scan returns them.
    order = list(range(len(keys)))[::-1]
    records = np.frombuffer(blob, dtype=packs.RECORD)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
    shuffled = b"".join(records[starts[i] : starts[i] + counts[i]].tobytes() for i in order)
    return packs.PackStore(
        packs.series_key(np.array([keys[i][0] for i in order]), np.array([keys[i][1] for i in order])),
        counts[order],
        np.frombuffer(shuffled, dtype=packs.RECORD),
    )


def _all_pairs() -> packs.Pairs:
    return packs.Pairs.product(np.arange(0, 6, dtype=np.int64), np.arange(0, 8, dtype=np.int64))


def _same(a: float, b: float | None) -> bool:
    if b is None:
        return math.isnan(a)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    series=series_strategy,
    lo=st.integers(-10, 2010),
    span=st.integers(0, 2100),
    last=st.booleans(),
    open_start=st.booleans(),
)
def test_the_store_finds_each_series_end_and_range_as_a_plain_reading_does(
    series: Series, lo: int, span: int, last: bool, open_start: bool
) -> None:
    store = _store(series)
    pairs = store.locate(_all_pairs())
    end = date.fromordinal(D0 + lo + span)
    start: date | None = date.fromordinal(D0 + lo)
    if open_start:  # no lower bound: everything up to `end`
        start, lo = None, 1 - D0
    day, value, per_period = store.one_end(pairs, start, end, last=last)
    sums, counts = store.range_stats(pairs, start, end)
    low, high = store.range_stats(pairs, start, end, what="minmax")
    for i, (t, u) in enumerate(zip(pairs.target_ids.tolist(), pairs.unit_ids.tolist(), strict=True)):
        inside = [r for r in series.get((t, u), []) if D0 + lo <= r[0] <= end.toordinal()]
        pick = (inside[-1] if last else inside[0]) if inside else None
        assert _same(day[i], pick[0] if pick else None)
        assert _same(value[i], pick[1] if pick else None)
        assert per_period[i] == (pick is not None and pick[2] == AccumulationKind.PER_PERIOD)
        assert counts[i] == len(inside)
        assert _same(sums[i], math.fsum(r[1] for r in inside) if inside else None)
        assert _same(low[i], min(r[1] for r in inside) if inside else None)
        assert _same(high[i], max(r[1] for r in inside) if inside else None)


@settings(max_examples=40, deadline=None)
@given(series=series_strategy, cut=st.integers(0, 2000))
def test_the_store_finds_the_series_with_values_outside_a_range(series: Series, cut: int) -> None:
    store = _store(series)
    as_of = date.fromordinal(D0 + cut)
    expected = {
        k
        for k, rows in series.items()
        if k[0] in (1, 3) and any(r[0] <= D0 + cut and not 0 <= r[1] <= 1e5 for r in rows)
    }
    assert store.out_of_range([1, 3], as_of, 0.0, 1e5) == expected


def test_an_empty_store_answers_nothing() -> None:
    store = _store({})
    pairs = store.locate(_all_pairs())
    day, value, per_period = store.one_end(pairs, None, date(2025, 1, 1))
    assert np.isnan(day).all()
    assert np.isnan(value).all()
    assert not per_period.any()
    assert store.out_of_range([1], date(2025, 1, 1), 0, 1) == set()


# ------------------------------------------------------------------------------------------------ database


@pytest.fixture
def series_ends(catalog: object) -> tuple[Target, Unit, Unit]:
    target = Target.objects.order_by("id").first()
    units = list(Unit.objects.filter(depth=1, kind=UnitKind.DISTRICT).order_by("code")[:2])
    assert target is not None
    assert len(units) == 2
    return target, units[0], units[1]


def _pack_rows(target: Target, unit: Unit) -> list[tuple[int, float, int]]:
    p = SeriesPack.objects.get(target=target, unit=unit)
    assert p.count == len(packs.unpack(bytes(p.data)))
    return [(int(r[0]), float(r[1]), int(r[2])) for r in packs.unpack(bytes(p.data))]


@pytest.mark.django_db
def test_every_way_of_writing_values_keeps_the_packs_equal_to_the_rows(
    series_ends: tuple[Target, Unit, Unit],
) -> None:
    target, a, b = series_ends
    month_ends = [date(2021, m, 28) for m in range(1, 7)]
    observations_bulk_load(
        actor=None,
        rows=[
            ObservationInput(target.id, u.id, d, float(i)) for u in (a, b) for i, d in enumerate(month_ends)
        ],
    )
    assert packs.differences() == []
    assert [r[1] for r in _pack_rows(target, a)] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    # A reported value replaces the synthetic series (the rows are deleted through the ORM: signals).
    observation_upsert(
        actor=None,
        target=target,
        unit=a,
        period_end=date(2021, 6, 28),
        value=9.5,
        accumulation=AccumulationKind.PER_PERIOD,
        source_kind=SourceKind.REPORTED,
    )
    assert _pack_rows(target, a) == [(date(2021, 6, 28).toordinal(), 9.5, packs.PER_PERIOD_CODE)]
    # Plain ORM writes and deletes are followed too.
    Observation.objects.create(
        target=target,
        unit=b,
        period_end=date(2021, 7, 28),
        value=6.0,
        source_kind=SourceKind.SYNTHETIC,
    )
    Observation.objects.filter(target=target, unit=b, period_end__lt=date(2021, 3, 1)).delete()
    assert [r[1] for r in _pack_rows(target, b)] == [2.0, 3.0, 4.0, 5.0, 6.0]
    Observation.objects.filter(target=target, unit=b).delete()
    assert not SeriesPack.objects.filter(target=target, unit=b).exists()
    assert packs.differences() == []


@pytest.mark.django_db
def test_repack_rewrites_damaged_or_missing_packs_and_is_audited(
    series_ends: tuple[Target, Unit, Unit],
) -> None:
    target, a, b = series_ends
    days = [date(2022, 1, 1) + timedelta(days=30 * i) for i in range(4)]
    observations_bulk_load(
        actor=None, rows=[ObservationInput(target.id, u.id, d, 1.5) for u in (a, b) for d in days]
    )
    SeriesPack.objects.filter(unit=a).delete()
    SeriesPack.objects.filter(unit=b).update(
        data=packs.pack([days[0].toordinal()], [7.0], ["level"]), count=1
    )
    assert packs.differences() == sorted([(target.id, a.id), (target.id, b.id)])
    with pytest.raises(CommandError):
        call_command("progress", "repack", "--check", stdout=StringIO())
    result = series_repack(actor=None)
    assert (result.packs, result.observations) == (2, 8)
    assert packs.differences() == []
    assert AuditEvent.objects.filter(action="progress.series_repack").count() == 1
    out = StringIO()
    call_command("progress", "repack", "--check", stdout=out)
    assert "一致" in out.getvalue()


@pytest.mark.django_db
def test_a_damaged_pack_is_refused_when_loaded(series_ends: tuple[Target, Unit, Unit]) -> None:
    target, a, _ = series_ends
    observations_bulk_load(actor=None, rows=[ObservationInput(target.id, a.id, date(2022, 1, 31), 1.0)])
    SeriesPack.objects.filter(unit=a).update(data=b"\x00" * 20)
    with pytest.raises(ValueError, match="损坏"):
        packs.PackStore.load([target.id])
