"""The `minsheng` console command: Django's management commands on the same database as the server.

`minsheng demo`, `minsheng targets --format json`, `minsheng migrate`, `minsheng progress …` all work.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["minsheng", *(sys.argv[1:] if argv is None else argv)])
