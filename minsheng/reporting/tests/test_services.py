"""Ledger setup, submissions, approvals, corrections and reminders on the service layer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from minsheng.org.models import Role
from minsheng.policy.models import Target
from minsheng.reporting.domain.approval import Status
from minsheng.reporting.models import (
    ApprovalStep,
    ImmutableRowError,
    LedgerItem,
    Notice,
    ReminderLog,
    Submission,
)
from minsheng.reporting.services import (
    ConflictError,
    ReportingError,
    SubmissionInput,
    SubmissionInvalid,
    ledger_split_districts,
    ledger_split_plan_target,
    ledger_year_create,
    reminders_send,
    submission_approve,
    submission_correct,
    submission_return,
    submission_save_draft,
    submission_submit,
)

from .conftest import World

pytestmark = pytest.mark.django_db


def _submit(world: World, value: str = "3", period: str = "2025Q1", **kw: Any) -> Submission:
    return submission_submit(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=world.units["420102"],
        period_key=period,
        data=SubmissionInput(value=value, **kw),
    ).submission


def _approve_all(world: World, sub: Submission) -> Submission:
    for reviewer in (world.jiangan_reviewer, world.rsj_reviewer, world.office):
        sub = submission_approve(actor=reviewer, submission=sub)
    return sub


def test_only_the_office_sets_up_a_year(world: World) -> None:
    with pytest.raises(PermissionDenied):
        ledger_year_create(actor=world.rsj_reviewer, policy=world.policy, year=2024)
    year = ledger_year_create(actor=world.office, policy=world.policy, year=2024)
    items = LedgerItem.objects.filter(ledger_year=year)
    assert items.filter(target__isnull=False).count() == Target.objects.count()
    assert items.filter(commitment__isnull=False, milestones__isnull=False).exists()
    jobs = items.get(code="S1-T1-01")
    assert jobs.goal_value == Decimal(22)  # from the even plan split made in the fixture
    assert jobs.value_meaning == "running_total"
    with pytest.raises(ReportingError, match="已存在"):
        ledger_year_create(actor=world.office, policy=world.policy, year=2024)


def test_manual_plan_split_that_does_not_add_up_is_saved_with_a_warning(world: World) -> None:
    target = Target.objects.get(code="S1-T1-01")
    result = ledger_split_plan_target(
        actor=world.office,
        target=target,
        mode={2021: Decimal(20), 2022: Decimal(20), 2023: Decimal(20), 2024: Decimal(20), 2025: Decimal(25)},
    )
    assert result.warning is not None
    assert result.warning.difference == Decimal(-5)
    world.jobs.refresh_from_db()
    assert world.jobs.goal_value == Decimal(25)
    ok = ledger_split_plan_target(actor=world.office, target=target, mode="even")
    assert ok.warning is None


def test_district_split_warns_when_shares_do_not_add_up(world: World) -> None:
    # the fixture gave 12 + 10 of a 22 goal: adds up
    result = ledger_split_districts(actor=world.office, item=world.jobs, shares={"420102": Decimal(12)})
    assert result.warning is not None
    assert "不一致" in result.warning.message
    with pytest.raises(ReportingError, match="不是区"):
        ledger_split_districts(actor=world.office, item=world.jobs, shares={"420102S01": Decimal(1)})


def test_validation_runs_on_submit_and_binds_messages_to_fields(world: World) -> None:
    with pytest.raises(SubmissionInvalid) as exc:
        _submit(world, value="220000")
    assert exc.value.errors == {"value": ["疑似按“人”填报，单位应为“万人”"]}
    _approve_all(world, _submit(world, value="5"))
    with pytest.raises(SubmissionInvalid) as exc:
        _submit(world, value="4", period="2025Q2")
    assert "本年累计值不能小于上期累计值" in exc.value.errors["value"][0]


def test_nobody_approves_their_own_submission_or_skips_a_level(world: World, make_user: Any) -> None:
    both = make_user("both", Role.REPORTER, world.units["420102"])
    from minsheng.org.services import role_grant

    role_grant(actor=None, user=both, unit=world.units["420102"], role=Role.REVIEWER)
    sub = submission_submit(
        actor=both,
        item=world.jobs,
        unit=world.units["420102"],
        period_key="2025Q1",
        data=SubmissionInput(value="3"),
    ).submission
    with pytest.raises(PermissionDenied, match="本人"):
        submission_approve(actor=both, submission=sub)
    with pytest.raises(PermissionDenied, match="区审核"):
        submission_approve(actor=world.rsj_reviewer, submission=sub)
    with pytest.raises(PermissionDenied):
        submission_approve(actor=world.office, submission=sub)
    with pytest.raises(PermissionDenied):
        submission_approve(actor=world.wuchang_reviewer, submission=sub)
    assert ApprovalStep.objects.filter(submission=sub).count() == 1


def test_approved_data_are_locked_and_corrected_by_a_new_version(world: World) -> None:
    sub = _approve_all(world, _submit(world))
    assert sub.status == Status.APPROVED
    with pytest.raises(ReportingError):
        submission_save_draft(
            actor=world.jiangan_reporter,
            item=world.jobs,
            unit=world.units["420102"],
            period_key="2025Q1",
            data=SubmissionInput(value="4"),
            lock_version=None,
        )
    with pytest.raises(ConflictError):
        _submit(world, value="4")
    with pytest.raises(SubmissionInvalid):
        submission_correct(
            actor=world.jiangan_reporter, submission=sub, data=SubmissionInput(value="4"), reason=" "
        )
    new = submission_correct(
        actor=world.jiangan_reporter, submission=sub, data=SubmissionInput(value="3.4"), reason="漏报一家企业"
    )
    sub.refresh_from_db()
    assert (new.version, new.supersedes_id, new.status, new.is_current) == (2, sub.pk, "submitted", True)
    assert (sub.status, sub.is_current, sub.value) == ("approved", False, Decimal(3))
    step = ApprovalStep.objects.filter(submission=sub).first()
    assert step is not None
    with pytest.raises(ImmutableRowError):
        step.save()


def test_return_goes_back_to_the_reporter_with_the_comment(world: World) -> None:
    sub = submission_approve(actor=world.jiangan_reviewer, submission=_submit(world))
    sub = submission_return(actor=world.rsj_reviewer, submission=sub, comment="请补充佐证")
    assert sub.status == Status.RETURNED
    assert Notice.objects.filter(
        user=world.jiangan_reporter, kind="returned", message__contains="请补充佐证"
    ).exists()
    again = _submit(world, value="3.2")
    assert again.pk == sub.pk
    assert again.current_level == "district"


def test_two_saves_with_the_same_lock_version_conflict(world: World) -> None:
    args: dict[str, Any] = {
        "actor": world.jiangan_reporter,
        "item": world.jobs,
        "unit": world.units["420102"],
        "period_key": "2025Q1",
    }
    sub, _ = submission_save_draft(**args, data=SubmissionInput(value="1"), lock_version=None)
    seen = sub.lock_version
    submission_save_draft(**args, data=SubmissionInput(value="2"), lock_version=seen)
    with pytest.raises(ConflictError):
        submission_save_draft(**args, data=SubmissionInput(value="3"), lock_version=seen)
    sub.refresh_from_db()
    assert sub.value == Decimal(2)


def test_reporter_of_a_sibling_district_cannot_write(world: World) -> None:
    with pytest.raises(PermissionDenied):
        submission_submit(
            actor=world.wuchang_reporter,
            item=world.jobs,
            unit=world.units["420102"],
            period_key="2025Q1",
            data=SubmissionInput(value="1"),
        )


def test_reminders_are_sent_once_per_item_unit_period_and_kind(world: World) -> None:
    world.jiangan_reporter.email = "ja@example.cn"
    world.jiangan_reporter.save()
    due_soon_day = dt.date(2025, 4, 17)  # Q1 due 2025-04-20
    first = reminders_send(today=due_soon_day)
    assert first.reminders >= 3  # Jiang'an, Wuchang on jobs; 市人社局 on every item it leads
    assert Notice.objects.filter(user=world.jiangan_reporter, kind="due_soon").count() == 1
    assert len(mail.outbox) >= 1
    again = reminders_send(today=due_soon_day)
    assert again.reminders == 0
    overdue = reminders_send(today=dt.date(2025, 4, 25))
    assert overdue.reminders == first.reminders
    assert Notice.objects.filter(user=world.jiangan_reporter, kind="overdue").count() == 1
    call_command("remind", today="2025-04-25")
    assert ReminderLog.objects.count() == first.reminders * 2


def test_submitted_reports_get_no_reminder(world: World) -> None:
    _submit(world)
    reminders_send(today=dt.date(2025, 4, 17))
    assert not Notice.objects.filter(user=world.jiangan_reporter, kind="due_soon").exists()


def test_celery_task_runs_eagerly(world: World) -> None:
    from minsheng.reporting.tasks import send_reminders

    assert send_reminders.delay("2025-04-17").get()["reminders"] >= 3
