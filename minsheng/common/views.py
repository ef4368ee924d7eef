from __future__ import annotations

import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from .middleware import database_unavailable, unavailable_response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness for load balancers (503 from the middleware when the DB is away)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database anywhere (middleware included) is a 503, everything else the 500 page.

    Django calls this while handling the exception, so `sys.exception()` is the error being answered.
    """
    exception = sys.exception()
    if database_unavailable(exception):
        return unavailable_response(exception)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: Django reports a session save that failed because the database went away as a 400
    (`SessionInterrupted`, raised from the `UpdateError` the session backend makes of the database error);
    that is an outage, not a bad request, so it gets the same plain 503."""
    if database_unavailable(exception):
        return unavailable_response(exception)
    return defaults.bad_request(request, exception)
