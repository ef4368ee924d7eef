"""Unmasking personal data (查看完整信息): who may, on what condition, and the audit event it leaves.

A person holding `accounts.unmask_personal_data` (and so, by SecondFactorMiddleware, signed in with a verified
TOTP code) may read one field's clear value at a time, giving a reason of at least 4 characters. Each unmask
is one audit event `personal_data.unmask` naming the object, the field and the reason, with the value
MASKED, never in clear. At most settings.UNMASK_PER_HOUR per person per hour, counted in the audit trail
itself (so every worker process and a restart agree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from minsheng.audit.selectors import recent_count
from minsheng.audit.services import audit_record
from minsheng.common.domain.masking import mask_address, mask_id_number, mask_name, mask_phone

PERMISSION = "accounts.unmask_personal_data"
ACTION = "personal_data.unmask"
REASON_MIN_CHARS = 4
MASKERS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "phone": mask_phone,
    "id_number": mask_id_number,
    "address": mask_address,
}


class UnmaskRefused(Exception):
    """A refusal the person can act on (Chinese message); `status` is the HTTP answer for it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def may_unmask(user: Any) -> bool:
    """Holds the permission. (A holder reaches any page only after TOTP: SecondFactorMiddleware.)"""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(PERMISSION))


def unmasks_in_last_hour(actor: Any) -> int:
    return recent_count(action=ACTION, actor_id=actor.pk, outcome="success")


def personal_data_unmask(*, actor: Any, target: models.Model, field: str, kind: str, reason: str) -> str:
    """The clear value of `target.field` (masked with the `kind` rule in the audit event), or UnmaskRefused.

    The caller has already fetched `target` through its scoping helper (outside scope → 404)."""
    if not may_unmask(actor):
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    # Checked here as well as by SecondFactorMiddleware, whose permission answer may be a minute old (ADR 0009).
    is_verified = getattr(actor, "is_verified", None)
    if not (callable(is_verified) and is_verified()):
        raise UnmaskRefused(_("查看完整信息前须完成二次验证（动态口令）"), status=403)
    masker = MASKERS[kind]
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN_CHARS:
        raise UnmaskRefused(_("请填写查看理由（不少于%(n)d个字）") % {"n": REASON_MIN_CHARS})
    limit = int(getattr(settings, "UNMASK_PER_HOUR", 20))
    if unmasks_in_last_hour(actor) >= limit:
        audit_record(
            actor=actor,
            action=ACTION,
            target=target,
            outcome="denied",
            detail={"field": field, "reason": reason[:200], "refused": "rate_limit"},
        )
        raise UnmaskRefused(
            _("查看完整信息过于频繁：每小时最多%(n)d次，请稍后再试") % {"n": limit}, status=429
        )
    value = str(getattr(target, field) or "")
    audit_record(
        actor=actor,
        action=ACTION,
        target=target,
        detail={"field": field, "reason": reason[:200], "masked": masker(value)},
    )
    return value
