"""Reporting fixtures: the Wuhan catalog, a published 2025 ledger, and people in each role."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minsheng.accounts.models import User
from minsheng.org.models import Body, Role, Unit
from minsheng.policy.models import Policy, Target
from minsheng.policy.services import WUHAN_CATALOG, policy_load_file
from minsheng.reporting.models import LedgerItem, LedgerYear
from minsheng.reporting.services import (
    ledger_split_districts,
    ledger_split_plan_target,
    ledger_year_create,
    ledger_year_publish,
)

JOBS = "S1-T1-01"  # 城镇新增就业, cumulative 110 万人, led by 市人社局
UNEMPLOYMENT = "S1-T1-02"  # 城镇登记失业率 ≤ 5 %, level


@dataclass
class World:
    policy: Policy
    year: LedgerYear
    jobs: LedgerItem  # split to districts: Jiang'an and Wuchang report, 市人社局 reviews
    rate: LedgerItem  # lead department reports itself
    units: dict[str, Unit]
    rsj: Unit
    office: User
    jiangan_reporter: User
    jiangan_reviewer: User
    wuchang_reporter: User
    wuchang_reviewer: User
    rsj_reporter: User
    rsj_reviewer: User

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c


@pytest.fixture
def world(org_tree: dict[str, Unit], make_user: Any) -> World:
    policy = policy_load_file(actor=None, path=WUHAN_CATALOG).policy
    units = {u.code: u for u in Unit.objects.all()}
    rsj = Unit.objects.get(kind="department", name="市人社局")
    office = make_user("office", Role.OFFICE, rsj)
    year = ledger_year_create(actor=office, policy=policy, year=2025)
    ledger_split_plan_target(actor=office, target=Target.objects.get(code=JOBS), mode="even")
    jobs = LedgerItem.objects.get(ledger_year=year, code=JOBS)
    ledger_split_districts(actor=office, item=jobs, shares={"420102": Decimal("12"), "420106": Decimal("10")})
    ledger_year_publish(actor=office, ledger_year=year)
    return World(
        policy=policy,
        year=year,
        jobs=jobs,
        rate=LedgerItem.objects.get(ledger_year=year, code=UNEMPLOYMENT),
        units=units,
        rsj=rsj,
        office=office,
        jiangan_reporter=make_user("ja_rep", Role.REPORTER, units["420102"]),
        jiangan_reviewer=make_user("ja_rev", Role.REVIEWER, units["420102"]),
        wuchang_reporter=make_user("wc_rep", Role.REPORTER, units["420106"]),
        wuchang_reviewer=make_user("wc_rev", Role.REVIEWER, units["420106"]),
        rsj_reporter=make_user("rsj_rep", Role.REPORTER, rsj),
        rsj_reviewer=make_user("rsj_rev", Role.REVIEWER, rsj),
    )


@pytest.fixture
def working_group(world: World) -> Body:
    return Body.objects.get(system_code="S1")
