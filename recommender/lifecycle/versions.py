"""A model version's life, in one place: the only module that writes a version's status.

queued -> training -> embedding -> ready -> active -> retired (and back to active on rollback);
any running step may end in failed (TRANSITIONS). Exactly one version is active (a partial unique
index enforces it) and a failed run never touches the active one.

The moves, in the order a version makes them: ``request_retrain`` (or ``register_checkpoint``,
a checkpoint trained elsewhere), ``claim`` (a worker takes a step), ``record_progress`` (and
``progress_reporter`` for ml's callbacks), ``trained``, ``ready``, ``activate`` / ``rollback``,
``mark_failed``, ``delete_version`` (discard). tests/recommender/test_lifecycle.py checks that no
other module assigns ``status``.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from recommender.models import EMBEDDING_DIM, EmbeddingChunk, ModelVersion, ProductEmbedding
from recommender.serving import vectors

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


S = ModelVersion.Status
# Which status may follow which (None: the version is being created).
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({S.QUEUED, S.EMBEDDING}),  # a retrain request; a checkpoint trained elsewhere
    S.QUEUED: frozenset({S.TRAINING, S.FAILED}),
    S.TRAINING: frozenset({S.TRAINING, S.EMBEDDING, S.FAILED}),  # training again: a dead worker's
    S.EMBEDDING: frozenset({S.EMBEDDING, S.READY, S.FAILED}),
    S.READY: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.RETIRED}),
    S.RETIRED: frozenset({S.ACTIVE}),  # a rollback
    S.FAILED: frozenset(),
}


class PipelineError(RuntimeError):
    """A state change that is not allowed; the message is safe to show to staff."""


def _move(version: ModelVersion, to: str) -> None:
    """Set `version`'s status to `to` (the caller saves it), when TRANSITIONS allows it."""
    if to not in TRANSITIONS[version.status]:
        raise PipelineError(f"{version.name} is {version.status}; it cannot become {to}.")
    version.status = to


def _create(status: str, **fields) -> ModelVersion:
    if status not in TRANSITIONS[None]:
        raise PipelineError(f"a new version cannot start {status}")
    return ModelVersion.objects.create(status=status, **fields)


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
        return _create(
            S.QUEUED,
            created_by=user if (user is not None and user.is_authenticated) else None,
            config=config or {},
            activate_when_ready=activate_when_ready,
        )


def register_checkpoint(
    checkpoint_path: str, *, config: dict, metrics: dict, activate_when_ready: bool
) -> ModelVersion:
    """A version of a checkpoint trained elsewhere (manage.py add_model_version): it starts embedding."""
    return _create(
        S.EMBEDDING, checkpoint_path=checkpoint_path, config=config, metrics=metrics,
        activate_when_ready=activate_when_ready,
    )  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """Where a running version is: its stage, the fraction of it done, and what it counts."""

    stage: str  # features, training, reader, embedding, indexing
    fraction: float
    message: str = ""  # shown to staff as it is, never read back
    epoch: int | None = None
    epochs: int | None = None
    step: int | None = None
    total: int | None = None


PROGRESS_FIELDS = ("progress", "progress_message", "stage", "epoch", "epochs", "step", "total",
                   "stage_started_at", "eta", "updated_at")  # fmt: skip


def record_progress(version: ModelVersion, progress: Progress) -> None:
    """Store a running version's progress (also the heartbeat that tells a live run from a dead
    one). A new stage starts its clock; the ETA is the stage's pace so far, once it is 2% done."""
    now = timezone.now()
    fraction = max(0.0, min(1.0, progress.fraction))
    stored = ModelVersion.objects.filter(pk=version.pk).values("stage", "stage_started_at").first() or {}
    started = stored.get("stage_started_at") if stored.get("stage") == progress.stage else None
    started = started or now
    eta = now + (now - started) * ((1 - fraction) / fraction) if fraction > 0.02 else None
    values = {
        "progress": fraction, "progress_message": progress.message[:200], "stage": progress.stage,
        "epoch": progress.epoch, "epochs": progress.epochs, "step": progress.step, "total": progress.total,
        "stage_started_at": started, "eta": eta, "updated_at": now,
    }  # fmt: skip
    ModelVersion.objects.filter(pk=version.pk, status__in=ModelVersion.RUNNING).update(**values)
    for name, value in values.items():
        setattr(version, name, value)


def progress_reporter(version: ModelVersion, every_seconds: float = 1.0) -> Callable[..., None]:
    """A progress callback for ml (``progress(message, fraction, stage=..., epoch=..., ...)``) that
    writes at most once per `every_seconds` (and at the end of a stage)."""
    last_write = [0.0]

    def report(message: str, fraction: float, stage: str = "training", **counts) -> None:
        now = timezone.now().timestamp()
        if now - last_write[0] >= every_seconds or fraction >= 1.0 or stage != version.stage:
            last_write[0] = now
            record_progress(version, Progress(stage, fraction, message, **counts))

    return report


def _clear_progress(version: ModelVersion, message: str, fraction: float) -> None:
    version.progress, version.progress_message, version.stage = fraction, message[:200], ""
    version.epoch = version.epochs = version.step = version.total = None
    version.stage_started_at = version.eta = None


def trained(version: ModelVersion, checkpoint_path: str, metrics: dict) -> ModelVersion:
    """Training is done: the version waits for embedding, a step of its own for any worker."""
    version.checkpoint_path, version.metrics = checkpoint_path, metrics
    _move(version, S.EMBEDDING)
    version.worker, version.attempts = "", 0
    _clear_progress(version, "queued for embedding", 0.0)
    version.save()
    return version


def ready(version: ModelVersion, metrics: dict, message: str) -> ModelVersion:
    """Every product is embedded and indexed: the version may serve (activated when it asked)."""
    version.metrics = metrics
    _move(version, S.READY)
    version.worker, version.finished_at = "", timezone.now()
    _clear_progress(version, message, 1.0)
    version.save()
    if version.activate_when_ready:
        version = activate(version)
    return version


def mark_failed(version: ModelVersion, error: str) -> None:
    """End a run as failed (a running one: TRANSITIONS); its partial vectors go (a failed version
    never serves)."""
    ModelVersion.objects.filter(pk=version.pk, status__in=ModelVersion.RUNNING).update(
        status=S.FAILED, error=error[:5000], finished_at=timezone.now(), worker=""
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
    _move(version, step)
    version.worker, version.attempts, version.error = worker, attempts, ""
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
        _move(current, S.RETIRED)
        current.save(update_fields=["status", "updated_at"])
    _move(version, S.ACTIVE)
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
