"""Small request helpers shared by views and services."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    """The peer address. Proxies are not trusted unless the deployment strips X-Forwarded-For itself."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]
