from __future__ import annotations

from django.http import HttpRequest

from .selectors import unread_notice_count


def notices(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count (one indexed COUNT per page for signed-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notices": 0}
    return {"unread_notices": unread_notice_count(user)}
