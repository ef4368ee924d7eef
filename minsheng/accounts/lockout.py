"""Sign-in lockout and the per-address rate limit, on top of django-axes.

The guide: 5 failures for one (user, address) or 10 for one user → locked 30 minutes; plus a per-address
limit sized for a district office behind one NAT address (100 failures). Axes supports one failure limit,
so the handler reports a weighted count against a limit of 10:

    max(2 × failures(user, address), failures(user), failures(address) ÷ 10)

which reaches 10 exactly when one of the three limits is reached. Axes counts failures until 30 minutes
have passed since the last one (AXES_COOLOFF_TIME), which is stricter than a 15-minute window.

A successful sign-in clears the user's counters but not the address's: one valid account must not let an
attacker reset the office address's counter. The locked response is the login page with the wrong-password
message and status 200, exactly as for a wrong password, so nobody learns that an account exists or is
locked.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse

from .forms import LoginForm

USER_IP_LIMIT = 5
USER_LIMIT = 10
IP_LIMIT = 100
FAILURE_LIMIT = 10  # AXES_FAILURE_LIMIT: the weighted count below reaches it when any limit is reached
# Order matters: get_failures reads the querysets in this order.
LOCKOUT_PARAMETERS: list[str | list[str]] = [["username", "ip_address"], "username", "ip_address"]


def _sum(qs: QuerySet[Any]) -> int:
    return int(qs.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class MinshengAxesHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        user_ip, user, ip = self.get_user_attempts(request, credentials)
        weighted = max(
            _sum(user_ip) * (FAILURE_LIMIT // USER_IP_LIMIT),
            _sum(user) * (FAILURE_LIMIT // USER_LIMIT),
            _sum(ip) // (IP_LIMIT // FAILURE_LIMIT),
        )
        return int(weighted)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        user_ip, user, _ip = self.filter_user_attempts(request, credentials)
        count = 0
        for attempts in (user_ip, user):
            n, _ = attempts.delete()
            count += n
        return count


class _AlwaysWrongLoginForm(LoginForm):
    """The login form, failing exactly as a wrong password does, without asking the backends again."""

    def clean(self) -> dict[str, Any]:
        raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


_locked_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=_AlwaysWrongLoginForm
)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the same page, message and status as a wrong password."""
    response = _locked_view(request)
    if hasattr(response, "render"):
        response.render()
    assert isinstance(response, HttpResponse)
    return response
