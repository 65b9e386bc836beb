"""Which database a query goes to: the primary, or a streaming read replica.

With replicas configured (``DATABASE_REPLICA_URLS``, aliases in ``settings.DATABASE_REPLICAS``)
the catalog and recommendation reads (products, their sizes, product vectors) go to a replica;
writes, and every other read (a shopper's own orders, cart, account and session, the model
versions' state), go to the primary. With none configured every method answers None and Django
routes as it always did.

A replica lags the primary by its replay delay, so reads that must see a write go to the primary:
reads inside a transaction on the primary, reads in a ``primary_reads()`` block, and every read of
a process that called ``use_primary_only()`` (the Celery workers: their reads decide writes).
One thread keeps the replica it picked until the next request starts, so the queries of one
request see one consistent replica (the active version and its vectors from the same place). A
replica that cannot be reached is left out for DOWN_FOR_SECONDS (reads go to another one, or to
the primary), so a replica going down costs shoppers no errors.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from config.caches import CACHES

# Models whose reads a replica may serve: the catalog and the product vectors.
REPLICA_MODELS = frozenset({"shop.product", "shop.productsize", "recommender.productembedding"})

DOWN_FOR_SECONDS = 30.0

logger = logging.getLogger(__name__)
_state = threading.local()
_primary_only = False
# replica alias -> monotonic time it may be tried again
_down_until: dict[str, float] = CACHES.store("db_router.down_until")


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def use_primary_only() -> None:
    """Every read of this process goes to the primary (workers, writers)."""
    global _primary_only
    _primary_only = True


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads in this block (this thread) go to the primary: read-your-writes."""
    depth = getattr(_state, "primary_depth", 0)
    _state.primary_depth = depth + 1
    try:
        yield
    finally:
        _state.primary_depth = depth


def unpin(**_kwargs) -> None:
    """Forget the replica this thread used: the next request may pick another."""
    _state.pinned = None


request_started.connect(unpin, dispatch_uid="config-db-router-unpin")


def read_alias() -> str:
    """The database this thread reads the catalog and the vectors from now."""
    available = replicas()
    if (
        not available
        or _primary_only
        or getattr(_state, "primary_depth", 0)
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return DEFAULT_DB_ALIAS
    pinned = getattr(_state, "pinned", None)
    if pinned not in available:
        pinned = _state.pinned = _reachable(random.sample(available, len(available)))
    return pinned


def _reachable(aliases: list[str]) -> str:
    """The first replica that answers, else the primary."""
    for alias in aliases:
        if _down_until.get(alias, 0.0) <= time.monotonic() and answers(alias):
            return alias
    return DEFAULT_DB_ALIAS


def answers(alias: str) -> bool:
    """Whether this thread has, or can open, a connection to the replica; one that cannot is
    left out for DOWN_FOR_SECONDS."""
    try:
        connections[alias].ensure_connection()
    except DatabaseError:
        logger.warning("read replica %s is unreachable; not used for %.0f s", alias, DOWN_FOR_SECONDS)
        _down_until[alias] = time.monotonic() + DOWN_FOR_SECONDS
        return False
    return True


class ReplicaRouter:
    """Catalog and recommendation reads to a replica, everything else to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if not replicas():
            return None
        if model._meta.label_lower in REPLICA_MODELS:
            return read_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str | None:
        # Explicit: an instance read from a replica is saved on the primary, not where it came from.
        return DEFAULT_DB_ALIAS if replicas() else None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # A replica holds the primary's rows: an order line may point at a product read there.
        return True if replicas() else None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db in replicas() else None


class PrimaryForStaffMiddleware:
    """Staff pages read from the primary: after a change they show what was just written."""

    PREFIXES = ("/admin/", "/api/v1/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.PREFIXES):
            return self.get_response(request)
        with primary_reads():
            return self.get_response(request)
