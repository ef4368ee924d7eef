from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.audit.domain.chain import verify
from minsheng.audit.selectors import chain_anchor, chain_rows


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain. 校验审计日志哈希链。"

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify(chain_rows(), anchor=chain_anchor())
        if broken is not None:
            raise CommandError(
                f"审计链在第 {broken.position} 条（id={broken.event_id}）处断开：{broken.reason}"
            )
        self.stdout.write("审计链完整 audit chain intact")
