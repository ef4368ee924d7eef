"""The password backend, with the per-request user load compiled once per process (ADR 0010) and carrying the
registered user facts (ADR 0012)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from minsheng.common.prepared import PreparedQuery

from . import facts
from .models import User

# The facts are registered in the apps' ready(), before the first request compiles this. The encrypted real-name
# fields are left out: every field read would decrypt them on every request, and only the profile needs them
# (reading one there loads it).
_USER_BY_ID = PreparedQuery(
    User,
    lambda user_id: (
        User._default_manager.filter(pk=user_id)
        .defer("phone", "id_number")
        .annotate(**facts.as_annotations())
    ),
)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend; only `get_user`, run on every signed-in request, skips query compilation."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            found = _USER_BY_ID.fetch(int(user_id))
        except (TypeError, ValueError):
            return None
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
