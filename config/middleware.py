"""Project-wide middleware: the query-string bound, and the CSP header on JSON errors in DEBUG."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

from config.views import API_PREFIX, json_error


class QueryLimitMiddleware:
    """More than settings.MAX_QUERY_PARAMETERS query parameters: a 400 before anything parses them.
    No page or endpoint takes more than a few dozen, and thousands took seconds to parse."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        query = request.META.get("QUERY_STRING", "")
        limit = settings.MAX_QUERY_PARAMETERS
        if query.count("&") >= limit and sum(1 for part in query.split("&") if part) > limit:
            message = f"Too many query parameters: at most {limit}."
            if request.path.startswith(API_PREFIX):
                return json_error(message, 400)
            return HttpResponse(render_to_string("400.html", {"message": message}), status=400)
        return self.get_response(request)


class StoreCSPMiddleware(CSPMiddleware):
    """django-csp sends no policy with a 404 or 500 in DEBUG, for Django's debug pages (inline
    scripts and styles); the store's JSON errors are no debug page and keep the header."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        is_json = response.get("Content-Type", "").startswith("application/json")
        if settings.DEBUG and is_json and response.status_code in (404, 500) and HEADER not in response:
            parts = self.get_policy_parts(request=request, response=response)
            response[HEADER] = build_policy(**asdict(parts))
        return super().process_response(request, response)
