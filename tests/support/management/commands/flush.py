"""Test-only `flush`: transactional tests end with a flush, which must pass the audit table's triggers.

Installed only under config.settings.test, so production's `flush` still hits the append-only triggers.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from minsheng.audit.maintenance import audit_maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with audit_maintenance():
            super().handle(**options)
