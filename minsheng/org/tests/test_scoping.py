"""A district reporter sees only its own district's objects; a sibling's answers 404, on screens and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minsheng.accounts.services import api_token_create
from minsheng.org.access import unit_scope, units_visible_to
from minsheng.org.models import Role, Unit

pytestmark = pytest.mark.django_db


def test_district_reporter_scope_is_own_subtree(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("r1", Role.REPORTER, org_tree["420102"])
    codes = set(units_visible_to(user).values_list("code", flat=True))
    assert codes == {"420102", "420102S01", "420102S01C01"}
    assert not unit_scope(user).contains(org_tree["420106"])


def test_leader_sees_every_unit(org_tree: dict[str, Unit], make_user: Any) -> None:
    user = make_user("boss", Role.LEADER, org_tree["420100"])
    assert units_visible_to(user).count() == len(org_tree)


def test_user_without_roles_sees_nothing(org_tree: dict[str, Unit], make_user: Any) -> None:
    assert units_visible_to(make_user("nobody")).count() == 0


def test_district_reporter_cannot_open_sibling_district_unit_page(jiangan_reporter: Client) -> None:
    assert jiangan_reporter.get("/org/units/420102/").status_code == 200
    assert jiangan_reporter.get("/org/units/420102S01C01/").status_code == 200
    assert jiangan_reporter.get("/org/units/420106/").status_code == 404
    assert jiangan_reporter.get("/org/units/420106S01/").status_code == 404
    assert jiangan_reporter.get("/org/units/420100/").status_code == 404


def test_district_reporter_cannot_open_sibling_district_unit_in_api(
    org_tree: dict[str, Unit], make_user: Any
) -> None:
    user = make_user("api_rep", Role.REPORTER, org_tree["420102"])
    _token, secret = api_token_create(actor=user, user=user, name="test")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/units/420102").status_code == 200
    assert client.get("/api/v1/units/420106").status_code == 404
    listed = {u["code"] for u in client.get("/api/v1/units?limit=1000").json()["items"]}
    assert listed == {"420102", "420102S01", "420102S01C01"}


def test_api_refuses_anonymous_and_bad_tokens(org_tree: dict[str, Unit]) -> None:
    assert Client().get("/api/v1/units").status_code == 401
    bad = Client(headers={"Authorization": "Bearer ms_notatoken"})
    assert bad.get("/api/v1/units").status_code == 401


def test_tree_page_lists_only_visible_units(jiangan_reporter: Client) -> None:
    body = jiangan_reporter.get("/org/?depth=4").content.decode()
    assert "江岸区" in body
    assert "武昌区" not in body
