"""Every API error is JSON: {"error": "<one line for humans>", "detail": {...field errors...}}."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key in ("detail", "non_field_errors") else f"{key}: {message}"
        return "Invalid request."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "Invalid request."
    return str(detail)


def json_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        if isinstance(exc, Http404 | PermissionDenied):
            return None  # DRF maps these itself; unreachable in practice
        # An unexpected error: log it with its traceback, answer a JSON 500 without one.
        logger.exception("Unhandled API error", exc_info=exc)
        return Response({"error": "Internal server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"error": _first_message(detail), "detail": detail}
    else:
        response.data = {"error": _first_message(detail)}
    return response
