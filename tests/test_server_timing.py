"""Server-Timing (config.middleware.ServerTimingMiddleware): where an answer's time went inside
the store (app, cpu, db), for bench.load; off unless SERVER_TIMING is set."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

TIMING = re.compile(r"(app|cpu|db);dur=([0-9.]+)")


def timings(response) -> dict[str, float]:
    return {name: float(ms) for name, ms in TIMING.findall(response.get("Server-Timing", ""))}


@pytest.mark.django_db
def test_pages_say_where_their_time_went_when_it_is_on(catalog):
    product = catalog.filter(is_active=True).first()
    with override_settings(SERVER_TIMING=True):
        response = Client().get(product.get_absolute_url())  # a new client loads the middleware
    assert response.status_code == 200
    spent = timings(response)
    assert set(spent) == {"app", "cpu", "db"}
    assert spent["app"] > 0 and spent["db"] > 0  # the product and its sizes were read
    assert spent["db"] <= spent["app"] and spent["cpu"] <= spent["app"] * 1.5 + 1  # clocks' resolution


def test_a_views_own_timings_are_kept(rf):
    """The recommendations API sends its own steps; the store's are appended, not written over."""
    from django.http import HttpResponse

    from config.middleware import ServerTimingMiddleware

    def view(_request):
        return HttpResponse("ok", headers={"Server-Timing": "encode;dur=12.00"})

    with override_settings(SERVER_TIMING=True):
        header = ServerTimingMiddleware(view)(rf.get("/"))["Server-Timing"]
    assert header.startswith("encode;dur=12.00, app;dur=") and "cpu;dur=" in header and "db;dur=" in header


@pytest.mark.django_db
def test_off_by_default(catalog):
    """Exact server timings would make a login's timing easier to read from outside."""
    response = Client().get(catalog.filter(is_active=True).first().get_absolute_url())
    assert response.status_code == 200 and "Server-Timing" not in response
