"""Account writes: API tokens. Each takes `actor=` and is audited."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from minsheng.audit.services import audit_record

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
