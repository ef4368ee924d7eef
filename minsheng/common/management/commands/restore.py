from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.common.backup import restore


class Command(BaseCommand):
    help = "Replace the database and private media files with the backup in DIR. 从备份恢复（覆盖现有数据）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(Path(options["directory"]))
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"已恢复 {len(manifest['tables'])} 张表 {rows} 行、{len(manifest['files'])} 个附件")
