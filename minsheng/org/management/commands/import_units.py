from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from minsheng.org.services import units_import_csv


class Command(BaseCommand):
    help = "Import streets and communities from CSV (code, name, parent_code). 导入街道、社区（村）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--synthetic", action="store_true", help="mark the units as demo samples")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}") from exc
        try:
            report = units_import_csv(actor=None, text=text, synthetic=options["synthetic"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if report.errors:
            raise CommandError("导入失败，未做任何改动：\n" + "\n".join(report.errors))
        self.stdout.write(f"新增 {report.created} 个，更新 {report.updated} 个单位")
