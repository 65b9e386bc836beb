"""A staff retrain request (the admin's button, ``POST /api/v1/admin/retrain/``, ``ensure_model``):
a queued version and the task that trains it, in one transaction."""

from __future__ import annotations

import logging

from django.db import transaction

from recommender.lifecycle import versions
from recommender.lifecycle.tasks import BROKER_ERRORS, enqueue, train_model_version
from recommender.models import ModelVersion

logger = logging.getLogger(__name__)


class QueueUnavailable(RuntimeError):
    """The task queue cannot be reached: nothing was queued (HTTP 503)."""

    status_code = 503


def start_retrain(*, user=None, config: dict | None = None, activate_when_ready: bool = True) -> ModelVersion:
    """Queue the train -> embed -> activate pipeline. Raises versions.AlreadyRunning, or
    QueueUnavailable within about a second when the broker is down.

    The version is created and its task sent in one transaction: when the task cannot be sent
    the version is rolled back, so no queued version is ever left behind (not even by a process
    killed meanwhile); the task waits for the row to commit (tasks.train_model_version)."""
    with transaction.atomic():
        version = versions.request_retrain(user=user, config=config, activate_when_ready=activate_when_ready)
        try:
            task_id = enqueue(train_model_version, version.pk)
        except BROKER_ERRORS:
            logger.warning("retrain not queued: the task queue is unreachable", exc_info=True)
            raise QueueUnavailable(
                "The task queue is unreachable, so nothing was queued; try again shortly."
            ) from None
        ModelVersion.objects.filter(pk=version.pk).update(task_id=task_id)
    version.refresh_from_db()
    return version
