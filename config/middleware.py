"""A lost database connection is an outage, not a bug: answer 503 "temporarily unavailable"
(JSON for the API, a page for people) with Retry-After, instead of a 500.

The request's transaction, if any, was rolled back by the database, so nothing is half
written; the next request reconnects (CONN_HEALTH_CHECKS) once the database is back.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

log = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "5"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        response = JsonResponse(
            {"errors": {"service": "temporarily unavailable (database unreachable); retry shortly"}},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            log.error("database unavailable during %s %s: %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None


def server_error_or_unavailable(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """handler500: the database can also fail outside a view (a middleware saving the session)."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable_response(request)
    return server_error(request, *args, **kwargs)


class StaffSessionIdleTimeout:
    """A signed-in person's session (clinicians, coordinators, curators, admins) ends after
    STAFF_SESSION_IDLE_MINUTES without a request: each request they make moves the expiry
    forward, so a workstation left signed in closes itself. After SessionMiddleware and
    AuthenticationMiddleware, so it runs before the session is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only a session the request already read (no extra query for the API or a cookie-less
        # visitor), and not on a server error: the database may be what failed.
        if response.status_code < 500 and request.session.accessed and request.user.is_authenticated:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_MINUTES * 60)
        return response
