"""Settings shared by every environment. Environment variables are read here and nowhere else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MINSHENG_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rules.apps.AutodiscoverRulesConfig",
    "minsheng.common",
    "minsheng.accounts",
    "minsheng.audit",
    "minsheng.org",
    "minsheng.policy",
    "minsheng.reporting",
    "minsheng.progress",
    "minsheng.ingest",
    "minsheng.web",
    "minsheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "minsheng.common.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "minsheng.accounts.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "minsheng.accounts.middleware.SessionLifetimeMiddleware",
    "minsheng.accounts.middleware.SecondFactorMiddleware",
    "minsheng.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minsheng.common.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minsheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "minsheng.web.context_processors.navigation",
                "minsheng.web.context_processors.frame",
                "minsheng.reporting.context_processors.notices",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; the busy timeout queues writers instead of
    # failing with "database is locked"; IMMEDIATE takes the write lock at BEGIN so two writers
    # never deadlock upgrading read locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

# Django turns psycopg's prepared statements off (for transaction-pooling proxies). Its cursors bind parameters
# on the client and never prepare anyway; this only lets the per-request reads of common/prepared.py be prepared
# once per connection (ADR 0010). Behind PgBouncer in transaction mode, set DATABASE_PREPARE=0.
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and os.environ.get("DATABASE_PREPARE", "1") != "0"
):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0

# Personal data (phones, ID numbers, contact names) is encrypted per field (minsheng/common/fields.py,
# docs/adr/0008-field-encryption.md). FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, the first encrypts,
# all decrypt (rotation). FIELD_BLIND_INDEX_KEY: a separate secret for the HMAC lookup columns. Production
# must set both (system check minsheng.E001–E004); local and test settings derive development keys.
FIELD_ENCRYPTION_KEYS: list[str] = [
    k.strip() for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()
]
FIELD_BLIND_INDEX_KEY = os.environ.get("FIELD_BLIND_INDEX_KEY", "")
# Unmasking personal data: at most this many per user per hour (counted in the audit trail).
UNMASK_PER_HOUR = int(os.environ.get("UNMASK_PER_HOUR", "20"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "minsheng.accounts.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "minsheng.accounts.passwords.CharacterClassValidator"},
    {"NAME": "minsheng.accounts.passwords.PasswordHistoryValidator"},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))  # rotation; 0 turns it off
PASSWORD_HISTORY_COUNT = 5
ACCOUNT_IDLE_DAYS = 90  # `minsheng disable_idle_accounts` disables accounts unused for longer

# Lockout (guide: 5 failures per user+IP or 10 per user → 30 minutes; 100 per address for a NAT'd office).
# The weighted count and its limit live in minsheng.accounts.lockout; the locked answer is the login page
# with the wrong-password message and status 200 (no user enumeration).
AXES_HANDLER = "minsheng.accounts.lockout.MinshengAxesHandler"
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_COOLOFF_TIME = 0.5  # hours
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "minsheng.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 200
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # no proxy header is trusted unless deployment says so

# Sessions live in the database (accounts.Session, with the user's id as a column) and are read in the same
# statement as the signed-in user and the user's facts: one round trip per signed-in request (ADR 0014).
SESSION_ENGINE = "minsheng.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60  # idle timeout, refreshed once a minute (set per user by the middleware)
SESSION_IDLE_SECONDS = 30 * 60
SESSION_IDLE_SECONDS_ADMIN = 15 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 3600
OTP_TOTP_ISSUER = "Minsheng"
# The middleware saves the session when it refreshes the idle clock (at most once a minute), not per request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "minsheng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "minsheng" / "static"]

# Evidence and other uploads live outside any served folder; only authorised views stream them.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minsheng@localhost")

# A shared cache (Redis) when REDIS_URL is set: rendered leadership fragments are shared by all workers.
# Without it, each process keeps its own small memory cache. Sessions are in the database either way.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "minsheng.common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "minsheng",
        }
    }
    # Rendered leadership bodies are also kept in each process: their keys carry the data version, so a
    # local copy is never stale, and a hit saves a round trip and a 40 KB transfer from Redis (ADR 0010).
    CACHES["local"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "minsheng-local",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "minsheng",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker, background work runs in-process (eagerly) so a laptop needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "minsheng.common.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 100
