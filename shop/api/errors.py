"""Every API error is JSON: {"error": "<one line for humans>", "detail": {...field errors...}}.

``detail`` is present for validation errors only and is always an object (a bare list of
messages is reported under ``non_field_errors``).

The shop's and the recommender's API document their errors with the responses defined here
(ERROR_400 ... ERROR_503), and DRF answers them through ``json_exception_handler`` (settings).
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

UNLABELLED_KEYS = ("detail", "non_field_errors")


class ErrorSerializer(serializers.Serializer):
    """The shape of every error answer."""

    error = serializers.CharField(help_text="One line for humans.")
    detail = serializers.DictField(
        required=False, help_text="Validation errors by field (validation errors only)."
    )


# The error answers as the API docs show them, one per status, for every view of either app.
ERROR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input; `detail` maps fields to messages.")
ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not authenticated.")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="Staff only.")
ERROR_404 = OpenApiResponse(ErrorSerializer, description="Not found.")
ERROR_429 = OpenApiResponse(
    ErrorSerializer, description="Too many requests; retry after `Retry-After` seconds."
)
ERROR_503 = OpenApiResponse(
    ErrorSerializer, description="A service the answer needs is unavailable; try again in a moment."
)


def _first_message(detail, path: str = "") -> str | None:
    """The first message in a nested error structure, prefixed with where it is (``lines[1].size: ...``)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in UNLABELLED_KEYS:
                sub = path
            elif str(key).isdigit():
                sub = f"{path}[{key}]"  # a list item, as DRF reports a list field's failing items
            else:
                sub = f"{path}.{key}" if path else str(key)
            message = _first_message(value, sub)
            if message:
                return message
        return None
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            sub = f"{path}[{index}]" if isinstance(value, dict | list) else path
            message = _first_message(value, sub)
            if message:
                return message
        return None
    text = str(detail)
    if not text:
        return None
    return f"{path}: {text}" if path else text


def _input_or_outage_response(exc) -> Response | None:
    """Errors DRF leaves to Django that are the client's input (4xx) or an outage (503)."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"error": f"Request body too large: at most {limit:,} bytes."}, status=413)
    if isinstance(exc, SuspiciousOperation):  # e.g. too many form fields
        return Response({"error": f"Bad request: {exc}"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OperationalError | InterfaceError):  # PostgreSQL down or restarting
        logger.warning("database unavailable: %s", exc)
        response = Response(
            {"error": "The store's database is unavailable; try again in a moment."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "5"
        return response
    return None


def json_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        response = _input_or_outage_response(exc)
        if response is not None:
            return response
        # An unexpected error: log it with its traceback, answer a JSON 500 without one.
        logger.exception("Unhandled API error", exc_info=exc)
        return Response({"error": "Internal server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        response.data = {"error": _first_message(detail) or "Invalid request.", "detail": detail}
    else:
        response.data = {"error": _first_message(detail) or "Request failed."}
    return response
