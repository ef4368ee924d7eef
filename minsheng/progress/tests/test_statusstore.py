"""Status blocks: every column round-trips, readers see block statuses exactly as they saw batch rows, and a
recompute keeps one block per target and date (ADR 0011)."""

from __future__ import annotations

import random
import re
from datetime import date
from typing import Any

import numpy as np
import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from minsheng.org.models import Unit
from minsheng.policy.models import Policy, Target
from minsheng.progress import selectors, statusblocks, statusstore
from minsheng.progress.assessment_service import _target_facts, assessed_units
from minsheng.progress.briefing_service import briefing_data_for
from minsheng.progress.domain import Status
from minsheng.progress.models import StatusBlock, TargetStatus
from minsheng.progress.recompute import BatchColumns
from minsheng.progress.services import progress_recompute

from .conftest import AS_OF, EARLIER
from .test_recompute import _deep_series

pytestmark = pytest.mark.django_db

STREET, COMMUNITY = "420102S01", "420102S01C01"
NAN = float("nan")


# ------------------------------------------------------------------------------------------------ format


def test_a_unit_key_is_found_only_at_its_own_record() -> None:
    rng = random.Random(11)
    ids = np.array(sorted(rng.sample(range(1, 1 << 28), 3000)), dtype=np.int64)
    keys = statusblocks.unit_keys(ids)
    for i in rng.sample(range(len(ids)), 200):
        assert keys.find(statusblocks.unit_key(int(ids[i]))) == i * statusblocks.KEY_BYTES
    present = set(ids.tolist())
    for other in rng.sample(range(1, 1 << 28), 2000):
        if other not in present:
            assert statusblocks.unit_key(other) not in keys
    with pytest.raises(ValueError, match="unit ids"):
        statusblocks.unit_keys(np.array([1 << 28], dtype=np.int64))


def _columns(target_ids: list[int], unit_ids: list[int]) -> BatchColumns:
    day = float(date(2024, 11, 30).toordinal())
    return BatchColumns(
        target_ids=np.array(target_ids, dtype=np.int64),
        unit_ids=np.array(unit_ids, dtype=np.int64),
        status=np.array([5, 0, 2, 3], dtype=np.int8),
        score=np.array([1.0, NAN, -0.5, 0.25]),
        ratio=np.array([NAN, NAN, 0.4, 1e-300]),
        latest_value=np.array([12.5, NAN, -3.0, 7.0]),
        latest_day=np.array([day, NAN, day - 31, day]),
        running_total=np.array([NAN, NAN, 100.0, NAN]),
        expected=np.array([11.0, NAN, 2.0, 6.5]),
        share_met=np.array([NAN, NAN, NAN, 0.5]),
        target_value=np.array([12.0, NAN, 10.0, 8.0]),
        method=np.array([0, 1, 2, 0], dtype=np.int16),
        flags=np.array([0, 1, 0, 2], dtype=np.int16),
        method_names=["opensdg-cagr", "no-share", "range+opensdg-cagr"],
        flag_names=["", "no_share", "base_year_assumed"],
    )


def _expected(s: TargetStatus) -> dict[str, Any]:
    return {
        f: getattr(s, f)
        for f in (
            "target_id", "unit_id", "as_of", "status", "status_code", "score", "ratio", "latest_value", "latest_on",
            "running_total", "expected_value", "share_met", "target_value", "forecast_on", "forecast_value",
            "forecast_lower", "forecast_upper", "forecast_level", "forecast_probability", "forecast_method",
            "method", "explanation_zh", "explanation_en", "flags", "source_kind", "exact", "computed_at",
        )
    }  # fmt: skip


def test_a_block_round_trips_every_column(catalog: Policy, org_tree: dict[str, Unit]) -> None:
    t1, t2 = Target.objects.order_by("id").values_list("id", flat=True)[:2]
    street, community, other = org_tree[STREET], org_tree[COMMUNITY], org_tree["420106S01"]
    units = sorted([street.id, community.id, other.id])
    computed_at = timezone.now().replace(microsecond=123000)
    blocks = statusblocks.blocks_from(
        _columns([t1, t1, t1, t2], [*units, units[0]]), as_of=AS_OF, computed_at=computed_at
    )
    assert [(b.target_id, b.count) for b in blocks] == [(t1, 3), (t2, 1)]
    assert blocks[1].methods == ["opensdg-cagr"]
    assert blocks[1].flags == ["base_year_assumed"]
    StatusBlock.objects.bulk_create(blocks)

    day = date(2024, 11, 30)
    want = {
        (t1, units[0]): ("achieved", 5, 1.0, None, 12.5, day, None, 11.0, None, 12.0, "opensdg-cagr", ""),
        (t1, units[1]): ("not_assessable", 0, None, None, None, None, None, None, None, None, "no-share", "no_share"),
        (t1, units[2]): ("limited", 2, -0.5, 0.4, -3.0, date(2024, 10, 30), 100.0, 2.0, None, 10.0,
                         "range+opensdg-cagr", ""),
        (t2, units[0]): ("needs_acceleration", 3, 0.25, 1e-300, 7.0, day, None, 6.5, 0.5, 8.0, "opensdg-cagr",
                         "base_year_assumed"),
    }  # fmt: skip
    names = ("status", "status_code", "score", "ratio", "latest_value", "latest_on", "running_total",
             "expected_value", "share_met", "target_value", "method", "flags")  # fmt: skip
    assert [str(Status.from_code(v[1])) for v in want.values()] == [v[0] for v in want.values()]

    def check(found: list[TargetStatus]) -> None:
        for s in found:
            got = _expected(s)
            assert tuple(got[n] for n in names) == want[(s.target_id, s.unit_id)], (s.target_id, s.unit_id)
            assert got["as_of"] == AS_OF
            assert got["computed_at"] == computed_at
            assert got["exact"] is False
            assert got["explanation_zh"] == got["explanation_en"] == got["source_kind"] == ""
            assert got["forecast_method"] == ""
            assert got["forecast_value"] is None
            assert s.pk is None

    several = statusstore.at(AS_OF, unit_ids=units)  # whole blocks
    assert {(s.target_id, s.unit_id) for s in several} == set(want)
    check(several)
    for t, u in want:  # one record sliced out by the database
        one = statusstore.one(t, u, AS_OF)
        assert one is not None
        check([one])
    check(statusstore.at(AS_OF, unit_ids=[units[0]]))
    assert statusstore.one(t2, units[1], AS_OF) is None
    assert statusstore.one(t1, units[0], EARLIER) is None
    assert statusstore.at(AS_OF, unit_ids=[org_tree["420102"].id]) == []
    by_id = Unit.objects.in_bulk(units)
    assert [s.as_of for s in statusstore.history(t1, by_id[units[2]])] == [AS_OF]
    assert statusstore.dates(by_id[units[1]]) == [AS_OF]
    assert statusstore.dates(org_tree["420102"]) == []


# ------------------------------------------------------------------------------------------------ recompute


@pytest.fixture
def deep(progress_data: dict[str, Unit]) -> dict[str, Unit]:
    """Street and community history, judged (batch below the districts) at the end of 2023 and 2024."""
    _deep_series(progress_data)
    progress_recompute(actor=None, as_of=EARLIER)
    progress_recompute(actor=None, as_of=AS_OF)
    return progress_data


def test_batch_statuses_are_blocks_not_rows(deep: dict[str, Unit]) -> None:
    street = deep[STREET]
    assert not TargetStatus.objects.filter(unit=street).exists()
    found = statusstore.at(AS_OF, unit_ids=[street.id])
    assert len(found) > 50
    assert all(not s.exact for s in found)


def test_recompute_twice_leaves_one_block_per_target(deep: dict[str, Unit]) -> None:
    before = StatusBlock.objects.filter(as_of=AS_OF).count()
    assert before == Target.objects.count()
    result = progress_recompute(actor=None, as_of=AS_OF)
    blocks = StatusBlock.objects.filter(as_of=AS_OF)
    assert blocks.count() == before
    assert result.batch_rows == sum(blocks.values_list("count", flat=True))
    assert StatusBlock.objects.filter(as_of=EARLIER).count() == before


def test_recompute_of_some_targets_replaces_only_their_blocks(deep: dict[str, Unit]) -> None:
    old = dict(StatusBlock.objects.filter(as_of=AS_OF).values_list("target_id", "computed_at"))
    chosen = sorted(old)[:2]
    progress_recompute(actor=None, as_of=AS_OF, target_ids=chosen)
    new = dict(StatusBlock.objects.filter(as_of=AS_OF).values_list("target_id", "computed_at"))
    assert set(new) == set(old)
    assert [t for t in new if new[t] != old[t]] == chosen


# ------------------------------------------------------------------------------------------------ readers

STREET_PAGES = [
    "/progress/",
    "/progress/?as_of=2023-12-31",
    "/progress/lagging/",
    "/progress/targets/S1-T1-01/",
    "/progress/targets/S1-T1-01/units/420102S01/",
    "/progress/targets/S1-T1-01/units/420102S01C01/",
    "/progress/targets/S2-T1-11/units/420102S01/",
    "/progress/api/overview.json",
    "/progress/api/lagging.json",
    "/progress/api/targets/S1-T1-01/units.json",
    "/progress/api/targets/S1-T1-01/series.json",
    "/progress/api/targets/S1-T1-01/series.json?unit=420102S01C01",
]
_PER_RESPONSE = re.compile(r'(nonce|value|content)="[^"]*"|"X-CSRFToken": "[^"]*"')


def _as_rows() -> None:
    """Store every block's statuses as TargetStatus rows instead, as the batch path wrote them before blocks."""
    rows = [s for b in StatusBlock.objects.all() for s in statusblocks.block_statuses(b)]
    StatusBlock.objects.all().delete()
    TargetStatus.objects.bulk_create(rows)
    for cache in caches.all():
        cache.clear()


def _pages(client: Client) -> dict[str, str]:
    out = {}
    for url in STREET_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = _PER_RESPONSE.sub("", response.content.decode())  # CSP nonce, CSRF token
    return out


def test_a_street_user_sees_the_same_pages_from_blocks_as_from_rows(
    deep: dict[str, Unit], client_for: Any
) -> None:
    street_user = client_for("street1", "reporter", deep[STREET])
    from_blocks = _pages(street_user)
    assert "进展顺利" in from_blocks["/progress/"] or "已达标" in from_blocks["/progress/"]
    _as_rows()
    assert _pages(street_user) == from_blocks


def test_a_street_users_screens_show_batch_statuses(deep: dict[str, Unit], make_user: Any) -> None:
    street, community = deep[STREET], deep[COMMUNITY]
    user = make_user("street2", "reporter", street)
    ov = selectors.overview(user)
    assert ov is not None
    assert ov.unit == street
    assert ov.dates == [AS_OF, EARLIER]
    cells = [c for b in ov.systems for t in b.tasks for c in t.cells]
    assert sum(1 for c in cells if c.status is not None) > 50
    target = Target.objects.get(code="S1-T1-01")
    assert [h.as_of for h in selectors.history(target, street)] == [EARLIER, AS_OF]
    assert selectors.unit_statuses(target, [community], AS_OF)[community.id].unit_id == community.id
    unit, on, lags = selectors.lagging(user)
    assert unit == street
    assert on == AS_OF
    assert lags
    assert {lag.status.unit.code for lag in lags} <= {STREET, COMMUNITY}
    for lag in lags:
        assert lag.status.target.task.system.code
        assert lag.since <= AS_OF
        assert lag.status.status in {str(s) for s in selectors.BAD}


def test_lagging_reads_the_same_from_blocks_as_from_rows(deep: dict[str, Unit], make_user: Any) -> None:
    user = make_user("street3", "reporter", deep[STREET])

    def seen() -> list[tuple[Any, ...]]:
        _, _, lags = selectors.lagging(user)
        return sorted(
            (lag.status.target.code, lag.status.unit.code, lag.status.status, lag.since) for lag in lags
        )

    from_blocks = seen()
    _as_rows()
    assert seen() == from_blocks


def test_street_query_counts_do_not_grow_with_dates(
    deep: dict[str, Unit], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    street_user = client_for("street4", "reporter", deep[STREET])
    counts = {}
    for url in STREET_PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert street_user.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    progress_recompute(actor=None, as_of=date(2024, 6, 30))
    progress_recompute(actor=None, as_of=date(2022, 12, 31))
    for cache in caches.all():
        cache.clear()
    for url in STREET_PAGES:
        with django_assert_max_num_queries(counts[url]):
            assert street_user.get(url).status_code == 200


# ------------------------------------------------------------------------------------------------ districts in batch


def _judged(facts: dict[int, list[Any]]) -> dict[int, set[tuple[str, str, Any]]]:
    return {
        u: {(f.code, str(f.status), f.score) for f in fs if f.status != Status.NOT_ASSESSABLE}
        for u, fs in facts.items()
    }


def test_districts_judged_in_batch_still_feed_the_assessment_and_the_briefing(
    progress_data: dict[str, Unit],
) -> None:
    year_end = date(2024, 12, 31)
    progress_recompute(actor=None, as_of=year_end)
    units = assessed_units()
    exact_facts = _judged(_target_facts(2024, units))
    exact_brief = briefing_data_for(as_of=year_end)

    progress_recompute(actor=None, as_of=year_end, exact_max_depth=0)
    district = progress_data["420102"]
    assert not TargetStatus.objects.filter(as_of=year_end, unit=district).exists()
    assert StatusBlock.objects.filter(as_of=year_end).exists()
    facts = _judged(_target_facts(2024, units))
    assert facts[district.id]
    for unit_id, judged in facts.items():
        assert {(c, s) for c, s, _ in judged} == {(c, s) for c, s, _ in exact_facts[unit_id]}, unit_id
        assert all(
            b == pytest.approx(e, abs=1e-7)
            for (_, _, b), (_, _, e) in zip(sorted(judged), sorted(exact_facts[unit_id]), strict=True)
        )
    brief = briefing_data_for(as_of=year_end)
    assert brief.status_counts == exact_brief.status_counts
    assert brief.praised == exact_brief.praised
    assert brief.lagging == exact_brief.lagging
    assert brief.praised or brief.lagging
