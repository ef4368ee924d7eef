"""Account writes: API tokens, one's own contact data. Each takes `actor=` and is audited."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.audit.selectors import recent_count
from minsheng.audit.services import audit_record
from minsheng.common.domain.masking import (
    PHONE_MESSAGE,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalise_phone,
)
from minsheng.common.fields import blind_index

from .models import ApiToken, User


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for a machine client account; returns the row and the secret (shown once)."""
    if actor is not None and actor.pk != user.pk and getattr(actor, "admin_role", "") != "security_admin":
        raise PermissionDenied("只有本人或安全管理员可以签发令牌")
    secret = "ms_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=secret[:10], key_hash=_digest(secret)
        )
        audit_record(
            actor=actor,
            action="accounts.token_create",
            target=token,
            detail={"for": user.username, "name": name},
        )
    return token, secret


def api_token_authenticate(secret: str) -> User | None:
    """The active user a bearer secret belongs to, or None. Touches last_used_at at most once a minute."""
    if not secret.startswith("ms_") or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(secret), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    from .middleware import requires_second_factor

    if requires_second_factor(token.user):
        # Accounts that must use TOTP (administrators, unmaskers) never act through a bearer token.
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit_record(actor=actor, action="accounts.token_revoke", target=token)


class ContactInvalid(Exception):
    """A self-service contact change refused; `errors` maps field names to Chinese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


ID_NUMBER_MESSAGE = "请输入正确的18位居民身份证号码（末位校验码须正确）"
ID_NUMBER_TAKEN = "该身份证号已登记在其他账户，请联系系统管理员"
ID_NUMBER_TRIES = "身份证号核对次数过多，请一小时后再试或联系系统管理员"
# "Already registered elsewhere" tells whether an ID number belongs to some account; each such refusal is
# audited, and after this many in an hour the check is not run at all, so the screen cannot be used to probe
# which ID numbers are registered (counted in the audit trail, so every worker process agrees).
ID_NUMBER_TAKEN_PER_HOUR = 3


def account_contact_update(*, actor: Any, user: User, phone: str = "", id_number: str = "") -> list[str]:
    """Set one's own 手机号 and/or 身份证号 (a blank field keeps the stored value); returns the fields changed.

    Only the account holder changes these here (administrators use the admin screens). Values are validated
    (mobile or landline with area code; GB 11643 ID with its check character), stored encrypted with a blind
    index (ADR 0008), and audited with the masked values only."""
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied("只能修改本人的联系信息")
    phone, id_number = phone.strip(), id_number.strip().upper()
    errors: dict[str, list[str]] = {}
    if phone and not is_valid_phone(phone):
        errors["phone"] = [PHONE_MESSAGE]
    if id_number and not is_valid_id_number(id_number):
        errors["id_number"] = [ID_NUMBER_MESSAGE]
    if errors:
        raise ContactInvalid(errors)
    changed: list[str] = []
    if phone and normalise_phone(phone) != normalise_phone(user.phone or ""):
        user.phone = phone
        changed.append("phone")
    if id_number and id_number != (user.id_number or "").upper():
        if _id_refusals_in_last_hour(user) >= ID_NUMBER_TAKEN_PER_HOUR:
            raise ContactInvalid({"id_number": [ID_NUMBER_TRIES]})
        taken = User.objects.filter(id_number_index=blind_index(id_number, "id_number")).exclude(pk=user.pk)
        if taken.exists():
            _audit_id_taken(actor, user, id_number)
            raise ContactInvalid({"id_number": [ID_NUMBER_TAKEN]})
        user.id_number = id_number
        changed.append("id_number")
    if not changed:
        return []
    try:
        with transaction.atomic():
            user.save(update_fields=[*changed, *(f"{f}_index" for f in changed)])
            _audit_contact_update(actor, user, changed)
    except IntegrityError as exc:  # the same ID number registered by someone else at the same moment
        _audit_id_taken(actor, user, id_number)
        raise ContactInvalid({"id_number": [ID_NUMBER_TAKEN]}) from exc
    return changed


def _id_refusals_in_last_hour(user: User) -> int:
    return recent_count(action="accounts.contact_update", actor_id=user.pk, outcome="denied")


def _audit_id_taken(actor: Any, user: User, id_number: str) -> None:
    audit_record(
        actor=actor,
        action="accounts.contact_update",
        target=user,
        outcome="denied",
        detail={
            "fields": ["id_number"],
            "refused": "id_number_taken",
            "id_number_masked": mask_id_number(id_number),
        },
    )


def _audit_contact_update(actor: Any, user: User, changed: list[str]) -> None:
    audit_record(
        actor=actor,
        action="accounts.contact_update",
        target=user,
        detail={
            "fields": changed,
            # Masked values only, under keys the audit trail keeps (it drops "phone" and "id_number" outright).
            "phone_masked": mask_phone(user.phone) if "phone" in changed else "",
            "id_number_masked": mask_id_number(user.id_number) if "id_number" in changed else "",
        },
    )
