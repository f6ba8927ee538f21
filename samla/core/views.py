"""Error pages in Norwegian, and a health check for load balancers."""

from __future__ import annotations

import sys

from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A lost or stale CSRF cookie (an old tab, a respondent's blocked cookies): say so in
    Norwegian instead of Django's English debug page; nothing was stored."""
    return render(request, "errors/csrf.html", status=403)


# The database cannot be reached (restarting, failing over, out of connections): a passing
# state, so the answer is 503 with Retry-After rather than 500. Django drops the broken
# connection at the end of the request and opens a new one for the next, so Samla recovers
# by itself once the database is back. Every write runs in one transaction (the services
# are atomic), so nothing was half written.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the error pages must render even when the database is down.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Samla er midlertidig utilgjengelig. Prøv igjen om litt."}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN:
        response = JsonResponse({"status": "database unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})
