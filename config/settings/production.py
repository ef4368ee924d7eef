"""Production: PostgreSQL via DATABASE_URL, HTTPS only, every security header on."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
# FIELD_ENCRYPTION_KEYS and FIELD_BLIND_INDEX_KEY come from the environment only (read in base.py); without
# them the system check minsheng.E001/E003 fails `check --deploy` and `migrate`, and any read or write of a
# personal-data field raises ImproperlyConfigured. There is no fallback key in production.
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
