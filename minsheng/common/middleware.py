"""Cross-cutting request plumbing: a request id for logs and audit, and clean 503s when the DB is away."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
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


# What a lost database looks like once Django has wrapped psycopg's (or sqlite3's) exception: refused or
# dropped at connect time, killed mid-query ("terminating connection due to administrator command"), or a
# connection object already closed under us (InterfaceError is not an OperationalError subclass).
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def database_unavailable(exception: BaseException | None) -> bool:
    """True for the errors a stopped or unreachable database raises, wherever in the stack they surface."""
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def unavailable_response(exception: BaseException | None = None) -> HttpResponse:
    """The plain 503: Chinese first, no trace, a Retry-After hint.

    Broken connections are not closed here: Django's request_finished handler drops every connection that
    saw an error and no longer answers, and CONN_HEALTH_CHECKS tests a persistent one before reuse, so the
    first request after the database returns reconnects by itself (tests/faults/test_database_outage.py).
    """
    # The server log names the error class and SQLSTATE-level message (no parameters, no trace) so a deadlock
    # or a timeout can be told from a stopped server; the client sees none of it.
    detail = f"{type(exception).__name__}: {str(exception).splitlines()[0][:160]}" if exception else "-"
    logger.warning("database unavailable (%s); answering 503", detail)
    return HttpResponse(
        "服务暂时不可用，请稍后重试。Service temporarily unavailable.",
        status=503,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": "5", "Cache-Control": "no-store"},
    )


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view into a plain 503 instead of a 500 with a trace.

    Errors raised in *middleware* (the session or user lookup before the view) never reach a
    `process_exception`: Django converts them to a response at that layer and calls the 500 handler. The
    project's `handler500` (`minsheng.common.views.server_error`) therefore makes the same 503 from the
    exception being handled, so both paths answer alike.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unavailable(exception):
            return unavailable_response(exception)
        return None
