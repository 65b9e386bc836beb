"""Celery tasks: training and bulk embedding on the `gpu` queue, small jobs on `default`.

Thin wrappers over ``recommender.training``; the routing lives in settings.CELERY_TASK_ROUTES.
Faults: tasks are acknowledged late and re-queued when their worker process dies; a worker that
starts re-queues the runs a dead worker left behind (its own, or any whose heartbeat stopped),
and each step resumes where it stopped (training restarts on cached features, embedding writes
only the missing vectors). A duplicate delivery finds the step claimed or done and does nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from kombu.exceptions import OperationalError

from recommender import training, versions
from recommender.models import ModelVersion

logger = logging.getLogger(__name__)
# Publishing while the broker is down: give up within about a second, never hang a request.
QUICK_PUBLISH = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)


def enqueue(task, *args) -> str:
    """Send a task; raises one of BROKER_ERRORS quickly when the broker is unreachable."""
    return task.apply_async(args, retry=True, retry_policy=QUICK_PUBLISH).id or ""


def embed_later(version_id: int) -> bool:
    try:
        enqueue(embed_catalog, version_id)
    except BROKER_ERRORS:
        logger.warning("could not queue the embedding of v%s; embedding it in this task", version_id)
        return False
    return True


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def train_model_version(self, version_id: int) -> int | None:
    """Train a queued version, then hand it to embed_catalog (same gpu queue)."""
    try:
        return training.run_pipeline(version_id, self.request.hostname, embed_later=embed_later).pk
    except versions.NotClaimed as exc:
        logger.info("%s", exc)
        return None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def embed_catalog(self, version_id: int) -> int | None:
    """Write every product's vector of the version into pgvector; activate when asked."""
    try:
        return training.embed_version(version_id, self.request.hostname).pk
    except versions.NotClaimed as exc:
        logger.info("%s", exc)
        return None


@shared_task
def embed_new_products(product_ids: list[int]) -> int:
    """Vectors for new or edited products under the versions that serve or are about to.

    A version still embedding picks them up itself: it embeds every product lacking a vector.
    """
    products = list(training.store_products().filter(pk__in=product_ids, is_active=True).order_by("pk"))
    if not products:
        return 0
    serving = ModelVersion.objects.filter(status__in=[ModelVersion.Status.ACTIVE, ModelVersion.Status.READY])
    embedded = 0
    for version in serving:
        embedded += len(products) - len(training.embed_products(version, products))
    return embedded  # vectors written (0 before the first model is ready)


def resume_orphaned_runs(worker: str) -> list[str]:
    """Re-queue the runs no live worker holds; returns what was done, one line per version."""
    done = []
    for version in versions.orphaned_versions(worker):
        versions.release(version)
        step = embed_catalog if version.status == ModelVersion.Status.EMBEDDING else train_model_version
        enqueue(step, version.pk)
        done.append(f"{version.name}: {version.status} re-queued")
    return done


@worker_ready.connect
def _resume_runs_of_dead_workers(sender=None, **_kwargs) -> None:
    """A worker that starts re-queues the runs a dead worker left behind, at once."""
    for line in resume_orphaned_runs(getattr(sender, "hostname", "") or ""):
        logger.warning("%s", line)
