"""The leadership view: what each role sees, 404 outside the scope, query counts that do not grow with rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minsheng.org.models import Unit
from minsheng.policy.models import Target
from minsheng.progress.models import TargetStatus
from minsheng.progress.services import progress_recompute

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

PAGES = [
    "/progress/",
    "/progress/lagging/",
    "/progress/map/?target=S1-T1-02",
    "/progress/targets/S1-T1-01/",
    "/progress/targets/S2-T1-11/",
    "/progress/targets/S1-T1-01/units/420102/",
]
JSON = [
    "/progress/api/overview.json",
    "/progress/api/lagging.json",
    "/progress/api/map.json?target=S1-T1-02",
    "/progress/api/targets/S1-T1-01/series.json",
    "/progress/api/targets/S1-T1-01/units.json",
    "/progress/api/targets/S1-T1-01/series.json?unit=420102",
]


@pytest.mark.parametrize("url", PAGES + JSON)
def test_sign_in_is_required(url: str, statuses: dict[str, Unit]) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES + JSON)
def test_leader_opens_every_screen(url: str, statuses: dict[str, Unit], leader: Client) -> None:
    assert leader.get(url).status_code == 200


def test_overview_colours_every_target_and_counts_statuses(statuses: dict[str, Unit], leader: Client) -> None:
    response = leader.get("/progress/")
    html = response.content.decode()
    n = Target.objects.count()
    rows = TargetStatus.objects.filter(unit=statuses["420100"], as_of=AS_OF)
    assert html.count('class="cell ') == n
    for status in {s.status for s in rows}:
        assert f'class="cell {status}"' in html
    data = leader.get("/progress/api/overview.json").json()
    assert data["unit"]["code"] == "420100"
    assert data["as_of"] == AS_OF.isoformat()
    assert sum(data["counts"].values()) == n
    assert data["counts"]["achieved"] == rows.filter(status="achieved").count()


def test_filter_by_system(statuses: dict[str, Unit], leader: Client) -> None:
    data = leader.get("/progress/api/overview.json?system=S3").json()
    assert [s["code"] for s in data["systems"]] == ["S3"]


def test_district_reporter_sees_own_district_statuses(statuses: dict[str, Unit], jiangan: Client) -> None:
    data = jiangan.get("/progress/api/overview.json").json()
    assert data["unit"]["code"] == "420102"
    jobs = next(
        t for s in data["systems"] for task in s["tasks"] for t in task["targets"] if t["code"] == "S1-T1-01"
    )
    own = TargetStatus.objects.get(target__code="S1-T1-01", unit=statuses["420102"], as_of=AS_OF)
    assert jobs["status"]["status"] == own.status
    series = jiangan.get("/progress/api/targets/S1-T1-01/series.json").json()
    assert series["unit"]["code"] == "420102"
    assert series["points"]
    lag = jiangan.get("/progress/api/lagging.json").json()
    assert {i["unit"] for i in lag["items"]} <= {"420102", "420102S01"}


@pytest.mark.parametrize(
    "url",
    [
        "/progress/targets/S1-T1-01/units/420106/",
        "/progress/targets/S1-T1-01/?parent=420106",
        "/progress/api/targets/S1-T1-01/series.json?unit=420106",
        "/progress/api/targets/S1-T1-01/units.json?parent=420106",
        "/progress/api/targets/S1-T1-01/series.json?unit=420100",
        "/progress/targets/S1-T1-01/units/420100/",
        "/progress/targets/NOPE/",
    ],
)
def test_district_reporter_cannot_open_sibling_district(
    url: str, statuses: dict[str, Unit], jiangan: Client
) -> None:
    assert jiangan.get(url).status_code == 404


def test_map_shows_only_visible_districts(statuses: dict[str, Unit], jiangan: Client, leader: Client) -> None:
    mine = jiangan.get("/progress/api/map.json?target=S1-T1-01").json()
    assert [u["code"] for u in mine["units"]] == ["420102"]
    assert mine["schematic"] is True
    everyone = leader.get("/progress/api/map.json?target=S1-T1-01").json()
    assert len(everyone["units"]) == 17
    html = jiangan.get("/progress/map/?target=S1-T1-01").content.decode()
    assert "不在权限范围" in html
    assert "示意图" in html


def test_lagging_list_names_owner_and_since(statuses: dict[str, Unit], leader: Client) -> None:
    data = leader.get("/progress/api/lagging.json").json()
    assert data["items"]
    bad = {"needs_acceleration", "limited", "deterioration"}
    assert {i["status"] for i in data["items"]} <= bad
    earlier = {
        (s.target.code, s.unit.code): s.status
        for s in TargetStatus.objects.filter(as_of="2023-12-31").select_related("target", "unit")
    }
    for item in data["items"]:
        was_bad = earlier.get((item["target"], item["unit"])) in bad
        assert item["since"] == ("2023-12-31" if was_bad else "2024-12-31")
    assert any(i["lead_unit"] for i in data["items"])


def test_series_marks_sources_and_draws_the_target(statuses: dict[str, Unit], leader: Client) -> None:
    data = leader.get("/progress/api/targets/S1-T1-01/series.json").json()
    assert data["target"]["target_value"] == 110.0
    assert data["trajectory"] == [["2020-12-31", 0.0], ["2025-12-31", 110.0]]
    assert {p["source_kind"] for p in data["points"]} == {"synthetic"}
    assert data["status"]["forecast"]["method"] == "ols-linear-trend, 80% PI"
    assert data["labels"]["synthetic"] == "模拟数据（演示）"
    per_unit = leader.get("/progress/api/targets/S2-T1-11/series.json").json()
    assert per_unit["target"]["target_value"] == 13.0
    assert max(p["value"] for p in per_unit["points"]) <= 13


def test_english_labels(statuses: dict[str, Unit], leader: Client) -> None:
    html = leader.get("/en/progress/").content.decode()
    assert "Target achieved" in html or "On track" in html
    data = leader.get("/en/progress/api/targets/S1-T1-01/series.json").json()
    assert data["labels"]["actual"] == "Actual"
    assert data["target"]["indicator"] == "New urban jobs"


def _more_statuses(org_tree: dict[str, Unit]) -> None:
    # Two more computed dates: more history rows, more lagging candidates.
    progress_recompute(actor=None, as_of=AS_OF.replace(month=6, day=30))
    progress_recompute(actor=None, as_of=AS_OF.replace(year=2022))


@pytest.mark.parametrize("url", PAGES + JSON)
def test_query_count_does_not_grow_with_rows(
    url: str, statuses: dict[str, Unit], leader: Client, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert leader.get(url).status_code == 200
    _more_statuses(statuses)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert leader.get(url).status_code == 200
