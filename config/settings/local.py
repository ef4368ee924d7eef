"""Developer laptop and `make run`: embedded SQLite, debug pages off by default."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"


def _local_secret() -> str:
    # A per-checkout random key kept under var/, so sessions survive restarts without a key in git.
    import secrets

    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _local_key(name: str) -> str:
    # Per-checkout random keys under var/, like the secret key: stable across restarts, never in git, and
    # independent of DJANGO_SECRET_KEY (changing that must not make personal data unreadable).
    import base64
    import secrets

    path = VAR_DIR / name
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret()
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [_local_key("field_encryption_key")]  # noqa: F405
FIELD_BLIND_INDEX_KEY = FIELD_BLIND_INDEX_KEY or _local_key("field_blind_index_key")  # noqa: F405
