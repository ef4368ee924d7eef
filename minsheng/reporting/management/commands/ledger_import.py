"""`minsheng ledger_import FILE --year 2025 --user NAME`: import an edited ledger workbook as that user.

The same service as the screens and the API (scoped to the user, validated, all or nothing in one
transaction, audited). Exit status 0 when imported, 1 when refused (errors printed; `--errors-out` writes the
row-by-row report as .xlsx).

For the fault test only: with MINSHENG_TEST_IMPORT_PAUSE_AFTER=N set, the command prints "PAUSED" after the
N-th row is written (inside the open transaction) and sleeps, so a test can kill it with SIGKILL mid-import.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from minsheng.reporting.services import LedgerYearMissing, ledger_import

PAUSE_ENV = "MINSHENG_TEST_IMPORT_PAUSE_AFTER"


class Command(BaseCommand):
    help = "Import an edited ledger workbook (.xlsx) as a user: all rows or none. 导入年度任务台帐。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the .xlsx exported by the system and edited")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--user", required=True, help="username: the import acts as (and is scoped to) them"
        )
        parser.add_argument("--errors-out", help="write the error report (.xlsx) here when refused")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有用户 {options['user']}")
        pause_after = int(os.environ.get(PAUSE_ENV, "0") or 0)

        def progress(rows: int) -> None:
            if pause_after and rows == pause_after:
                print("PAUSED", flush=True)  # the fault test waits for this line
                time.sleep(3600)

        try:
            outcome = ledger_import(
                actor=user, year=options["year"], upload=path, file_name=path.name, progress=progress
            )
        except LedgerYearMissing as exc:
            raise CommandError(str(exc)) from exc
        if outcome.ok:
            self.stdout.write(
                f"已导入 {outcome.rows_read} 行（{outcome.rows_changed} 行有改动）。"
                f" Imported {outcome.rows_read} rows ({outcome.rows_changed} changed)."
            )
            return
        for error in outcome.errors:
            where = f"第 {error.row} 行" if error.row else "文件"
            self.stderr.write(f"{where} {error.column or ''}：{error.message}")
        if options.get("errors_out") and outcome.error_report:
            Path(options["errors_out"]).write_bytes(outcome.error_report)
        self.stderr.write(f"未导入：{outcome.error_count} 处问题，没有保存任何内容。 Refused; nothing saved.")
        sys.exit(1)
