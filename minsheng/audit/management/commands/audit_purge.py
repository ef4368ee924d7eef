from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.audit.retention import MIN_RETENTION_DAYS, audit_purge


class Command(BaseCommand):
    help = f"Purge audit events older than N days (N ≥ {MIN_RETENTION_DAYS}). 清理超过保留期的审计日志。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(options["older_than_days"])
        if days < MIN_RETENTION_DAYS:
            raise CommandError(
                f"审计日志至少保留 {MIN_RETENTION_DAYS} 天（--older-than-days ≥ {MIN_RETENTION_DAYS}）"
            )
        result = audit_purge(actor=None, older_than_days=days)
        self.stdout.write(f"已清理 {result.deleted} 条审计事件 purged {result.deleted} events")
