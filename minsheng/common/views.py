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
