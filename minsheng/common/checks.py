"""System checks: the personal-data keys must be present and well formed (`manage.py check`, `migrate`)."""

from __future__ import annotations

import binascii
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

HINT = (
    "生产环境请设置环境变量 FIELD_ENCRYPTION_KEYS（逗号分隔的 Fernet 密钥，第一个用于加密）和 "
    "FIELD_BLIND_INDEX_KEY（至少32个字符的随机串）。生成密钥：python -m minsheng field_keys"
)


@register()
def field_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E001 no encryption key, E002 a malformed key, E003 no (or short) blind-index key, E004 key reuse."""
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    index_key = str(getattr(settings, "FIELD_BLIND_INDEX_KEY", "") or "")
    errors: list[CheckMessage] = []
    if not keys:
        errors.append(
            Error("FIELD_ENCRYPTION_KEYS 未配置：个人信息无法加密存储", hint=HINT, id="minsheng.E001")
        )
    for position, key in enumerate(keys):
        try:
            Fernet(key)
        except (ValueError, TypeError, binascii.Error):
            errors.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS 第{position + 1}个密钥格式不正确", hint=HINT, id="minsheng.E002"
                )
            )
    if len(index_key) < 32:
        errors.append(Error("FIELD_BLIND_INDEX_KEY 未配置或少于32个字符", hint=HINT, id="minsheng.E003"))
    elif index_key in keys:
        errors.append(Error("FIELD_BLIND_INDEX_KEY 不能与加密密钥相同", hint=HINT, id="minsheng.E004"))
    return errors
