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
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import RequestContext, loader
from django.urls import get_script_prefix
from django.utils import translation

from minsheng.accounts import facts
from minsheng.common.csrf import get_token
from minsheng.common.prepared import PreparedQuery
from minsheng.org.access import unit_scope

from .models import ProgressStamp

FRAGMENT_SECONDS = 600


# Read on every leadership request; compiled once per process (common/prepared.py, ADR 0010).
_STAMPS = PreparedQuery(ProgressStamp, lambda: ProgressStamp.objects.order_by("key"))


STAMP_FACTS = {ProgressStamp.OBSERVATIONS: "observations_changed", ProgressStamp.STATUSES: "statuses_changed"}


def stamp_fact(key: str) -> Callable[[], Subquery]:
    """A user fact (ADR 0012): one stamp's time, read with the signed-in user instead of in a statement of its
    own. The stamps are not about the user; they only travel in the same statement."""
    return lambda: Subquery(ProgressStamp.objects.filter(key=key).values("changed_at")[:1])


def data_version(user: Any = None) -> str:
    """Changes whenever statuses are recomputed or a value is recorded: the stamps read with `user` at the start
    of the request (the leadership screens only read), else one read of the ProgressStamp rows."""
    times = {key: facts.fact(user, name) for key, name in STAMP_FACTS.items()}
    if facts.MISSING in times.values():
        times = {s.key: s.changed_at for s in _STAMPS.fetch()}
    return ";".join(f"{key}={at.timestamp()}" for key, at in sorted(times.items()) if at is not None)


def scope_token(user: Any) -> str:
    scope = unit_scope(user)
    return "all" if scope.everything else "|".join(scope.paths)


def fragment_key(screen: str, user: Any, params: tuple[Any, ...], extra: tuple[Any, ...] = ()) -> str:
    raw = repr((screen, params, extra, translation.get_language(), scope_token(user), data_version(user)))
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


# ------------------------------------------------------------------------------------------------ whole pages
#
# A warm leadership page spent a quarter of its server time rendering the frame around its cached body
# (`base.html`: header, navigation, language switch, footer). The frame differs between requests only by the
# CSRF token and the CSP nonce, which must be fresh on every response; everything else it shows is a function of
# what the context processors return. So the whole page is rendered once per process for each (body key,
# template, context-processor outputs) with two unguessable placeholders for the token and the nonce, and each
# response is that page with the placeholders replaced (ADR 0012). A kept page lives FRAGMENT_SECONDS from its
# render, and the body it holds may already have been that old: catalog and unit names on a whole page are
# refreshed at the latest after twice FRAGMENT_SECONDS (statuses and values at once, through the data version).

# Per process and unguessable, so no stored text can contain one and have a token put in its place.
_CSRF_MARK = b"ms-csrf-" + secrets.token_hex(16).encode()
_NONCE_MARK = b"ms-nonce-" + secrets.token_hex(16).encode()
_PER_RESPONSE = frozenset({"csrf_token", "csp_nonce"})


def _placeholders(request: HttpRequest) -> dict[str, str]:
    # A context processor given to RequestContext runs after the configured ones, so these win.
    del request
    return {"csrf_token": _CSRF_MARK.decode(), "csp_nonce": _NONCE_MARK.decode()}


def _input_token(name: str, value: Any) -> Any:
    """What a context-processor output contributes to the page key: its value, or for the few objects without a
    stable repr, the parts of them a page shows. An unknown kind of object is refused, so a new context
    processor cannot be left out of the key by accident."""
    if name == "request":
        return value.get_full_path()
    if name == "user":
        return (value.pk, str(value), value.is_authenticated, value.is_staff, value.is_superuser,
                getattr(value, "admin_role", ""))  # fmt: skip
    if name == "perms":  # Django's PermWrapper: pages under this cache do not test permissions in templates
        return None
    if name == "messages":  # pages with messages to show are never cached (render_page)
        return None
    if value is None or isinstance(value, (str, int, float, bool, list, tuple, dict)):
        return value
    raise TypeError(f"render_page: context value {name!r} ({type(value).__name__}) has no page-key form")


def _frame_inputs(request: HttpRequest, engine: Any) -> list[tuple[str, Any]]:
    inputs: list[tuple[str, Any]] = []
    for processor in engine.template_context_processors:
        for name, value in sorted(processor(request).items()):
            if name not in _PER_RESPONSE:
                inputs.append((name, _input_token(name, value)))
    return inputs


_MARKS = re.compile(b"(" + re.escape(_CSRF_MARK) + b"|" + re.escape(_NONCE_MARK) + b")")

# A kept page: its UTF-8 text cut at the placeholders, which stand alone in the list (`_MARKS.split`), so each
# response is one join rather than a search-and-copy of the whole page per placeholder.
type KeptPage = tuple[bytes, ...]


class _PageStore:
    """Rendered pages of this process: key -> (expires at, page cut at its placeholders). A plain dict, not
    Django's LocMemCache, which pickles each 35 KB page on every read. Bounded: expired entries are dropped when
    it is full, and if that frees nothing it starts afresh. Single dict operations are atomic, so threads need no
    lock."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._pages: dict[str, tuple[float, KeptPage]] = {}

    def get(self, key: str) -> KeptPage | None:
        entry = self._pages.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def set(self, key: str, page: KeptPage, seconds: float) -> None:
        if len(self._pages) >= self.max_entries:
            now = time.monotonic()
            for stale in [k for k, (expires, _) in list(self._pages.items()) if expires < now]:
                self._pages.pop(stale, None)
            if len(self._pages) >= self.max_entries:
                self._pages.clear()
        self._pages[key] = (time.monotonic() + seconds, page)

    def clear(self) -> None:
        self._pages.clear()


_PAGES = _PageStore(max_entries=500)


def forget_pages() -> None:
    """Drop this process's rendered pages (tests, whose rolled-back data leaves the data version unchanged)."""
    _PAGES.clear()


def render_page(
    request: HttpRequest, template_name: str, body_key: str, context: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """`render(request, template_name, context())` for a leadership page whose context is fully described by
    `body_key` (a `fragment_key`), served from this process's copy when the same page was rendered before;
    `context` is called only when the page must be rendered.

    Pages with pending messages are rendered afresh (showing them consumes them)."""
    if len(messages.get_messages(request)):
        return render(request, template_name, context())
    template = loader.get_template(template_name)
    engine = template.template.engine  # type: ignore[attr-defined]  # the Django backend's wrapper
    raw = repr((template_name, body_key, get_script_prefix(), _frame_inputs(request, engine)))
    key = hashlib.sha256(raw.encode()).hexdigest()
    page = _PAGES.get(key)
    if page is None:
        rendered = RequestContext(request, context(), processors=[_placeholders])
        page = tuple(_MARKS.split(template.template.render(rendered).encode()))  # type: ignore[attr-defined]
        _PAGES.set(key, page, FRAGMENT_SECONDS)
    fill = {
        _CSRF_MARK: get_token(request).encode(),
        _NONCE_MARK: str(getattr(request, "_csp_nonce", "")).encode(),
    }
    return HttpResponse(b"".join([fill.get(part, part) for part in page]))
