"""Test settings: fast hashing, in-memory email, eager background work."""

from __future__ import annotations

import base64
import hashlib

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
# Stable development keys derived from a fixed label (tests only; production reads them from the environment).
FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(b"minsheng:test:field").digest()).decode()]
FIELD_BLIND_INDEX_KEY = hashlib.sha256(b"minsheng:test:blind-index").hexdigest()
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True

# Test-only app: a `flush` that may clear the append-only audit table between transactional tests.
INSTALLED_APPS = ["tests.support", *INSTALLED_APPS]  # noqa: F405

# Serve static files straight from the app folders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test process keeps its own memory cache (a shared Redis would leak state between xdist workers);
# tests that need a clean cache clear it (see conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
