"""Every sign-in, failure, lockout and sign-out goes to the audit trail."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from minsheng.audit.services import audit_record


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        from .middleware import LOGIN_AT, SEEN_AT

        now = time.time()
        session[LOGIN_AT] = now
        session[SEEN_AT] = now
    audit_record(actor=user, action="auth.login", target=user, request=request)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The attempted username is kept (it is not a secret); the password never is.
    audit_record(
        actor=None,
        action="auth.login_failed",
        request=request,
        outcome="failure",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def _on_locked_out(sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        action="auth.lockout",
        request=request,
        outcome="denied",
        detail={"username": str(username or "")[:150]},
    )
