"""Authentication, session lifetime, the second factor and password rotation, enforced on every request.

* Authentication: Django's middleware, resolving the user inside `sessions.resolving`, so the backend takes the
  user the session statement read (ADR 0014).

* Idle timeout: 30 minutes (15 for the three administrators); absolute lifetime 12 hours from sign-in. The idle
  clock is refreshed at most every SESSION_TOUCH_SECONDS (60), so the session row is not rewritten per request.
* TOTP: the three administrators and anyone who may unmask personal data must verify a TOTP code after the
  password before anything but the second-factor pages answers.
* Rotation: a password older than PASSWORD_MAX_AGE_DAYS sends the user to the change-password page.

Times are `time.time()` seconds kept in the session, so tests move the clock with time-machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from minsheng.audit.services import audit_record
from minsheng.common.prepared import PreparedCount

from . import facts, sessions
from .passwords import password_expired

LOGIN_AT = "_ms_login_at"
SEEN_AT = "_ms_seen_at"


def idle_limit(user: Any) -> int:
    if getattr(user, "admin_role", ""):
        return int(getattr(settings, "SESSION_IDLE_SECONDS_ADMIN", 15 * 60))
    return int(getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60))


def touch_interval() -> int:
    """Seconds between two refreshes of the idle clock (and of the session row)."""
    return int(getattr(settings, "SESSION_TOUCH_SECONDS", 60))


def absolute_limit() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))


def _unmask_grants(user: Any, member: Any) -> QuerySet[Permission]:
    """The unmask permission where granted to `user` directly or to a group `member` belongs to (an id, or an
    `OuterRef` to the user for the fact: the prepared count needs each value as its own parameter)."""
    unmask = Permission.objects.filter(content_type__app_label="accounts", codename="unmask_personal_data")
    return unmask.filter(Q(user=user) | Q(group__user=member))


# Asked on every signed-in request: compiled once per process (common/prepared.py, ADR 0010). One indexed
# look-up, so the answer is always current: a permission taken away counts from the next request.
_UNMASK_GRANTS = PreparedCount(
    Permission,
    lambda user_id, member_id: _unmask_grants(user_id, member_id),
)


UNMASK_FACT = "holds_unmask"


def unmask_grant_fact() -> Exists:
    """Registered as a user fact (ADR 0012): the unmask grant, read with the user on every request."""
    return Exists(_unmask_grants(OuterRef("pk"), OuterRef("pk")))


def requires_second_factor(user: Any) -> bool:
    """The three administrators and anyone holding the unmask permission (directly, or through a group, or as
    superuser) must use TOTP. Read from the database on each request (with the user, ADR 0012, or here), so a
    grant counts from the next request."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "admin_role", ""):
        return True
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    held = facts.fact(user, UNMASK_FACT)
    if held is facts.MISSING:
        return _UNMASK_GRANTS.count(user.pk, user.pk) > 0
    return bool(held)


def _exempt(request: HttpRequest, prefixes: tuple[str, ...]) -> bool:
    path = request.path_info
    static = str(getattr(settings, "STATIC_URL", "/static/"))
    if path.startswith(static) or path.startswith("/healthz") or path.startswith("/i18n/"):
        return True
    # Screens may carry a language prefix (/en/…); compare without it.
    parts = path.split("/", 2)
    bare = "/" + parts[2] if len(parts) > 2 and parts[1] in {c for c, _ in settings.LANGUAGES} else path
    return any(bare.startswith(p) for p in prefixes)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's authentication middleware; the user is resolved while the request's session store may hand the
    backend the user it read with the session (ADR 0014). The async `auser` is Django's, unchanged."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _resolve_user(request))  # type: ignore[assignment]  # as Django's


def _resolve_user(request: HttpRequest) -> Any:
    """Django's `auth.get_user`, cached on the request as Django's middleware caches it."""
    if not hasattr(request, "_cached_user"):
        with sessions.resolving(request.session):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


def _unwrapped_user(request: HttpRequest) -> Any:
    """`request.user`, evaluated, and put back on the request without its lazy wrapper.

    Authentication and django-otp wrap the user in `SimpleLazyObject`s; every later attribute read (hundreds per
    page, most from templates) then passes through Python-level proxy methods. This middleware needs the user
    anyway, so from here on the request carries the object itself.
    """
    user = getattr(request, "user", None)
    if not isinstance(user, SimpleLazyObject):
        return user
    while isinstance(user, SimpleLazyObject):  # django-otp's wrapper holds authentication's
        _ = user.is_authenticated  # evaluates it
        user = user._wrapped
    request.user = user
    return user


class SessionLifetimeMiddleware:
    """Ends sessions idle too long or older than the absolute lifetime (audited as auth.session_expired)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = _unwrapped_user(request)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            login_at = float(request.session.get(LOGIN_AT, now))
            seen_at = float(request.session.get(SEEN_AT, now))
            reason = ""
            if now - login_at > absolute_limit():
                reason = "absolute"
            elif now - seen_at > idle_limit(user):
                reason = "idle"
            if reason:
                audit_record(
                    actor=user,
                    action="auth.session_expired",
                    target=user,
                    request=request,
                    detail={"reason": reason},
                )
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": "会话已过期，请重新登录。"}, status=401)
                login_url = reverse(settings.LOGIN_URL)
                return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
            # Refresh the idle clock at most once a minute: a session write on every request was the
            # largest fixed cost of a signed-in page. The idle window is therefore 29–30 minutes.
            if LOGIN_AT not in request.session or now - seen_at >= touch_interval():
                request.session.setdefault(LOGIN_AT, now)
                request.session[SEEN_AT] = now
                request.session.set_expiry(idle_limit(user))
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until TOTP is verified, a user who needs it reaches only the second-factor pages and sign-out."""

    ALLOWED = ("/accounts/otp/", "/accounts/logout/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and requires_second_factor(user)
            and not _session_verified(request)
            and not _exempt(request, self.ALLOWED)
        ):
            if _is_api(request):
                return JsonResponse({"detail": "需要二次验证。"}, status=401)
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _session_verified(request: HttpRequest) -> bool:
    """Verified by a TOTP code in this session (django-otp's OTPMiddleware sets `is_verified`)."""
    is_verified = getattr(request.user, "is_verified", None)
    if callable(is_verified):
        return bool(is_verified())
    # API requests authenticated by bearer token replace request.user; tokens are for machine clients.
    return False


class PasswordExpiryMiddleware:
    """A password older than the rotation period must be changed before anything else."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/accounts/otp/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not _exempt(request, self.ALLOWED)
            and not _is_api(request)
            and password_expired(user)
        ):
            target = reverse("accounts:password_change")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
