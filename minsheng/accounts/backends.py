"""The password backend, with the per-request user load compiled once per process (ADR 0010), carrying the
registered user facts (ADR 0012), and taken from the session's own statement when it read it (ADR 0014)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from minsheng.common.prepared import PreparedQuery

from . import facts
from .models import User
from .sessions import take_prefetched_user

# The facts are registered in the apps' ready(), before the first request compiles this.
_USER_BY_ID = PreparedQuery(
    User, lambda user_id: facts.signed_in_user(User._default_manager.filter(pk=user_id))
)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend; only `get_user`, run on every signed-in request, skips query compilation, and takes
    the user the session statement read with the session when there is one."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = take_prefetched_user(pk)
        if user is None:
            found = _USER_BY_ID.fetch(pk)
            user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
