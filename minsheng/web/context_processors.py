from __future__ import annotations

from django.http import HttpRequest

from minsheng.ingest.access import can_ingest
from minsheng.org.access import assignments


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the header shows: the user's roles, so people know in which capacity they act."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": []}
    held = assignments(user)
    roles = [f"{ra.get_role_display()} · {ra.unit.name}" for ra in held[:3]]
    if getattr(user, "admin_role", ""):
        roles.insert(0, str(user.get_admin_role_display()))
    return {"nav_roles": roles, "nav_ingest": can_ingest(user, [ra.role for ra in held])}
