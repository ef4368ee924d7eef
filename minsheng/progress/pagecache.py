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
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import translation

from minsheng.org.access import unit_scope

from .models import ProgressStamp

FRAGMENT_SECONDS = 600


def data_version() -> str:
    """Changes whenever statuses are recomputed or a value is recorded (one read of the ProgressStamp rows)."""
    return ";".join(f"{k}={t.timestamp()}" for k, t in ProgressStamp.objects.order_by("key").values_list())


def scope_token(user: Any) -> str:
    scope = unit_scope(user)
    return "all" if scope.everything else "|".join(scope.paths)


def fragment_key(screen: str, user: Any, params: tuple[Any, ...], extra: tuple[Any, ...] = ()) -> str:
    raw = repr((screen, params, extra, translation.get_language(), scope_token(user), data_version()))
    return f"progress:{screen}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached[T](key: str, build: Callable[[], T]) -> T:
    """The cached value under `key`, built (and stored) on a miss. Exceptions (404s) are not stored."""
    hit: T | None = cache.get(key)
    if hit is not None:
        return hit
    value = build()
    cache.set(key, value, FRAGMENT_SECONDS)
    return value
