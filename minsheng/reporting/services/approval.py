"""Reviewers' decisions: approve (one level up) or return with a comment."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from ..domain.approval import Action, Status
from ..models import NoticeKind, Submission
from .notify import notices_create
from .progress_feed import observation_from_submission
from .submissions import apply_transition


def _decide(
    actor: Any, submission: Submission, action: Action, comment: str, lock_version: int | None
) -> Submission:
    with transaction.atomic():
        sub = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("item", "item__lead_unit", "unit")
            .get(pk=submission.pk)
        )
        t = apply_transition(sub, actor, action, comment, lock_version)
        if t.to_status == Status.APPROVED:
            # Final approval: the value now counts for progress (same transaction: both or neither).
            observation_from_submission(actor=actor, submission=sub)
        if t.to_status in (Status.RETURNED, Status.APPROVED) and sub.submitted_by is not None:
            verb = "已审定" if t.to_status == Status.APPROVED else "被退回"
            notices_create(
                [sub.submitted_by],
                kind=NoticeKind.APPROVED if t.to_status == Status.APPROVED else NoticeKind.RETURNED,
                message=f"{sub.item.title}（{sub.unit.name}，{sub.period.label_zh}）{verb}"
                + (f"：{comment}" if comment else ""),
                url=reverse("reporting:submission", args=[sub.pk]),
            )
    return sub


def submission_approve(
    *, actor: Any, submission: Submission, comment: str = "", lock_version: int | None = None
) -> Submission:
    """Approve at the current level: the next level decides, or the data are approved and locked."""
    return _decide(actor, submission, Action.APPROVE, comment, lock_version)


def submission_return(
    *, actor: Any, submission: Submission, comment: str, lock_version: int | None = None
) -> Submission:
    """Return to the submitter with a comment (required); they may correct and submit again."""
    return _decide(actor, submission, Action.RETURN, comment, lock_version)
