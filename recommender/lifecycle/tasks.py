"""Celery tasks: training and bulk embedding on the `gpu` queue, small jobs on `default`.

Thin wrappers over ``recommender.lifecycle.training``; the routing lives in
settings.CELERY_TASK_ROUTES, and the worker imports this module by name (settings.CELERY_IMPORTS).
Each task is named ``recommender.tasks.<function>`` wherever this module stands: the routes and the
messages already queued name tasks so (the module was ``recommender/tasks.py``).
Embedding a version is a group of chunk tasks (``embed_chunk``) that any number of workers take;
the one that lands the last chunk indexes and activates the version.
Faults: tasks are acknowledged late and re-queued when their worker process dies; a worker that
starts re-queues the runs and chunks a dead worker left behind (its own, or any whose heartbeat
stopped), a chunk task with nothing left to take waits for the others and takes over a chunk
whose worker went silent, and each step resumes where it stopped (training restarts on cached
features, a chunk writes only its missing vectors). A duplicate delivery finds the step or the
chunk claimed or done and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import group, shared_task
from celery.signals import worker_ready
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from recommender.lifecycle import chunks, training, versions
from recommender.models import ModelVersion

logger = logging.getLogger(__name__)
# Publishing while the broker is down: give up within about a second, never hang a request.
QUICK_PUBLISH = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
BROKER_ERRORS = (OperationalError, ConnectionError, OSError, RedisError)
# A version's task can arrive before the request that created the version commits (it is sent
# inside that transaction): the task waits for the row this long before giving up.
VERSION_WAIT_RETRIES, VERSION_WAIT_SECONDS = 10, 1.0


@contextmanager
def publishing() -> Iterator[None]:
    """Sending tasks: Redis down is one of BROKER_ERRORS. The Redis result backend subscribes to
    a task's result before the task is sent and, when it cannot, raises a RuntimeError (whose
    cause is the connection error) instead of a connection error: turned into one here."""
    try:
        yield
    except RuntimeError as exc:
        if isinstance(exc.__cause__, BROKER_ERRORS):
            raise OperationalError(f"result backend unreachable: {exc.__cause__}") from exc
        raise


def enqueue(task, *args) -> str:
    """Send a task; raises one of BROKER_ERRORS quickly when the broker is unreachable."""
    with publishing():
        return task.apply_async(args, retry=True, retry_policy=QUICK_PUBLISH).id or ""


def train_then_embed(version_id: int, worker: str) -> ModelVersion:
    """Train the version when it needs it, then queue its embedding (a task of its own, resumable),
    or embed it here when the broker cannot take the task."""
    version = training.train_if_needed(version_id, worker)
    try:
        enqueue(embed_catalog, version.pk)
    except BROKER_ERRORS:
        logger.warning("could not queue the embedding of %s; embedding it in this task", version.name)
        return training.embed_version(version.pk, worker)
    return version


@shared_task(
    name="recommender.tasks.train_model_version", bind=True, acks_late=True, reject_on_worker_lost=True
)
def train_model_version(self, version_id: int) -> int | None:
    """Train a queued version, then hand it to embed_catalog (same gpu queue)."""
    try:
        return train_then_embed(version_id, self.request.hostname).pk
    except versions.NotClaimed as exc:
        logger.info("%s", exc)
        return None
    except ModelVersion.DoesNotExist:
        # Sent inside the transaction that creates the version (retrain.start_retrain): it is
        # there once that commits, or never (the request failed and rolled it back).
        if self.request.retries >= VERSION_WAIT_RETRIES:
            logger.warning("model version %s does not exist: nothing to train", version_id)
            return None
        raise self.retry(countdown=VERSION_WAIT_SECONDS, max_retries=VERSION_WAIT_RETRIES) from None


def embed_in_chunks(version_id: int, numbers: list[int]) -> bool:
    """Queue one embed_chunk task per chunk (a group); False when the broker is unreachable."""
    try:
        tasks = group(embed_chunk.s(version_id, number) for number in numbers)
        with publishing():
            tasks.apply_async(retry=True, retry_policy=QUICK_PUBLISH)
    except BROKER_ERRORS:
        logger.warning("could not queue the chunks of v%s; embedding them in this task", version_id)
        return False
    return True


@shared_task(name="recommender.tasks.embed_catalog", bind=True, acks_late=True, reject_on_worker_lost=True)
def embed_catalog(self, version_id: int) -> int | None:
    """Plan the version's embedding in chunks and queue them for every gpu worker."""
    try:
        version, pending = training.plan_embedding(version_id, self.request.hostname)
        if pending and embed_in_chunks(version.pk, pending):
            chunks.report_progress(version.pk)
            return version.pk
        return (training.embed_chunks(version.pk, self.request.hostname) or version).pk
    except versions.NotClaimed as exc:
        logger.info("%s", exc)
        return None


@shared_task(name="recommender.tasks.embed_chunk", bind=True, acks_late=True, reject_on_worker_lost=True)
def embed_chunk(self, version_id: int, number: int) -> int | None:
    """Write one chunk's vectors (then help with the rest); the last one indexes and activates."""
    try:
        version = training.embed_chunks(version_id, self.request.hostname, number)
    except versions.NotClaimed as exc:
        logger.info("%s", exc)
        return None
    return version.pk if version is not None else None


@shared_task(name="recommender.tasks.embed_new_products")
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
    """Re-queue the runs and chunks no live worker holds; returns what was done, one line each."""
    done = []
    for version in versions.orphaned_versions(worker):
        versions.release(version)
        step = embed_catalog if version.status == ModelVersion.Status.EMBEDDING else train_model_version
        enqueue(step, version.pk)
        done.append(f"{version.name}: {version.status} re-queued")
    for chunk in chunks.orphaned(worker):
        chunks.release(chunk)
        enqueue(embed_chunk, chunk.model_version_id, chunk.number)
        done.append(f"{chunk}: re-queued")
    return done


@worker_ready.connect
def _resume_runs_of_dead_workers(sender=None, **_kwargs) -> None:
    """A worker that starts re-queues the runs a dead worker left behind, at once."""
    for line in resume_orphaned_runs(getattr(sender, "hostname", "") or ""):
        logger.warning("%s", line)
