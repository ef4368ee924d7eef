from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _repack_series(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A single Observation row saved or deleted (any code path): rewrite its series' pack in the same
    transaction, so the batch recompute never reads a stale copy (ADR 0011). Bulk writes call packs.refresh."""
    from . import packs

    packs.refresh([(instance.target_id, instance.unit_id)])


class ProgressConfig(AppConfig):
    name = "minsheng.progress"
    label = "progress"
    verbose_name = "目标进展 Progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from minsheng.accounts import facts

        from .models import Observation
        from .pagecache import STAMP_FACTS, stamp_fact

        for key, name in STAMP_FACTS.items():
            facts.register(name, stamp_fact(key))

        post_save.connect(_repack_series, sender=Observation, dispatch_uid="minsheng_progress_repack_save")
        post_delete.connect(
            _repack_series, sender=Observation, dispatch_uid="minsheng_progress_repack_delete"
        )
