from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from minsheng.reporting.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send due-soon (3 days) and overdue reminders, once per item/unit/period. 发送报送提醒。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today in Asia/Shanghai)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        r = reminders_send(today=today)
        self.stdout.write(
            f"提醒 {r.reminders} 条（站内通知 {r.notices}，邮件 {r.emails}，已提醒过跳过 {r.skipped}）。"
            f" Reminders {r.reminders}, notices {r.notices}, emails {r.emails}, skipped {r.skipped}."
        )
