from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.audit.services import audit_record


class Command(BaseCommand):
    help = "Disable accounts unused for ACCOUNT_IDLE_DAYS (default 90). 停用长期未登录的账户。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=int(getattr(settings, "ACCOUNT_IDLE_DAYS", 90)))
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(options["days"])
        cutoff = timezone.now() - dt.timedelta(days=days)
        idle = User.objects.filter(is_active=True).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        names = list(idle.order_by("username").values_list("username", flat=True))
        if not options["dry_run"]:
            with transaction.atomic():
                for user in idle.select_for_update():
                    user.is_active = False
                    user.save(update_fields=["is_active"])
                    audit_record(
                        actor=None,
                        action="accounts.disable_idle",
                        target=user,
                        detail={"user": user.username, "idle_days": days},
                    )
        verb = "将停用" if options["dry_run"] else "已停用"
        self.stdout.write(f"{verb} {len(names)} 个超过 {days} 天未登录的账户: {', '.join(names)}")
