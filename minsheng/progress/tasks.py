"""Background recompute. Without CELERY_BROKER_URL the task runs eagerly in the caller's process."""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task

from minsheng.accounts.models import User

from .services import progress_recompute


@shared_task(name="progress.recompute")  # type: ignore[untyped-decorator]  # celery ships no type hints
def progress_recompute_task(as_of: str, actor_id: int | None = None) -> dict[str, Any]:
    """Recompute every TargetStatus as of `as_of` (YYYY-MM-DD) on behalf of `actor_id` (None: the system)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    result = progress_recompute(actor=actor, as_of=date.fromisoformat(as_of))
    return {
        "as_of": result.as_of.isoformat(),
        "exact_rows": result.exact_rows,
        "batch_rows": result.batch_rows,
        "seconds": round(result.seconds, 3),
    }
