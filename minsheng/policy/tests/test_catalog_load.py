"""Loading the Wuhan catalog into the database, serving it on screens, API and CLI."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from minsheng.org.models import Role, Unit
from minsheng.policy.models import Commitment, Policy, Target
from minsheng.policy.services import WUHAN_CATALOG, CatalogError, catalog_parse, policy_load_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(org_tree: dict[str, Unit]) -> Policy:
    return policy_load_file(actor=None, path=WUHAN_CATALOG).policy


def _yaml_target_count() -> int:
    return len(catalog_parse(WUHAN_CATALOG.read_text(encoding="utf-8")).iter_targets())


def test_loading_twice_changes_nothing(catalog: Policy) -> None:
    n = Target.objects.count()
    assert n == _yaml_target_count()
    policy_load_file(actor=None, path=WUHAN_CATALOG)
    assert Target.objects.count() == n
    assert Policy.objects.filter(is_default=True).count() == 1


def test_loaded_values_match_the_file_exactly(catalog: Policy) -> None:
    parsed = catalog_parse(WUHAN_CATALOG.read_text(encoding="utf-8"))
    for _system, task, entry in parsed.iter_targets():
        row = Target.objects.get(task__code=task.code, code=entry.code)
        assert row.value == entry.value
        assert row.value_max == entry.value_max
        assert (row.unit, row.comparator, row.kind) == (entry.unit, entry.comparator, entry.kind)
        assert row.source_sentence == entry.source_sentence


def test_working_groups_have_their_offices(catalog: Policy) -> None:
    offices = {s.code: s.office_unit.name for s in catalog.systems.all() if s.office_unit}
    assert offices == {"S1": "市人社局", "S2": "市卫健委", "S3": "市公安局"}
    assert Commitment.objects.filter(task__policy=catalog).exists()


def test_invalid_catalog_is_refused_with_chinese_message() -> None:
    with pytest.raises(CatalogError, match="校验失败"):
        catalog_parse("policy: {code: x}\nsystems: []\n")
    with pytest.raises(CatalogError, match="YAML"):
        catalog_parse("policy: [unclosed")


def test_range_target_needs_a_maximum() -> None:
    text = WUHAN_CATALOG.read_text(encoding="utf-8")
    parsed = catalog_parse(text)
    ranges = [t for _s, _t, t in parsed.iter_targets() if t.comparator == "range"]
    assert ranges, "the Wuhan catalog has the 1—2 national regional medical centres range"
    assert all(t.value_max is not None and t.value_max > t.value for t in ranges)


def test_targets_command_prints_json_catalog(catalog: Policy) -> None:
    out = StringIO()
    call_command("targets", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == _yaml_target_count()
    required = {
        "code",
        "indicator",
        "comparator",
        "value",
        "value_max",
        "unit",
        "higher_is_better",
        "kind",
        "deadline",
        "lead_unit",
        "task",
        "source_sentence",
    }
    assert all(required <= set(r) for r in rows)
    jobs = next(r for r in rows if r["indicator"] == "城镇新增就业")
    assert (jobs["value"], jobs["unit"], jobs["comparator"], jobs["kind"]) == (
        110,
        "万人",
        ">=",
        "cumulative",
    )


def test_catalog_screens_for_a_district_reporter(
    catalog: Policy, client_for: Any, org_tree: dict[str, Unit]
) -> None:
    client: Client = client_for("rep", Role.REPORTER, org_tree["420102"])
    page = client.get("/catalog/")
    assert page.status_code == 200
    assert "城镇新增就业" in page.content.decode()
    target = Target.objects.get(indicator="城镇新增就业")
    detail = client.get(f"/catalog/{catalog.code}/targets/{target.code}/")
    assert detail.status_code == 200
    assert target.source_sentence in detail.content.decode()
    assert client.get(f"/catalog/{catalog.code}/targets/NOPE/").status_code == 404
    lead = target.lead_unit
    assert lead is not None
    filtered = client.get(f"/catalog/?lead={lead.code}").content.decode()
    assert "城镇新增就业" in filtered


def test_catalog_requires_sign_in(catalog: Policy) -> None:
    response = Client().get("/catalog/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_api_lists_targets_with_token(catalog: Policy, make_user: Any, org_tree: dict[str, Unit]) -> None:
    from minsheng.accounts.services import api_token_create

    user = make_user("machine", Role.REPORTER, org_tree["420102"])
    _t, secret = api_token_create(actor=user, user=user, name="12345热线")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    listed = client.get("/api/v1/targets?limit=500").json()
    assert listed["count"] == _yaml_target_count()
    one = client.get(f"/api/v1/targets/{catalog.code}/{listed['items'][0]['code']}")
    assert one.status_code == 200
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/targets" in schema.json()["paths"]


def test_english_interface_is_available(catalog: Policy, client_for: Any, org_tree: dict[str, Unit]) -> None:
    client: Client = client_for("lead", Role.LEADER, org_tree["420100"])
    zh = client.get("/catalog/").content.decode()
    en = client.get("/en/catalog/").content.decode()
    assert "目标目录" in zh
    assert "Target catalog" in en
