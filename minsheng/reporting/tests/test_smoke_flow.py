"""The whole path on the service layer: draft → submit → district → department → office → approved."""

from __future__ import annotations

import pytest

from minsheng.reporting.domain.approval import Status
from minsheng.reporting.models import ApprovalStep
from minsheng.reporting.services import (
    SubmissionInput,
    submission_approve,
    submission_submit,
)

from .conftest import World

pytestmark = pytest.mark.django_db


def test_district_report_climbs_three_levels_to_approved(world: World) -> None:
    jiangan = world.units["420102"]
    result = submission_submit(
        actor=world.jiangan_reporter,
        item=world.jobs,
        unit=jiangan,
        period_key="2025Q1",
        data=SubmissionInput(value="3.1", progress="开展招聘会"),
    )
    sub = result.submission
    assert sub.status == Status.SUBMITTED
    assert sub.current_level == "district"
    sub = submission_approve(actor=world.jiangan_reviewer, submission=sub)
    assert sub.current_level == "department"
    sub = submission_approve(actor=world.rsj_reviewer, submission=sub)
    assert sub.current_level == "office"
    sub = submission_approve(actor=world.office, submission=sub)
    assert sub.status == Status.APPROVED
    assert sub.current_level == ""
    assert list(ApprovalStep.objects.filter(submission=sub).values_list("action", "level")) == [
        ("submit", ""),
        ("approve", "district"),
        ("approve", "department"),
        ("approve", "office"),
    ]
