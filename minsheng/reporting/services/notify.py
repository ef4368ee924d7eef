"""Who to tell when a submission moves, and the in-application notices (the bell)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from minsheng.org.models import Role, RoleAssignment

from ..access import DISTRICT_KINDS, _working_group_id
from ..domain.approval import Level
from ..models import Notice, Submission


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def deciders(submission: Submission, level: Level) -> list[Any]:
    """The users who decide at `level` for this submission."""
    if level == Level.DISTRICT:
        query = Q(
            role=Role.REVIEWER,
            unit__kind__in=DISTRICT_KINDS,
            unit__path__in=_ancestor_paths(submission.unit.path),
        )
    elif level == Level.DEPARTMENT:
        query = Q(role=Role.REVIEWER, unit_id=submission.item.lead_unit_id)
    else:
        body = _working_group_id(submission.item)
        query = Q(role=Role.OFFICE) & (Q(body__isnull=True) | Q(body_id=body))
    return [
        ra.user for ra in RoleAssignment.objects.filter(query).select_related("user") if ra.user.is_active
    ]


def notices_create(users: Iterable[Any], *, kind: str, message: str, url: str) -> int:
    rows = [
        Notice(user=u, kind=kind, message=message[:300], url=url[:300])
        for u in {u.pk: u for u in users}.values()
    ]
    Notice.objects.bulk_create(rows)
    return len(rows)
