"""The project's URLs plus views that fail on purpose, for the error page tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: /etc/passwd SELECT * FROM accounts_user")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("internal reason")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("internal reason")


urlpatterns: list[URLPattern | URLResolver] = [
    path("test-boom/", boom),
    path("test-forbidden/", forbidden),
    path("test-suspicious/", suspicious),
    *project_urlpatterns,
]
