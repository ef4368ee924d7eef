"""The kept pages' CSRF token (common/csrf.py) against Django's own token handling."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.http import HttpResponse
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from minsheng.common import csrf

# Django's own unmasking (private, untyped), to check the tokens against.
_unmask_cipher_token = django_csrf._unmask_cipher_token  # type: ignore[attr-defined]


def _request_with_cookie(secret: str | None) -> Any:
    request = RequestFactory().get("/progress/")
    if secret is not None:
        request.COOKIES["csrftoken"] = secret
    CsrfViewMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


@given(st.text(alphabet=CSRF_ALLOWED_CHARS, min_size=CSRF_SECRET_LENGTH, max_size=CSRF_SECRET_LENGTH))
def test_the_token_unmasks_to_the_cookie_secret(secret: str) -> None:
    request = _request_with_cookie(secret)
    token = csrf.get_token(request)
    assert len(token) == 2 * CSRF_SECRET_LENGTH
    assert set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_each_token_has_a_fresh_mask() -> None:
    request = _request_with_cookie("a" * CSRF_SECRET_LENGTH)
    tokens = {csrf.get_token(request) for _ in range(50)}
    assert len(tokens) == 50
    assert {_unmask_cipher_token(t) for t in tokens} == {"a" * CSRF_SECRET_LENGTH}


def test_without_a_cookie_a_new_secret_is_recorded_for_the_cookie_and_the_middleware_sets_it() -> None:
    request = _request_with_cookie(None)
    token = csrf.get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH
    assert _unmask_cipher_token(token) == secret
    response = CsrfViewMiddleware(lambda r: HttpResponse()).process_response(request, HttpResponse())
    assert response.cookies["csrftoken"].value == secret


def test_a_secret_of_another_shape_is_left_to_django(monkeypatch: pytest.MonkeyPatch) -> None:
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "short"
    seen: list[Any] = []

    def django_get_token(r: Any) -> str:
        seen.append(r)
        return "django's"

    monkeypatch.setattr(csrf, "django_get_token", django_get_token)
    assert csrf.get_token(request) == "django's"
    assert seen == [request]


def test_bytes_that_would_bias_the_choice_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    # 248..255 would map to the first eight characters a second time; 61 and 247 are the last usable values.
    feed = iter([bytes([248, 255, 0, 61, 247, 62, 250, 1]), bytes([5] * 20)])
    monkeypatch.setattr("minsheng.common.csrf.os.urandom", lambda n: next(feed))
    chars = CSRF_ALLOWED_CHARS
    assert csrf.random_chars(6) == chars[0] + chars[61] + chars[247 % 62] + chars[0] + chars[1] + chars[5]


def test_characters_are_spread_over_the_whole_alphabet() -> None:
    counts = Counter(csrf.random_chars(62 * 400))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    # 400 expected per character (standard deviation ~20). Mapping every byte (b % 62, no rejection) would give
    # the first eight characters 5/256 each instead of 4/248: ~484 on average.
    assert max(counts.values()) < 520
    assert min(counts.values()) > 290
    first_eight = sum(counts[c] for c in CSRF_ALLOWED_CHARS[:8]) / 8
    assert first_eight < 440
