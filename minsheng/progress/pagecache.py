"""Rendered leadership fragments, cached until the statuses they show are recomputed.

A leadership screen costs tens of milliseconds to build (a catalog of 70 targets, their statuses, a template of
a few hundred cells) and is identical for everyone who sees the same units. So each screen's body is rendered
once per

    (screen, request parameters, language, the caller's scope, the roles that change what it shows,
     the data version)

and kept in the cache. The data version is read from `ProgressStamp` (the time statuses were last recomputed
and a value last recorded: one read of a two-row table), so a change anywhere makes every worker build the
screen afresh on its next request; the
catalog and unit names a body quotes are refreshed at the latest after `FRAGMENT_SECONDS`.

Scope is part of the key, so a body is never served to someone who may see other units, and a request that
ends in 404 (a target or unit outside the scope) is never cached. What differs per user (header, CSRF token,
notices) stays outside the cached body.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation

from minsheng.common.prepared import PreparedQuery
from minsheng.org.access import unit_scope

from .models import ProgressStamp

FRAGMENT_SECONDS = 600


# Read on every leadership request; compiled once per process (common/prepared.py, ADR 0010).
_STAMPS = PreparedQuery(ProgressStamp, lambda: ProgressStamp.objects.order_by("key"))


def data_version() -> str:
    """Changes whenever statuses are recomputed or a value is recorded (one read of the ProgressStamp rows)."""
    return ";".join(f"{s.key}={s.changed_at.timestamp()}" for s in _STAMPS.fetch())


def scope_token(user: Any) -> str:
    scope = unit_scope(user)
    return "all" if scope.everything else "|".join(scope.paths)


def fragment_key(screen: str, user: Any, params: tuple[Any, ...], extra: tuple[Any, ...] = ()) -> str:
    raw = repr((screen, params, extra, translation.get_language(), scope_token(user), data_version()))
    # "v2": entries are (built at, value) pairs; older entries under "progress:{screen}:" are never read.
    return f"progress:v2:{screen}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached[T](key: str, build: Callable[[], T]) -> T:
    """The cached value under `key`, built (and stored) on a miss. Exceptions (404s) are not stored.

    With a shared cache (Redis) a process-local copy is tried first: the key names the data version, so the
    copy is as current as the shared one, and it expires when the shared one does.
    """
    local = caches["local"] if "local" in settings.CACHES else None
    entry: tuple[float, T] | None = local.get(key) if local is not None else None
    if entry is None:
        entry = cache.get(key)
        if entry is None:
            entry = (time.time(), build())
            cache.set(key, entry, FRAGMENT_SECONDS)
        remaining = FRAGMENT_SECONDS - (time.time() - entry[0])
        if local is not None and remaining > 1:
            local.set(key, entry, remaining)
    return entry[1]
