"""Celery application: `default` queue for small tasks, `gpu` queue for training and bulk embedding."""

import os
from functools import partial

from celery import Celery, signals
from celery.worker.consumer import Consumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


class QuickReconnectConsumer(Consumer):
    """A worker's consumer that retries a lost broker every 1-3 s (Celery's own waits grow by 2 s
    up to 30 s): a worker takes tasks again within seconds of Redis coming back, however long
    Redis was down. Named by settings.CELERY_WORKER_CONSUMER."""

    def ensure_connected(self, conn):
        retry = {"interval_start": 1, "interval_step": 1, "interval_max": 3}
        conn.ensure_connection = partial(conn.ensure_connection, **retry)
        return super().ensure_connected(conn)


app = Celery("fashionstore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _start_services(**_kwargs) -> None:
    """A worker starting up starts the embedded servers it uses (before it connects)."""
    from config.db_router import use_primary_only
    from config.startup import start_services

    use_primary_only()  # a worker's reads decide its writes: no replica lag (config/db_router.py)
    start_services()
