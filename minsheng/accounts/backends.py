"""The password backend, with the per-request user load compiled once per process (ADR 0010)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from minsheng.common.prepared import PreparedQuery

from .models import User

_USER_BY_ID = PreparedQuery(User, lambda user_id: User._default_manager.filter(pk=user_id))


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend; only `get_user`, run on every signed-in request, skips query compilation."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            found = _USER_BY_ID.fetch(int(user_id))
        except (TypeError, ValueError):
            return None
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
