"""Django's CSRF token for a kept page, made with one read of the OS random source instead of 32 (ADR 0013).

Django's `get_token` draws each of the 32 characters of the mask (and of a new secret) with `secrets.choice`:
one `os.urandom` call and a few Python frames per character, 75 µs per token when the request brings no CSRF
cookie — 3 % of a kept leadership page's whole cost (server, database and client). This module makes the same
token from one `os.urandom` read per string: the same alphabet, the same uniform choice per character (bytes
that would favour the first characters are rejected, as `secrets.choice` rejects out-of-range bits), the same
masking, and the same two `request.META` keys Django's middleware reads to set the cookie. A secret of any
other shape is left to Django. Tests check the result against Django's own unmasking and CSRF middleware.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.middleware.csrf import get_token as django_get_token

_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_SIZE = len(CSRF_ALLOWED_CHARS)  # 62
# Bytes at or above this would make the first 256 % 62 characters likelier than the rest: they are skipped.
_LIMIT = 256 - 256 % _SIZE


def random_chars(length: int) -> str:
    """`length` characters drawn uniformly and independently from the CSRF alphabet, from the OS random source."""
    out: list[str] = []
    while len(out) < length:
        out.extend(CSRF_ALLOWED_CHARS[b % _SIZE] for b in os.urandom(length + 8) if b < _LIMIT)
    return "".join(out[:length])


def get_token(request: HttpRequest) -> str:
    """What `django.middleware.csrf.get_token(request)` returns and records: a fresh mask over the request's
    secret (a new secret, to be set as the cookie, when the request has none)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = random_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    elif len(secret) != CSRF_SECRET_LENGTH or not all(c in _INDEX for c in secret):
        return django_get_token(request)
    # Since the cookie is used, Django sends it again (renewing its expiry); a new one is sent in any case.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_chars(CSRF_SECRET_LENGTH)
    cipher = (CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % _SIZE] for s, m in zip(secret, mask, strict=True))
    return mask + "".join(cipher)
