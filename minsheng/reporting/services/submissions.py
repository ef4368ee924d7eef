"""Filling in and submitting reports: drafts, submission, corrections. People and machines use the same path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.audit.services import audit_record
from minsheng.common.domain.masking import contact_errors
from minsheng.org.models import Unit

from ..access import approval_actor, can_report, unit_in_district
from ..domain import approval as machine
from ..domain.approval import Action, ApprovalError, Level, Status
from ..domain.periods import Period, parse_period
from ..domain.validation import validate
from ..models import ApprovalStep, IdempotencyKey, LedgerItem, NoticeKind, SourceKind, Submission
from ..selectors import due_rule_for, value_context
from .errors import ConflictError, ReportingError, SubmissionInvalid
from .notify import deciders, notices_create


@dataclass(frozen=True)
class SubmissionInput:
    """The only fields a reporter (person or machine) may set: value, narrative, and an outlier reason.

    Status, approver and unit are never taken from input.
    """

    value: str | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    outlier_reason: str = ""
    contact_name: str = ""  # 填报人 (personal data: stored encrypted, shown masked)
    contact_phone: str = ""  # 联系电话 (mobile or landline with area code)


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    duplicate: bool = False


def _check_period(item: LedgerItem, period_key: str) -> Period:
    try:
        period = parse_period(period_key)
    except ValueError as exc:
        raise ReportingError("期间格式不正确") from exc
    if period.year != item.ledger_year.year or period.frequency != item.frequency:
        raise ReportingError("该事项没有这个报送期间")
    return period


def _require_reporter(actor: Any, item: LedgerItem, unit: Unit) -> None:
    if not can_report(actor, item, unit):
        audit_record(
            actor=actor,
            action="reporting.submission_write",
            outcome="denied",
            detail={"item": item.pk, "unit": unit.code},
        )
        raise PermissionDenied("您不能为该单位填报此事项")


def _apply_input(sub: Submission, data: SubmissionInput, value: Any) -> None:
    sub.value = value
    sub.progress = data.progress[:5000]
    sub.problems = data.problems[:5000]
    sub.next_steps = data.next_steps[:5000]
    sub.outlier_reason = data.outlier_reason[:2000]
    # An empty contact keeps the stored one: a colleague's form shows it masked, never in clear, so they
    # cannot send it back; a new contact replaces it.
    if data.contact_name.strip():
        sub.contact_name = data.contact_name.strip()[:50]
    if data.contact_phone.strip():
        sub.contact_phone = data.contact_phone.strip()[:30]


# The columns a reporter's save writes (value, narrative, contact).
INPUT_FIELDS = [
    "value",
    "progress",
    "problems",
    "next_steps",
    "outlier_reason",
    "contact_name",
    "contact_phone",
]


def _locked_current(item: LedgerItem, unit: Unit, period_key: str) -> Submission | None:
    # Lock the submission row only. Submission's default ordering ("item", "unit", …) joins the ledger item
    # and the unit, and a bare FOR UPDATE would lock those rows too: every unit reporting on one item would
    # queue behind one ledger-item row lock, and deadlock with the audit chain's advisory lock under load.
    return (
        Submission.objects.select_for_update(of=("self",))
        .filter(item=item, unit=unit, period_key=period_key, is_current=True)
        .order_by("pk")
        .first()
    )


def _save_with_lock(sub: Submission, expected: int | None, fields: list[str]) -> None:
    """Write `fields` only if nobody saved since `expected`; bump lock_version."""
    if expected is not None and expected != sub.lock_version:
        raise ConflictError("该报送已被他人修改，请刷新后再保存")
    current = sub.lock_version
    sub.lock_version = current + 1
    sub.updated_at = timezone.now()
    values = {f: getattr(sub, f) for f in [*fields, "lock_version", "updated_at"]}
    if Submission.objects.filter(pk=sub.pk, lock_version=current).update(**values) != 1:
        raise ConflictError("该报送已被他人修改，请刷新后再保存")


def _new_submission(actor: Any, item: LedgerItem, unit: Unit, period: Period, **extra: Any) -> Submission:
    chain = machine.effective_chain(item.approval_chain, unit_is_district=unit_in_district(unit))
    # A new row starts at lock version 1: a form opened before any row existed carries 0, so a second
    # browser saving on that form after the first one created the row gets a conflict, not an overwrite.
    extra.setdefault("lock_version", 1)
    return Submission(
        item=item,
        unit=unit,
        period_key=period.key,
        due_on=period.due_on(due_rule_for(item)),
        value_meaning=item.value_meaning,
        chain=[c.value for c in chain],
        created_by=actor,
        source_kind=SourceKind.REPORTED,
        **extra,
    )


def submission_save_draft(
    *,
    actor: Any,
    item: LedgerItem,
    unit: Unit,
    period_key: str,
    data: SubmissionInput,
    lock_version: int | None,
) -> tuple[Submission, dict[str, list[str]]]:
    """Autosave: keep whatever was typed. A value that is not a number is not stored (its error is
    returned); other rule findings are returned as hints and checked again on submission."""
    _require_reporter(actor, item, unit)
    period = _check_period(item, period_key)
    result = validate(
        data.value,
        value_context(item, unit, period.key),
        outlier_reason=data.outlier_reason,
        require_value=False,
    )
    hints = result.by_field() | contact_errors(data.contact_name, data.contact_phone)
    type_error = any(e.code == "type" for e in result.errors)
    try:
        with transaction.atomic():
            sub = _locked_current(item, unit, period.key)
            if sub is None:
                if lock_version not in (None, 0):
                    raise ConflictError("该报送已被他人修改，请刷新后再保存")
                sub = _new_submission(actor, item, unit, period)
                _apply_input(sub, data, None if type_error else result.value)
                sub.save()
                audit_record(actor=actor, action="reporting.draft_create", target=sub)
                return sub, hints
            if sub.status not in (Status.DRAFT, Status.RETURNED):
                raise ReportingError("该报送已提交或已审定，不能再修改草稿")
            _apply_input(sub, data, sub.value if type_error else result.value)
            _save_with_lock(sub, lock_version, INPUT_FIELDS)
    except IntegrityError as exc:
        raise ConflictError("该报送已被他人创建，请刷新后再保存") from exc
    return sub, hints


def _record_step(sub: Submission, actor: Any, t: machine.Transition) -> None:
    ApprovalStep.objects.create(
        submission=sub,
        action=t.action.value,
        level=t.level.value if t.level else "",
        from_status=t.from_status.value,
        to_status=t.to_status.value,
        actor=actor,
        actor_name=str(actor)[:150],
        comment=t.comment[:2000],
    )


def _state_of(sub: Submission) -> machine.ApprovalState:
    return machine.ApprovalState(
        status=Status(sub.status),
        chain=tuple(Level(c) for c in sub.chain),
        level_index=sub.level_index,
        submitter_id=sub.submitted_by_id,
        approvers=tuple(int(a) for a in sub.approvers),
    )


def apply_transition(
    sub: Submission, actor: Any, action: Action, comment: str, expected: int | None
) -> machine.Transition:
    """Run the state machine on a locked row, persist the new state and one history row.

    A stale `expected` lock version is a conflict before anything else: the page the decision was made on
    no longer shows the record as it is, whatever the state machine would say about the new state."""
    if expected is not None and expected != sub.lock_version:
        raise ConflictError("该报送已被他人处理或修改，请刷新后再操作")
    try:
        t = machine.apply(_state_of(sub), action, approval_actor(actor, sub), comment)
    except ApprovalError as exc:
        audit_record(
            actor=actor,
            action=f"reporting.submission_{action.value}",
            target=sub,
            outcome="denied",
            detail={"reason": str(exc)},
        )
        raise PermissionDenied(str(exc)) from exc
    sub.status = t.state.status.value
    sub.level_index = t.state.level_index
    sub.current_level = t.state.current_level.value if t.state.current_level else ""
    sub.approvers = list(t.state.approvers)
    fields = ["status", "level_index", "current_level", "approvers"]
    if action == Action.SUBMIT:
        sub.submitted_by = actor
        sub.submitted_at = timezone.now()
        fields += ["submitted_by", "submitted_at"]
    _save_with_lock(sub, expected, fields)
    _record_step(sub, actor, t)
    audit_record(
        actor=actor,
        action=f"reporting.submission_{action.value}",
        target=sub,
        detail={"level": t.level.value if t.level else "", "to": t.to_status.value},
    )
    if sub.current_level:
        url = reverse("reporting:submission", args=[sub.pk])
        notices_create(
            deciders(sub, Level(sub.current_level)),
            kind=NoticeKind.TO_REVIEW,
            message=f"待审核：{sub.unit.name} {sub.item.title}（{sub.period.label_zh}）",
            url=url,
        )
    return t


def submission_submit(
    *,
    actor: Any,
    item: LedgerItem,
    unit: Unit,
    period_key: str,
    data: SubmissionInput,
    lock_version: int | None = None,
    idempotency_key: str | None = None,
) -> SubmitResult:
    """Validate fully and submit to the first level of the chain. Idempotent on `idempotency_key`.

    Creates the draft when there is none; refuses (409) when the report is already under review or approved.
    """
    _require_reporter(actor, item, unit)
    period = _check_period(item, period_key)
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        seen = IdempotencyKey.objects.filter(client=actor, key=key).select_related("submission").first()
        if seen is not None:
            return SubmitResult(seen.submission, duplicate=True)
    result = validate(data.value, value_context(item, unit, period.key), outlier_reason=data.outlier_reason)
    errors = result.by_field() | contact_errors(data.contact_name, data.contact_phone)
    if errors:
        raise SubmissionInvalid(errors)
    try:
        with transaction.atomic():
            sub = _locked_current(item, unit, period.key)
            if sub is None:
                if lock_version not in (None, 0):
                    raise ConflictError("该报送已被他人修改，请刷新后再提交")
                sub = _new_submission(actor, item, unit, period)
                _apply_input(sub, data, result.value)
                sub.save()
                expected: int | None = sub.lock_version
            else:
                if sub.status not in (Status.DRAFT, Status.RETURNED):
                    raise ConflictError("该报送已提交或已审定；如需更正，请提交更正版本")
                _apply_input(sub, data, result.value)
                _save_with_lock(sub, lock_version, INPUT_FIELDS)
                expected = sub.lock_version
            apply_transition(sub, actor, Action.SUBMIT, "", expected)
            if key:
                IdempotencyKey.objects.create(client=actor, key=key, submission=sub)
    except (IntegrityError, ConflictError) as exc:
        # A retry racing the first attempt with the same key (double-click, client timeout and resend):
        # whichever way the race went (unique index, or the first one already committed), the second one
        # is the same request and answers "duplicate", not a conflict.
        if key:
            seen = IdempotencyKey.objects.filter(client=actor, key=key).select_related("submission").first()
            if seen is not None:
                return SubmitResult(seen.submission, duplicate=True)
        if isinstance(exc, ConflictError):
            raise
        raise ConflictError("该报送已被他人创建或修改，请刷新后重试") from exc
    return SubmitResult(sub)


def submission_correct(
    *, actor: Any, submission: Submission, data: SubmissionInput, reason: str
) -> Submission:
    """Correct approved data: a new version with a reason, superseding the approved one, submitted for
    approval again. The approved version stays as it was (locked) and remains in the history."""
    _require_reporter(actor, submission.item, submission.unit)
    if not reason.strip():
        raise SubmissionInvalid({"correction_reason": ["请填写更正原因"]})
    if submission.status != Status.APPROVED or not submission.is_current:
        raise ReportingError("只有已审定的最新版本可以更正")
    item, unit = submission.item, submission.unit
    result = validate(
        data.value, value_context(item, unit, submission.period_key), outlier_reason=data.outlier_reason
    )
    errors = result.by_field() | contact_errors(data.contact_name, data.contact_phone)
    if errors:
        raise SubmissionInvalid(errors)
    try:
        with transaction.atomic():
            old = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
            if old.status != Status.APPROVED or not old.is_current:
                raise ConflictError("该报送已被他人更正，请刷新")
            Submission.objects.filter(pk=old.pk).update(is_current=False)
            new = _new_submission(
                actor,
                item,
                unit,
                old.period,
                version=old.version + 1,
                supersedes=old,
                correction_reason=reason[:2000],
            )
            new.contact_name, new.contact_phone = old.contact_name, old.contact_phone  # kept unless replaced
            _apply_input(new, data, result.value)
            new.save()
            audit_record(
                actor=actor,
                action="reporting.submission_correct",
                target=new,
                detail={"supersedes": old.pk, "reason": reason[:200]},
            )
            apply_transition(new, actor, Action.SUBMIT, reason, new.lock_version)
    except IntegrityError as exc:
        raise ConflictError("该报送已被他人更正，请刷新") from exc
    return new
