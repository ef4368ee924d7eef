"""Evidence files: checked, written under a random name outside any served folder, then recorded."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from minsheng.audit.services import audit_record

from ..access import can_report
from ..domain.approval import Status
from ..domain.filecheck import FileRejected, check_evidence
from ..models import Evidence, Submission
from .errors import ReportingError

logger = logging.getLogger(__name__)


def evidence_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "evidence"


def evidence_path(evidence: Evidence) -> Path:
    name = evidence.storage_name
    return evidence_root() / name[:2] / name


def _write(stream: IO[bytes], target: Path) -> tuple[int, str]:
    """Copy to a temporary file beside `target`, then rename: a failed write leaves no partial file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "xb") as out:
            stream.seek(0)
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def evidence_add(*, actor: Any, submission: Submission, name: str, size: int, stream: IO[bytes]) -> Evidence:
    """Attach a file to a draft or returned report. The file is written first, then the row, in one
    transaction; if the row cannot be written the file is removed, so nothing half-done remains."""
    if not can_report(actor, submission.item, submission.unit):
        raise PermissionDenied("您不能为该报送上传佐证材料")
    if submission.status not in (Status.DRAFT, Status.RETURNED):
        raise ReportingError("只有草稿或已退回的报送可以上传佐证材料")
    try:
        checked = check_evidence(name, size, stream)
    except FileRejected as exc:
        audit_record(
            actor=actor,
            action="reporting.evidence_add",
            target=submission,
            outcome="denied",
            detail={"name": name[:200], "reason": str(exc)},
        )
        raise ReportingError(str(exc)) from exc
    storage_name = uuid.uuid4().hex
    target = evidence_root() / storage_name[:2] / storage_name
    try:
        written, sha = _write(stream, target)
    except OSError as exc:
        # A full disk (ENOSPC), a quota (EDQUOT) or any other write failure: `_write` has removed the partial
        # file and no row exists yet, so nothing half-done remains; the reporter gets a plain message.
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        logger.error("evidence write failed: %s", errno.errorcode.get(exc.errno or 0, type(exc).__name__))
        audit_record(
            actor=actor,
            action="reporting.evidence_add",
            target=submission,
            outcome="failed",
            detail={"name": name[:200], "reason": "disk_full" if full else "write_error"},
        )
        message = "服务器存储空间已满" if full else "服务器无法保存文件"
        raise ReportingError(f"{message}，文件未保存，请稍后重试或联系系统管理员") from exc
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                submission=submission,
                original_name=os.path.basename(name)[:200],
                storage_name=storage_name,
                extension=checked.extension,
                content_type=checked.content_type,
                size_bytes=written,
                sha256=sha,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="reporting.evidence_add",
                target=evidence,
                detail={"submission": submission.pk, "name": evidence.original_name, "size": written},
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return evidence
