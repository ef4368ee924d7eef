from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.common.backup import backup


class Command(BaseCommand):
    help = "Back up every table and the private media files into DIR. 备份数据库与附件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(Path(options["directory"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"已备份 {len(manifest['tables'])} 张表 {rows} 行、{len(manifest['files'])} 个附件")
