"""Cross-cutting request plumbing: a request id for logs and audit, and clean 503s when the DB is away."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable

from django.db import OperationalError, connections
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# The request being served, so the audit trail can stamp the source address on events recorded by signal
# handlers that get no request (Django admin's LogEntry, model signals).
current_request_var: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "current_request", default=None
)
logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Tags each request with an id (kept from a trusted proxy header if well-formed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = (
            incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        )
        token = request_id_var.set(rid)
        request_token = current_request_var.set(request)
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            current_request_var.reset(request_token)
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a plain 503 page instead of a 500 with a trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError):
            logger.warning("database unavailable: %s", type(exception).__name__)
            for conn in connections.all():
                conn.close_if_unusable_or_obsolete()
            return HttpResponse(
                "服务暂时不可用，请稍后重试。Service temporarily unavailable.",
                status=503,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": "5"},
            )
        return None
