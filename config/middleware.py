"""Project-wide middleware: where a request's time went (Server-Timing, when SERVER_TIMING is on),
the query-string bound, and the CSP header on JSON errors in DEBUG."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

from config.views import API_PREFIX, json_error


class ServerTimingMiddleware:
    """Server-Timing on every answer: `app` (the request's time in Django, wall clock), `cpu` (the
    CPU time its thread got meanwhile) and `db` (the time its SQL took, as the client library saw
    it). What a client measured beyond `app` waited outside Django (gunicorn's queue, the
    network); `app` beyond `cpu` and `db` waited inside it (for a core, a lock, a slot).

    Off unless settings.SERVER_TIMING (bench.load turns it on): exact server-side timings would
    make the login's timing easier to read from outside."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        if not settings.SERVER_TIMING:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        sql = SqlClock()
        started, cpu_started = time.perf_counter(), time.thread_time()
        with ExitStack() as stack:
            for connection in connections.all():  # the primary and any read replica
                stack.enter_context(connection.execute_wrapper(sql))
            response = self.get_response(request)
        timings = {
            "app": (time.perf_counter() - started) * 1000.0,
            "cpu": (time.thread_time() - cpu_started) * 1000.0,
            "db": sql.seconds * 1000.0,
        }
        ours = ", ".join(f"{name};dur={ms:.1f}" for name, ms in timings.items())
        theirs = response.get("Server-Timing")  # a view's own steps (the recommendations API)
        response["Server-Timing"] = f"{theirs}, {ours}" if theirs else ours
        return response


class SqlClock:
    """A database execute wrapper that adds up the time the queries took."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


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
