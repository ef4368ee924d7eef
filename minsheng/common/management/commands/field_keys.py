from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from minsheng.common.fields import Ciphertext, EncryptedTextField, generate_key, rotate, stored_ciphertext


class Command(BaseCommand):
    help = (
        "Print new personal-data keys, or (--rotate) re-encrypt every encrypted column under the first key "
        "of FIELD_ENCRYPTION_KEYS. 生成个人信息加密密钥 / 轮换密钥。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rotate", action="store_true", help="re-encrypt every row with the first key")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rotate"]:
            self.stdout.write(f"FIELD_ENCRYPTION_KEYS={generate_key()}")
            self.stdout.write(f"FIELD_BLIND_INDEX_KEY={secrets.token_urlsafe(48)}")
            return
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            for field in fields:
                total += _rotate_column(model, field)
        self.stdout.write(f"已用新密钥重新加密 {total} 个字段值")


def _rotate_column(model: Any, field: EncryptedTextField) -> int:
    """Read the raw tokens (no decryption on load), rotate each, write it back as ciphertext."""
    count = 0
    with transaction.atomic():
        rows = (
            model._base_manager.exclude(**{f"{field.attname}__isnull": True})
            .annotate(_raw=stored_ciphertext(field.attname))
            .values_list("pk", "_raw")
        )
        for pk, raw in rows.iterator(chunk_size=500):
            if raw:
                model._base_manager.filter(pk=pk).update(**{field.attname: Ciphertext(rotate(raw))})
                count += 1
    return count
