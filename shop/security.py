"""Who the client is and what a locked-out one gets.

The client's address (``client_ip``) is REMOTE_ADDR, or behind ``settings.NUM_PROXIES`` trusted
proxies the address the outermost proxy saw: the request rates (shop/api/throttles.py) and the
failed-login lockout (django-axes, AXES_CLIENT_IP_CALLABLE) both count by it, so a client that
writes its own X-Forwarded-For changes neither.

Failures are counted per username and address together; after ``settings.AXES_FAILURE_LIMIT``
the pair is locked for ``AXES_COOLOFF_TIME``: a guesser elsewhere never locks the real user out.
The API answers 429 with Retry-After and a JSON message; the login page answers a friendly page
with the same status. Usernames are checked (``credential_problems``) before any query sees them.
"""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_MESSAGE = "Too many failed logins. Please wait {minutes} minutes and try again."
MAX_USERNAME_LENGTH = 150  # django.contrib.auth's User.username


def client_ip(request: HttpRequest) -> str:
    """The client's address. With NUM_PROXIES = n, each trusted proxy appends the address it was
    reached from to X-Forwarded-For, so the client is the n-th entry from the right; entries
    further left are the client's own writing and are never read. A header too short or not an
    address (the request did not come through the proxies) counts as REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    proxies = settings.NUM_PROXIES
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored or hashed (NUL bytes, lone surrogates), or None."""
    if "\x00" in value:
        return "must not contain NUL characters."
    if any("\ud800" <= char <= "\udfff" for char in value):
        return "must be valid Unicode text (no lone surrogates)."
    return None


def credential_problems(data: object) -> dict[str, list[str]]:
    """Field errors of a login's username and password that would fail in the database or the
    password hasher (a 500) rather than as a wrong login: checked before any query."""
    if not isinstance(data, dict):
        return {}
    problems = {}
    username, password = data.get("username"), data.get("password")
    if isinstance(username, str):
        if len(username) > MAX_USERNAME_LENGTH:
            problems["username"] = [f"Ensure this field has no more than {MAX_USERNAME_LENGTH} characters."]
        elif text_problem(username):
            problems["username"] = [f"Username {text_problem(username)}"]
    if isinstance(password, str) and text_problem(password):
        problems["password"] = [f"Password {text_problem(password)}"]
    return problems


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
