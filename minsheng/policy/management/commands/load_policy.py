from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.policy.services import WUHAN_CATALOG, CatalogError, policy_load_file


class Command(BaseCommand):
    help = "Load a policy catalog YAML (default: the Wuhan catalog). 导入政策目标目录。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", default=str(WUHAN_CATALOG))
        parser.add_argument("--not-default", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = policy_load_file(
                actor=None, path=Path(options["path"]), make_default=not options["not_default"]
            )
        except (CatalogError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.policy.code}: {result.targets} 个目标, {result.commitments} 项定性任务")
