"""Writes of the ingest app: upload, background processing, review decisions, adoption. Each audited.

Upload reads and checks the file in the request, so a bad file is refused before any row exists; the
extraction itself runs as a background job (`tasks.process_document`) that reports progress on the row and
writes every proposal in one transaction, so a document is either wholly processed or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from minsheng.audit.services import audit_record
from minsheng.policy.models import Policy
from minsheng.policy.services import CatalogError, LoadResult, policy_load_catalog

from .access import can_ingest
from .domain import IngestError, extract_normalised, normalise
from .domain.adoption import AdoptedItem, Header, OutlineEntry, build_catalog
from .domain.uploads import check_size, read_upload
from .models import (
    Decision,
    DocumentStatus,
    IngestDecision,
    IngestDocument,
    Proposal,
    ProposalKind,
    task_path_of,
)

log = logging.getLogger(__name__)


class IngestRefused(ValueError):
    """A write the rules refuse; the message is for people (Chinese)."""


def _require(actor: Any) -> None:
    if not can_ingest(actor):
        raise PermissionDenied("只有专班办公室可以导入政策文件")


# --- upload ---------------------------------------------------------------------------------------


def document_upload(
    *, actor: Any, name: str, size: int, data: bytes | None = None, stream: Any = None
) -> IngestDocument:
    """Check and read an uploaded file, store its text, and queue the extraction.

    Raises :class:`IngestError` (Chinese `message_zh`) for a refused file; nothing is stored then (the
    refusal is written to the audit trail only).
    """
    _require(actor)
    base = os.path.basename(name.replace("\\", "/"))[:200] or "document"
    try:
        check_size(size)
        if data is None:
            stream.seek(0)
            data = stream.read(size + 1)
        assert data is not None
        text = read_upload(base, data)
    except IngestError as exc:
        audit_record(
            actor=actor,
            action="ingest.upload",
            object_ref=("ingest.ingestdocument", ""),
            outcome="denied",
            detail={"name": base, "size": size, "reason": exc.message_zh},
        )
        raise
    with transaction.atomic():
        document = IngestDocument.objects.create(
            uploaded_by=actor,
            original_name=base,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            text=text,
            status=DocumentStatus.PROCESSING,
            progress_total=len(text),
        )
        audit_record(
            actor=actor,
            action="ingest.upload",
            target=document,
            detail={"name": base, "size": len(data), "sha256": document.sha256, "chars": len(text)},
        )
        transaction.on_commit(lambda: _dispatch(document.pk))
    return document


def _dispatch(document_id: int) -> None:
    """Queue the extraction (runs in-process at once when no broker is configured)."""
    from .tasks import process_document

    process_document.delay(document_id)


# --- processing (the background job) ---------------------------------------------------------------


# A job reports progress at least every few seconds; this long without a sign of life means its worker died.
STALL_SECONDS = 300
MAX_ATTEMPTS = 2


def document_recover_stalled(*, document: IngestDocument, now: dt.datetime | None = None) -> IngestDocument:
    """A document stuck in `processing` (its worker was killed or lost) is queued again once, then failed.

    Called when someone looks at the document (the progress poll), so a dead job never leaves a spinner
    forever. Only the first caller acts: the row is claimed by its `updated_at`.
    """
    now = now or timezone.now()
    if document.status != DocumentStatus.PROCESSING or now - document.updated_at < dt.timedelta(
        seconds=STALL_SECONDS
    ):
        return document
    attempts = int((document.meta or {}).get("attempts", 1))
    if attempts >= MAX_ATTEMPTS:
        return _fail(
            document,
            "处理中断：后台任务两次未能完成，请检查文件后重新上传",
            f"processing stalled {attempts} times (no progress for {STALL_SECONDS}s)",
        )
    with transaction.atomic():
        claimed = IngestDocument.objects.filter(
            pk=document.pk, status=DocumentStatus.PROCESSING, updated_at=document.updated_at
        ).update(
            meta={**(document.meta or {}), "attempts": attempts + 1},
            progress_done=0,
            updated_at=now,
        )
        if claimed:
            audit_record(
                actor=None,
                action="ingest.requeue",
                target=document,
                detail={
                    "attempt": attempts + 1,
                    "stalled_seconds": int((now - document.updated_at).total_seconds()),
                },
            )
            pk = document.pk
            transaction.on_commit(lambda: _dispatch(pk))
    document.refresh_from_db()
    return document


def document_process(*, document_id: int) -> IngestDocument | None:
    """Normalise and extract, reporting progress on the row; then store every proposal in one transaction.

    Idempotent: a document that is no longer `processing` is left alone. A failure marks it `failed` with a
    Chinese message (the engine's, or a generic one) and keeps no proposal.
    """
    document = IngestDocument.objects.filter(pk=document_id, status=DocumentStatus.PROCESSING).first()
    if document is None:
        return None
    rows = IngestDocument.objects.filter(pk=document_id)

    def progress(done: int, total: int) -> None:
        rows.update(progress_done=done, progress_total=total, updated_at=timezone.now())

    try:
        norm = normalise(document.text)
        result = extract_normalised(norm, progress)
    except IngestError as exc:
        return _fail(document, exc.message_zh, exc.message_en)
    except DatabaseError:
        raise  # the progress writes lost the database: not the file's fault, and the stalled-job requeue retries
    except Exception as exc:
        log.exception("ingest: extraction of document %s failed", document_id)
        return _fail(document, "处理失败：文件内容无法解析，请检查文件后重新上传", repr(exc)[:500])
    proposals: list[Proposal] = []
    for target in result.targets:
        data = target.as_dict()
        proposals.append(
            Proposal(
                document=document,
                seq=len(proposals) + 1,
                kind=ProposalKind.TARGET,
                data=data,
                span_start=target.value_span[0],
                span_end=target.value_span[1],
                orig_start=target.value_span_orig[0],
                orig_end=target.value_span_orig[1],
            )
        )
    for commitment in result.commitments:
        data = {
            "verb": commitment.verb,
            "text": commitment.text,
            "sentence": _sentence_around(norm.text, commitment.span),
            "span": {
                "start": commitment.span[0],
                "end": commitment.span[1],
                "orig_start": commitment.span_orig[0],
                "orig_end": commitment.span_orig[1],
            },
            "task": commitment.task,
            "outline": list(commitment.outline),
        }
        proposals.append(
            Proposal(
                document=document,
                seq=len(proposals) + 1,
                kind=ProposalKind.COMMITMENT,
                data=data,
                span_start=commitment.span[0],
                span_end=commitment.span[1],
                orig_start=commitment.span_orig[0],
                orig_end=commitment.span_orig[1],
            )
        )
    meta = result.meta
    with transaction.atomic():
        locked = IngestDocument.objects.select_for_update().filter(pk=document_id).first()
        if locked is None or locked.status != DocumentStatus.PROCESSING:
            return locked
        Proposal.objects.bulk_create(proposals, batch_size=500)
        locked.normalised_text = norm.text
        locked.meta = {
            "title": meta.title,
            "issuer": meta.issuer,
            "document_number": meta.document_number,
            "issued_on": meta.issued_on.isoformat() if meta.issued_on else None,
            "plan_end_year": meta.plan_end_year,
            "outline": [
                {
                    "level": str(n.level),
                    "number": n.number,
                    "label": n.label,
                    "title": n.title,
                    "start": n.start,
                    "end": n.end,
                    "path": list(n.path),
                    "repaired": n.repaired,
                }
                for n in result.outline
            ],
            "flags": [
                {
                    "kind": f.kind,
                    "start": f.start,
                    "end": f.end,
                    "orig_start": f.orig_start,
                    "orig_end": f.orig_end,
                    "text": f.text,
                    "suggestion": f.suggestion,
                    "complete": f.complete,
                    "note": f.note,
                }
                for f in result.flags
            ],
            "duplicates": len(result.duplicates),
        }
        locked.status = DocumentStatus.READY
        locked.progress_done = locked.progress_total = len(norm.text)
        locked.save()
        audit_record(
            actor=None,
            action="ingest.process",
            target=locked,
            detail={
                "targets": len(result.targets),
                "commitments": len(result.commitments),
                "flags": len(result.flags),
            },
        )
    return locked


def _sentence_around(text: str, span: tuple[int, int]) -> str:
    stops = "。；;！？!?\n"
    start = max((text.rfind(c, 0, span[0]) for c in stops), default=-1) + 1
    ends = [i for i in (text.find(c, span[1]) for c in stops) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


def _fail(document: IngestDocument, message_zh: str, message_en: str) -> IngestDocument:
    with transaction.atomic():
        IngestDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED, error_message=message_zh, updated_at=timezone.now()
        )
        audit_record(
            actor=None,
            action="ingest.process",
            target=document,
            outcome="failure",
            detail={"reason": message_zh, "error": message_en[:300]},
        )
    document.refresh_from_db()
    return document


# --- review ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """The reviewer's values for one proposal (validated by the form)."""

    indicator: str
    task_path: str
    comparator: str = ""
    value: Decimal | None = None
    value_max: Decimal | None = None
    unit: str = ""
    kind: str = ""
    deadline: dt.date | None = None
    firmness: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "comparator": self.comparator,
            "value": None if self.value is None else str(self.value),
            "value_max": None if self.value_max is None else str(self.value_max),
            "unit": self.unit,
            "kind": self.kind,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "firmness": self.firmness,
            "task": self.task_path,
        }


def proposal_decide(
    *, actor: Any, proposal: Proposal, decision: str, correction: Correction | None = None
) -> Proposal:
    """Record a decision (accept, correct with values, reject, or back to pending) with its history row."""
    _require(actor)
    if decision not in Decision.values:
        raise IngestRefused("未知的审核结论")
    if decision == Decision.CORRECTED and correction is None:
        raise IngestRefused("更正须填写更正后的内容")
    with transaction.atomic():
        document = IngestDocument.objects.select_for_update().get(pk=proposal.document_id)
        if document.status != DocumentStatus.READY:
            raise IngestRefused("该文件已采用或尚未处理完成，不能再修改审核结论")
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.decision = decision
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        values: dict[str, Any] = {}
        if decision == Decision.CORRECTED and correction is not None:
            proposal.indicator = correction.indicator
            proposal.task_path = correction.task_path
            proposal.comparator = correction.comparator
            proposal.value = correction.value
            proposal.value_max = correction.value_max
            proposal.unit = correction.unit
            proposal.target_kind = correction.kind
            proposal.deadline = correction.deadline
            proposal.firmness = correction.firmness
            values = correction.as_json()
        proposal.save()
        IngestDecision.objects.create(proposal=proposal, decision=decision, values=values, actor=actor)
        audit_record(
            actor=actor,
            action="ingest.decide",
            target=proposal,
            detail={"document": document.pk, "decision": decision, **({"values": values} if values else {})},
        )
    return proposal


# --- adoption -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptInput:
    """The policy header as the office confirmed it (prefilled from the document's recovered meta)."""

    title: str
    issuer: str
    document_number: str = ""
    issued_on: dt.date | None = None
    plan_end_year: int = 2025


def adoption_items(document: IngestDocument) -> list[AdoptedItem]:
    """The accepted and corrected proposals as catalog items, in document order."""
    items: list[AdoptedItem] = []
    chosen = document.proposals.filter(decision__in=(Decision.ACCEPTED, Decision.CORRECTED)).order_by("seq")
    for p in chosen:
        values = p.effective()
        data = p.data
        sentence = str(data.get("sentence") or data.get("text") or "")
        note = f"政策文本导入：文件 #{document.pk} 建议 #{p.seq}" + (
            "，审核时更正" if p.decision == Decision.CORRECTED else ""
        )
        if p.is_target:
            items.append(
                AdoptedItem(
                    kind="target",
                    indicator=str(values["indicator"]),
                    sentence=sentence,
                    task_path=str(values["task"]),
                    deadline=values["deadline"],
                    comparator=str(values["comparator"]),
                    value=values["value"],
                    value_max=values["value_max"],
                    unit=str(values["unit"]),
                    target_kind=str(values["kind"]),
                    firmness=str(values["firmness"] or "none"),
                    value_text=str(data.get("value_text") or ""),
                    note=note,
                )
            )
        else:
            items.append(
                AdoptedItem(
                    kind="commitment",
                    indicator=str(values["indicator"]),
                    sentence=sentence,
                    task_path=str(values["task"]),
                    deadline=values["deadline"],
                )
            )
    return items


def outline_entries(document: IngestDocument) -> list[OutlineEntry]:
    return [
        OutlineEntry(
            level=str(n["level"]),
            number=int(n["number"]),
            label=str(n["label"]),
            title=str(n["title"]),
            path=tuple(n["path"]),
        )
        for n in (document.meta or {}).get("outline", [])
    ]


def policy_code_for(document: IngestDocument) -> str:
    return f"ingest-{document.pk}"


def document_adopt(*, actor: Any, document: IngestDocument, header: AdoptInput) -> LoadResult:
    """Turn the accepted and corrected proposals into a new (not default) policy catalog, once.

    Refused when the document is not ready for review, was adopted already, or has nothing accepted.
    """
    _require(actor)
    with transaction.atomic():
        locked = IngestDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == DocumentStatus.ADOPTED:
            raise IngestRefused("该文件已采用为政策目录，不能重复采用")
        if locked.status != DocumentStatus.READY:
            raise IngestRefused("文件尚未处理完成，不能采用")
        items = adoption_items(locked)
        if not items:
            raise IngestRefused("没有已接受的建议：请先接受或更正至少一条")
        code = policy_code_for(locked)
        if Policy.objects.filter(code=code).exists():
            raise IngestRefused("该文件对应的政策目录已存在，不能重复采用")
        try:
            catalog = build_catalog(
                Header(
                    code=code,
                    title=header.title,
                    issuer=header.issuer,
                    document_number=header.document_number,
                    issued_on=header.issued_on,
                    plan_end_year=header.plan_end_year,
                    source=f"政策文本导入：{locked.original_name}（sha256 {locked.sha256[:12]}）",
                ),
                outline_entries(locked),
                items,
            )
        except (PydanticValidationError, ValueError) as exc:
            raise IngestRefused(f"目录校验失败：{_first_error(exc)}") from exc
        try:
            result = policy_load_catalog(actor=actor, catalog=catalog, make_default=False)
        except CatalogError as exc:
            raise IngestRefused(str(exc)) from exc
        locked.status = DocumentStatus.ADOPTED
        locked.adopted_policy = result.policy
        locked.adopted_by = actor
        locked.adopted_at = timezone.now()
        locked.meta = {
            **(locked.meta or {}),
            "adopted_header": {
                "title": header.title,
                "issuer": header.issuer,
                "document_number": header.document_number,
                "issued_on": header.issued_on.isoformat() if header.issued_on else None,
                "plan_end_year": header.plan_end_year,
            },
        }
        locked.save()
        audit_record(
            actor=actor,
            action="ingest.adopt",
            target=locked,
            detail={
                "policy": result.policy.code,
                "targets": result.targets,
                "commitments": result.commitments,
            },
        )
    document.refresh_from_db()
    return result


def _first_error(exc: Exception) -> str:
    if isinstance(exc, PydanticValidationError):
        errors = exc.errors()
        if errors:
            return str(errors[0].get("msg", ""))
    return str(exc)


__all__ = [
    "AdoptInput",
    "Correction",
    "IngestRefused",
    "document_adopt",
    "document_process",
    "document_upload",
    "proposal_decide",
    "task_path_of",
]
