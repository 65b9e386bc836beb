"""Model versions' life cycle: request, progress, failure, activation, rollback, deletion.

queued -> training -> embedding -> ready -> active -> retired (and back to active on rollback);
any running step may end in failed. Exactly one version is active (a partial unique index
enforces it) and a failed run never touches the active one.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from recommender import vectors
from recommender.models import EMBEDDING_DIM, EmbeddingChunk, ModelVersion, ProductEmbedding

logger = logging.getLogger(__name__)

# A running step beats every settings.RUN_HEARTBEAT_SECONDS (a thread beside the work, so a long
# step without progress reports still beats); a step silent for RUN_HEARTBEAT_TIMEOUT_SECONDS
# (45 s by default) lost its worker.
# A step that killed its worker this many times is given up (e.g. out of memory every time).
MAX_ATTEMPTS = 3
# A retrain request fails a run silent this long (no worker came back for it).
STALE_AFTER = timedelta(minutes=30)
# The pg_advisory_xact_lock id that serialises retrain requests. Any bigint will do as long as no
# other advisory lock in the database uses it (this is the store's only one); the digits are
# arbitrary, chosen unlikely to collide with another application sharing the database.
_RETRAIN_LOCK_KEY = 74_210_001


class PipelineError(RuntimeError):
    """A state change that is not allowed; the message is safe to show to staff."""


class NotClaimed(PipelineError):
    """Another worker runs this step, or the version is past it: nothing to do here."""


class AlreadyRunning(PipelineError):
    def __init__(self, version: ModelVersion):
        super().__init__(f"{version.name} is already {version.status}; wait for it to finish.")
        self.version = version


def fail_stale_versions(now=None) -> int:
    """Fail running versions no worker came back for in STALE_AFTER (the active one is untouched)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = list(ModelVersion.objects.filter(status__in=ModelVersion.RUNNING, updated_at__lt=cutoff))
    for version in stale:
        mark_failed(version, "The worker stopped before the run finished (no heartbeat for 30 minutes).")
    return len(stale)


# TrainConfig fields the store decides, not the staff: where features are cached, threads.
STORE_CONFIG_FIELDS = ("cache_dir", "fashion_iq_dir", "num_threads")


def check_train_config(config: dict) -> dict:
    """A retrain config staff may ask for: a valid ml TrainConfig whose vectors fit the store's
    vector column. Raises ValueError with a message naming the field."""
    from ml.config import TrainConfig

    store_set = sorted(set(config) & set(STORE_CONFIG_FIELDS))
    if store_set:
        raise ValueError(f"{', '.join(store_set)}: set by the store, not by a retrain request")
    parsed = TrainConfig.from_dict(config)
    if parsed.projection_dim != EMBEDDING_DIM:
        raise ValueError(
            f"projection_dim must be {EMBEDDING_DIM}: the store's vectors have {EMBEDDING_DIM} dimensions"
        )
    return config


def request_retrain(
    *, user=None, config: dict | None = None, activate_when_ready: bool = True
) -> ModelVersion:
    """Create a queued version, unless one is already queued or running (then AlreadyRunning).
    The config is checked first (ValueError).

    A transaction-scoped advisory lock makes concurrent requests (two staff clicking at once,
    the API and the admin) see each other: exactly one of them creates a version.
    """
    check_train_config(config or {})
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RETRAIN_LOCK_KEY])
        fail_stale_versions()
        running = ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).first()
        if running is not None:
            raise AlreadyRunning(running)
        return ModelVersion.objects.create(
            created_by=user if (user is not None and user.is_authenticated) else None,
            config=config or {},
            activate_when_ready=activate_when_ready,
        )


def set_progress(version: ModelVersion, fraction: float, message: str) -> None:
    """Store progress; also the heartbeat that tells a live run from a dead one."""
    version.progress = max(0.0, min(1.0, fraction))
    version.progress_message = message[:200]
    version.save(update_fields=["progress", "progress_message", "updated_at"])


def progress_reporter(version: ModelVersion, every_seconds: float = 1.0) -> Callable[[str, float], None]:
    """A progress callback for ml that writes at most once per `every_seconds` (and at the end)."""
    last_write = [0.0]

    def report(message: str, fraction: float) -> None:
        now = timezone.now().timestamp()
        if now - last_write[0] >= every_seconds or fraction >= 1.0:
            last_write[0] = now
            set_progress(version, fraction, message)

    return report


def mark_failed(version: ModelVersion, error: str) -> None:
    """End a run as failed; its partial vectors go (a failed version never serves)."""
    ModelVersion.objects.filter(pk=version.pk).update(
        status=ModelVersion.Status.FAILED, error=error[:5000], finished_at=timezone.now(), worker=""
    )
    ProductEmbedding.objects.filter(model_version_id=version.pk).delete()
    EmbeddingChunk.objects.filter(model_version_id=version.pk).delete()  # a chunk still running stops


def silent_since() -> timezone.datetime:
    """Holders not heard of since then lost their worker."""
    return timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_SECONDS)


def claim(version_id: int, step: str, allowed: tuple[str, ...], worker: str) -> ModelVersion:
    """Move a version into `step` (training or embedding) for `worker`: when its status allows
    it and no other live worker holds it (raises NotClaimed otherwise). A step started more
    than MAX_ATTEMPTS times (its worker died each time) fails the version instead."""
    version, gave_up = _claim(version_id, step, allowed, worker)
    if gave_up:  # failed outside the claim's transaction, which ends without a claim
        mark_failed(
            version, f"{step.capitalize()} stopped {MAX_ATTEMPTS} times without finishing (the worker died)."
        )
        raise NotClaimed(f"{version.name} failed: {step} gave up after {MAX_ATTEMPTS} attempts.")
    return version


@transaction.atomic
def _claim(version_id: int, step: str, allowed: tuple[str, ...], worker: str) -> tuple[ModelVersion, bool]:
    version = ModelVersion.objects.select_for_update().get(pk=version_id)
    held = version.worker and version.worker != worker and version.updated_at > silent_since()
    if version.status not in allowed or (version.status == step and held):
        raise NotClaimed(
            f"{version.name} is {version.status} ({version.worker or 'no worker'}); not claimed."
        )
    attempts = version.attempts + 1 if version.status == step else 1
    if attempts > MAX_ATTEMPTS:
        return version, True
    version.status, version.worker, version.attempts, version.error = step, worker, attempts, ""
    version.started_at = version.started_at or timezone.now()
    version.save(update_fields=["status", "worker", "attempts", "error", "started_at", "updated_at"])
    return version, False


@contextmanager
def heartbeat(version: ModelVersion, chunk: EmbeddingChunk | None = None) -> Iterator[None]:
    """Beat (touch updated_at of the version, and of the chunk being embedded) every
    RUN_HEARTBEAT_SECONDS while the block runs, from a thread with its own database connection;
    the beats stop with the block, or with the process."""
    stop = threading.Event()

    def beat() -> None:
        from django.db import connections

        try:
            while not stop.wait(settings.RUN_HEARTBEAT_SECONDS):
                now = timezone.now()
                running = ModelVersion.objects.filter(pk=version.pk, status__in=ModelVersion.RUNNING)
                running.update(updated_at=now)
                if chunk is not None:
                    EmbeddingChunk.objects.filter(pk=chunk.pk, done=False).update(updated_at=now)
        except Exception:  # a missed beat must never break the work itself
            logger.warning("heartbeat of %s failed", version.name, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"heartbeat-{version.name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def orphaned_versions(worker: str) -> QuerySet[ModelVersion]:
    """Running versions nobody works on: held by `worker` (which is only starting now, so it
    holds nothing), or silent for longer than RUN_HEARTBEAT_TIMEOUT_SECONDS."""
    return ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).filter(
        Q(worker=worker) | Q(updated_at__lt=silent_since())
    )


def release(version: ModelVersion) -> None:
    """Let any worker claim this version's step again (its worker is gone)."""
    ModelVersion.objects.filter(pk=version.pk).update(worker="")


def hand_over(version: ModelVersion) -> None:
    """The step's work now lies in chunks any worker takes: no worker holds the version, and the
    claim that finishes it counts its attempts from one."""
    ModelVersion.objects.filter(pk=version.pk).update(worker="", attempts=0, updated_at=timezone.now())


@transaction.atomic
def activate(version: ModelVersion) -> ModelVersion:
    """Make `version` the one shoppers get, atomically: the old active one becomes retired
    in the same transaction (the partial unique index guarantees a single active version)."""
    locked = list(ModelVersion.objects.select_for_update().filter(status=ModelVersion.Status.ACTIVE))
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == ModelVersion.Status.ACTIVE:
        return version
    if version.status not in (ModelVersion.Status.READY, ModelVersion.Status.RETIRED):
        raise PipelineError(
            f"{version.name} is {version.status}; only a ready or retired version can be activated."
        )
    if not version.embeddings.exists():
        raise PipelineError(f"{version.name} has no product vectors; it cannot serve.")
    for current in locked:
        current.status = ModelVersion.Status.RETIRED
        current.save(update_fields=["status", "updated_at"])
    version.status = ModelVersion.Status.ACTIVE
    version.activated_at = timezone.now()
    version.save(update_fields=["status", "activated_at", "updated_at"])
    return version


def previous_version() -> ModelVersion | None:
    """The most recently active retired version: what a rollback would reactivate."""
    return (
        ModelVersion.objects.filter(status=ModelVersion.Status.RETIRED, activated_at__isnull=False)
        .order_by("-activated_at")
        .first()
    )


def rollback() -> ModelVersion:
    """Reactivate the most recently active retired version."""
    previous = previous_version()
    if previous is None:
        raise PipelineError("There is no previous version to roll back to.")
    return activate(previous)


def delete_version(version: ModelVersion) -> None:
    """Remove a version that does not serve: its vectors, its index and its checkpoint files."""
    if version.status == ModelVersion.Status.ACTIVE:
        raise PipelineError(f"{version.name} is serving shoppers; activate another version first.")
    if version.is_running:
        raise PipelineError(f"{version.name} is {version.status}; wait for it to finish.")
    with transaction.atomic():
        vectors.drop_index(version)
        version.delete()  # cascades to its vectors
    checkpoint = Path(version.checkpoint_path) if version.checkpoint_path else None
    model_dir = Path(settings.MODEL_DIR).resolve()
    if checkpoint and checkpoint.is_dir() and model_dir in checkpoint.resolve().parents:
        shutil.rmtree(checkpoint)  # only folders the store itself created under MODEL_DIR
