"""The 考核 from the database: facts from statuses, report slots and returns; scoped screens; the export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from minsheng.audit.models import AuditEvent
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Policy, PolicySystem, Target, Task
from minsheng.progress.assessment_service import (
    assessment_for_user,
    satisfaction_set,
    scheme_for,
    scheme_save,
    unit_facts_for,
)
from minsheng.progress.domain import Status
from minsheng.progress.models import SatisfactionScore, TargetStatus
from minsheng.reporting.models import ApprovalStep, GoalShare, LedgerItem, LedgerYear, Submission

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2026, 6, 30)
JIANGAN, WUCHANG, CITY = "420102", "420106", "420100"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def world(org_tree: dict[str, Unit]) -> dict[str, Any]:
    city, jiangan, wuchang = org_tree[CITY], org_tree[JIANGAN], org_tree[WUCHANG]
    dept = Unit.objects.create(code="420100RS", name="市人社局", kind=UnitKind.DEPARTMENT, parent=city)
    policy = Policy.objects.create(
        code="t-policy", title="测试政策", issuer="武汉市人民政府", is_default=True
    )
    system = PolicySystem.objects.create(policy=policy, code="S1", name="民生保障")
    task = Task.objects.create(
        policy=policy, system=system, code="S1-T1", number=1, title="任务", lead_unit=dept
    )

    def target(code: str) -> Target:
        return Target.objects.create(
            task=task,
            code=code,
            indicator=f"指标{code}",
            comparator=">=",
            value=1,
            unit="%",
            higher_is_better=True,
            kind="level",
            deadline=dt.date(2025, 12, 31),
            lead_unit=dept,
            source_sentence="原文",
        )

    t1, t2 = target("G1"), target("G2")
    end = dt.date(YEAR, 12, 31)

    def status(t: Target, unit: Unit, st: Status) -> None:
        TargetStatus.objects.create(
            target=t,
            unit=unit,
            as_of=end,
            status=st.value,
            status_code=st.code,
            method="test",
            computed_at=timezone.now(),
        )

    status(t1, jiangan, Status.ACHIEVED)
    status(t2, jiangan, Status.LIMITED)
    status(t1, wuchang, Status.ON_TRACK)
    status(t2, wuchang, Status.NOT_ASSESSABLE)
    status(t1, city, Status.ACHIEVED)
    status(t2, city, Status.ON_TRACK)
    # an earlier date is not the assessment date
    TargetStatus.objects.create(
        target=t2,
        unit=wuchang,
        as_of=dt.date(2025, 9, 30),
        status="limited",
        status_code=2,
        method="t",
        computed_at=timezone.now(),
    )

    def item(ly: LedgerYear, code: str, *units: Unit) -> LedgerItem:
        it = LedgerItem.objects.create(
            ledger_year=ly,
            target=t1,
            code=code,
            title="事项",
            lead_unit=dept,
            deadline=dt.date(ly.year, 12, 31),
            frequency="quarterly",
            value_meaning="period_amount",
        )
        for u in units:
            GoalShare.objects.create(item=it, unit=u, value=1)
        return it

    ly24 = LedgerYear.objects.create(policy=policy, year=2024, status="published")
    ly25 = LedgerYear.objects.create(policy=policy, year=2025, status="published")
    old = item(ly24, "L24", jiangan)  # 2024Q4 is due 2025-01-20: counts for 2025
    cur = item(ly25, "L25", jiangan, wuchang)  # Q1–Q3 due in 2025, Q4 due 2026-01-20: not 2025's

    def sub(
        it: LedgerItem, unit: Unit, key: str, due: dt.date, at: dt.datetime | None, st: str
    ) -> Submission:
        return Submission.objects.create(
            item=it,
            unit=unit,
            period_key=key,
            due_on=due,
            submitted_at=at,
            status=st,
            value_meaning="period_amount",
        )

    # 江岸区: 2024Q4 on time; Q1 on time at 23:30 on the due day (returned twice); Q2 late (returned once);
    # Q3 never reported (no row at all) → on time 2, late 1, missing 1, returns 3.
    sub(old, jiangan, "2024Q4", dt.date(2025, 1, 20), _at(dt.date(2025, 1, 10), 9), "approved")
    q1 = sub(cur, jiangan, "2025Q1", dt.date(2025, 4, 20), _at(dt.date(2025, 4, 20), 23, 30), "approved")
    q2 = sub(cur, jiangan, "2025Q2", dt.date(2025, 7, 20), _at(dt.date(2025, 7, 21), 9), "approved")
    for s, n in ((q1, 2), (q2, 1)):
        for _ in range(n):
            ApprovalStep.objects.create(
                submission=s, action="return", from_status="submitted", to_status="returned"
            )
        ApprovalStep.objects.create(
            submission=s, action="approve", from_status="submitted", to_status="approved"
        )
    # 武昌区: Q1 and Q3 on time, Q2 a draft never submitted → on time 2, missing 1.
    sub(cur, wuchang, "2025Q1", dt.date(2025, 4, 20), _at(dt.date(2025, 4, 2), 10), "approved")
    sub(cur, wuchang, "2025Q2", dt.date(2025, 7, 20), None, "draft")
    sub(cur, wuchang, "2025Q3", dt.date(2025, 10, 20), _at(dt.date(2025, 10, 20), 8), "submitted")
    SatisfactionScore.objects.create(year=YEAR, unit=jiangan, score=88.5, source="第三方测评报告")
    return {"city": city, "jiangan": jiangan, "wuchang": wuchang, "dept": dept}


def _facts(code: str) -> Any:
    return next(f for f in unit_facts_for(YEAR, today=TODAY) if f.unit_code == code)


def test_report_slots_count_on_time_late_missing_and_returns(world: dict[str, Any]) -> None:
    j = _facts(JIANGAN)
    assert (j.submissions_on_time, j.submissions_late, j.submissions_missing, j.returns) == (2, 1, 1, 3)
    w = _facts(WUCHANG)
    assert (w.submissions_on_time, w.submissions_late, w.submissions_missing, w.returns) == (2, 0, 1, 0)


def test_slots_not_yet_due_are_not_missing(world: dict[str, Any]) -> None:
    j = next(f for f in unit_facts_for(YEAR, today=dt.date(2025, 8, 1)) if f.unit_code == JIANGAN)
    assert (j.submissions_on_time, j.submissions_late, j.submissions_missing) == (2, 1, 0)


def test_achievement_from_year_end_statuses(world: dict[str, Any]) -> None:
    j = _facts(JIANGAN)
    assert sorted((t.code, t.status) for t in j.targets) == [("G1", Status.ACHIEVED), ("G2", Status.LIMITED)]
    w = _facts(WUCHANG)
    assert sorted((t.code, t.status) for t in w.targets) == [
        ("G1", Status.ON_TRACK),
        ("G2", Status.NOT_ASSESSABLE),
    ]
    dept = _facts("420100RS")  # the department leading both targets: judged on the city rows
    assert sorted((t.code, t.status) for t in dept.targets) == [
        ("G1", Status.ACHIEVED),
        ("G2", Status.ON_TRACK),
    ]


def test_supervision_is_missing_and_satisfaction_only_when_entered(world: dict[str, Any]) -> None:
    j, w = _facts(JIANGAN), _facts(WUCHANG)
    assert (j.supervision_due, j.supervision_closed_on_time) == (0, 0)
    assert j.satisfaction == 88.5
    assert w.satisfaction is None
    view = assessment_for_user(None, YEAR)
    assert view is None  # anonymous: no scope


def test_scores_follow_the_scheme(world: dict[str, Any], make_user: Any) -> None:
    leader = make_user("lead", "leader", world["city"])
    view = assessment_for_user(leader, YEAR, today=TODAY)
    assert view is not None
    j = view.results.for_unit(JIANGAN)
    # achievement 1 of 2 → 50; timeliness (2 + 0.5) / 4 → 62.5; quality 1 − 3/3 → 0; satisfaction 88.5;
    # supervision missing: the other 85% are scaled to 100.
    assert [c.score for c in j.components if c.score is not None] == [50.0, 62.5, 0.0, 88.5]
    assert any("督办" in line for line in j.trail_zh)
    assert j.total == pytest.approx(round((50 * 40 + 62.5 * 20 + 0 * 15 + 88.5 * 10) / 85, 2), abs=0.01)


def test_scheme_save_is_for_the_office_and_validated(world: dict[str, Any], make_user: Any) -> None:
    office = make_user("office1", "office", world["city"])
    reporter = make_user("rep1", "reporter", world["jiangan"])
    with pytest.raises(ValueError, match="sum to 100"):
        scheme_save(actor=office, year=YEAR, values={"achievement": 50.0})
    scheme_save(actor=office, year=YEAR, values={"achievement": 50.0, "satisfaction": 0.0})
    assert scheme_for(YEAR).achievement == 50.0
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        scheme_save(actor=reporter, year=YEAR, values={})
    with pytest.raises(PermissionDenied):
        satisfaction_set(actor=office, year=YEAR, unit=world["wuchang"], score=90, source="x")
    evaluator = make_user("eval1", "evaluator", world["city"])
    satisfaction_set(actor=evaluator, year=YEAR, unit=world["wuchang"], score=91.0, source="测评")
    assert AuditEvent.objects.filter(action="progress.satisfaction_set", outcome="success").count() == 1


def test_leader_sees_every_unit_and_trails(world: dict[str, Any], client_for: Any) -> None:
    page = client_for("lead", "leader", world["city"]).get(f"/progress/assessment/{YEAR}/").content.decode()
    assert f'id="unit-{JIANGAN}"' in page
    assert f'id="unit-{WUCHANG}"' in page
    assert "目标完成（达标率）" in page
    assert 'id="supervision-note"' in page


def test_district_reporter_sees_only_its_own_line(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("rep", "reporter", world["jiangan"])
    page = client.get(f"/progress/assessment/{YEAR}/").content.decode()
    assert f'data-unit="{JIANGAN}"' in page
    assert f'data-unit="{WUCHANG}"' not in page
    assert "武昌区" not in page
    assert "市人社局" not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/progress/assessment/{YEAR}/export.xlsx").content))
    codes = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert JIANGAN in codes
    assert WUCHANG not in codes


def test_no_scope_and_bad_years_get_404(world: dict[str, Any], client_for: Any, make_user: Any) -> None:
    """An account without a business role sees no unit (administrators: tests/test_route_matrix.py)."""
    from django.test import Client

    client = Client()
    client.force_login(make_user("nobody"))
    assert client.get(f"/progress/assessment/{YEAR}/").status_code == 404
    leader = client_for("lead", "leader", world["city"])
    assert leader.get("/progress/assessment/1800/").status_code == 404


def test_export_numbers_are_numeric_and_audited(world: dict[str, Any], client_for: Any) -> None:
    response = client_for("lead", "leader", world["city"]).get(f"/progress/assessment/{YEAR}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if "总分" in [str(c) for c in r])
    total_col = [str(c) for c in rows[header_at]].index("总分")
    totals = [r[total_col] for r in rows[header_at + 1 :] if r[1] in (JIANGAN, WUCHANG)]
    assert len(totals) == 2
    assert all(isinstance(t, int | float) for t in totals)
    assert AuditEvent.objects.filter(action="progress.assessment_export").count() == 1


def test_scheme_form_only_for_the_office(world: dict[str, Any], client_for: Any) -> None:
    office = client_for("off", "office", world["city"])
    assert office.get(f"/progress/assessment/scheme/?year={YEAR}").status_code == 200
    data = {
        "year": YEAR,
        "name": "",
        "achievement": 40,
        "timeliness": 20,
        "quality": 15,
        "supervision": 15,
        "satisfaction": 10,
        "credit_on_track": 1,
        "credit_needs_acceleration": 0.5,
        "credit_limited": 0,
        "credit_deterioration": 0,
        "late_credit": 0.5,
        "returns_for_zero": 1,
        "min_present_weight": 50,
        "decimals": 2,
    }
    assert office.post("/progress/assessment/scheme/", data).status_code == 302
    assert scheme_for(YEAR).credit_needs_acceleration == 0.5
    bad = {**data, "credit_needs_acceleration": 0, "credit_limited": 1}
    assert office.post("/progress/assessment/scheme/", bad).status_code == 200  # re-shown with the error
    leader = client_for("lead", "leader", world["city"])
    assert leader.get(f"/progress/assessment/scheme/?year={YEAR}").status_code == 404
    evaluator = client_for("ev", "evaluator", world["city"])
    assert evaluator.get(f"/progress/assessment/satisfaction/?year={YEAR}").status_code == 200
    posted = evaluator.post(
        f"/progress/assessment/satisfaction/?year={YEAR}",
        {"unit": world["wuchang"].pk, "score": 77, "source": "测评报告"},
    )
    assert posted.status_code == 302
    assert SatisfactionScore.objects.get(year=YEAR, unit=world["wuchang"]).score == 77
    assert office.get(f"/progress/assessment/satisfaction/?year={YEAR}").status_code == 404
