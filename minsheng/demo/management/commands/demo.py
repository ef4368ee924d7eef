from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.demo.services import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the Wuhan policy and the demo data into an empty database (does nothing when loaded). 载入演示数据。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        if logins is None:
            self.stdout.write("演示数据已存在，未做改动。Demo data already loaded; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"已载入武汉政策目录与演示数据（{len(DEMO_USERS)} 个演示账户）。")
        )
        if not options["quiet_logins"]:
            for username, password, name in logins:
                self.stdout.write(f"  {username:<18} {password:<18} {name}")
