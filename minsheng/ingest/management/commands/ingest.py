"""`minsheng ingest extract FILE [--format json|table] [--progress]`: print a document's proposed targets.

Reads only; writes nothing to the database. A file that cannot be read exits non-zero with the Chinese
message on stderr (Django prints a CommandError as "CommandError: …" and exits 1).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.ingest.domain import IngestError, build_extract_parser, render, run_extract


class Command(BaseCommand):
    help = "政策文本导入：抽取政策文件中的量化目标 (extract proposed targets from a policy document)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{extract}")
        build_extract_parser(sub.add_parser("extract", help="抽取量化目标，输出 JSON 数组或表格"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "extract":  # pragma: no cover — argparse allows only "extract"
            raise CommandError(f"未知的子命令：{options['action']}")
        ns = argparse.Namespace(file=options["file"], format=options["format"], progress=options["progress"])
        try:
            rows = run_extract(ns)
        except IngestError as err:
            raise CommandError(f"{err.message_zh}（{err.message_en}）") from err
        self.stdout.write(render(rows, options["format"]))
