"""GET /health/: is this process able to serve? Used by docker-compose health checks.

Checks the database (a query), the cache (a write and a read of a key of its own, so that
concurrent probes never see each other's) and the Celery broker (a connection). 200 when all
answer, 503 with the failing checks otherwise. The active model version is reported but never
fails the check: the store serves before its first model.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_cache() -> str:
    # A key of its own per probe: probes running at once never read each other's writes.
    key = f"health:probe:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=30)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return what was written")
    finally:
        cache.delete(key)
    return "ok"


def check_broker() -> str:
    from config.celery import app

    with app.connection_for_write() as conn:
        # One immediate retry, within a second: a probe must answer well before its caller gives up.
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
    return "ok"


def active_model() -> str | None:
    from recommender.models import ModelVersion

    version = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
    return version.name if version else None


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure of a dependency is "unhealthy", never a 500
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = f"failed: {exc.__class__.__name__}"
            healthy = False
    try:
        results["active_model"] = active_model() if results["database"] == "ok" else None
    except Exception:
        results["active_model"] = None
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results}, status=200 if healthy else 503
    )
