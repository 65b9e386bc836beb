"""Celery application: `default` queue for small tasks, `gpu` queue for training and bulk embedding."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

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
