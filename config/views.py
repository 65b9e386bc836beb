"""Project-wide error responses: JSON under /api/, friendly pages everywhere else."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults

API_PREFIX = "/api/"
# Raised when PostgreSQL is down or restarting: the request can succeed again in a moment.
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
DATABASE_DOWN = "The store's database is unavailable; try again in a moment."
RETRY_AFTER_SECONDS = 5


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def body_too_large_message() -> str:
    return f"Request body too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return json_error(body_too_large_message(), 413)
        return json_error("Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return json_error("You do not have permission to do this.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return json_error(f"Not found: {request.path}", 404)
    return defaults.page_not_found(request, exception)


def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any /api/ path no endpoint matches: a JSON 404 in DEBUG too (where Django would answer
    its HTML debug page)."""
    return json_error(f"Not found: {request.path}", 404)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After while PostgreSQL is down: JSON under /api/, a page elsewhere."""
    if _is_api(request):
        response = json_error(DATABASE_DOWN, 503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block: the error being handled is at hand.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN_ERRORS):
        return database_unavailable(request)
    if _is_api(request):
        return json_error("Internal server error.", 500)
    return defaults.server_error(request)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the admin's): the store's icon."""
    return HttpResponsePermanentRedirect(static("shop/favicon.svg"))
