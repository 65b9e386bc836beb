"""Failed-login lockout (django-axes): what a locked-out client gets.

Failures are counted per username and address together; after ``settings.AXES_FAILURE_LIMIT``
the pair is locked for ``AXES_COOLOFF_TIME``. The API answers 429 with Retry-After and a JSON
message; the login page answers a friendly page with the same status.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_MESSAGE = "Too many failed logins. Please wait {minutes} minutes and try again."


def _cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON under /api/, the 'locked' page elsewhere; both 429."""
    seconds = _cooloff_seconds()
    message = LOCKED_MESSAGE.format(minutes=max(1, round(seconds / 60)))
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "registration/locked.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def is_locked_out(request: HttpRequest, username: str) -> bool:
    """Whether this username may not log in from this address now (counted failures)."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check for logins that come with a request (pages, API). A login without
    one (``Client.login`` in tests, a script) has no address to count failures by: not checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
