"""Model versions' life cycle: request, progress, failure, activation, rollback, deletion.

queued -> training -> embedding -> ready -> active -> retired (and back to active on rollback);
any running step may end in failed. Exactly one version is active (a partial unique index
enforces it) and a failed run never touches the active one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from recommender import vectors
from recommender.models import ModelVersion

# A running version whose heartbeat is older than this lost its worker (killed, machine gone).
STALE_AFTER = timedelta(minutes=30)
_RETRAIN_LOCK_KEY = 74_210_001  # pg advisory lock id serialising retrain requests


class PipelineError(RuntimeError):
    """A state change that is not allowed; the message is safe to show to staff."""


class AlreadyRunning(PipelineError):
    def __init__(self, version: ModelVersion):
        super().__init__(f"{version.name} is already {version.status}; wait for it to finish.")
        self.version = version


def fail_stale_versions(now=None) -> int:
    """Mark running versions whose worker died as failed (the active version is untouched)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return ModelVersion.objects.filter(status__in=ModelVersion.RUNNING, updated_at__lt=cutoff).update(
        status=ModelVersion.Status.FAILED,
        error="The worker stopped before the run finished (no progress for 30 minutes).",
        finished_at=timezone.now(),
    )


def request_retrain(
    *, user=None, config: dict | None = None, activate_when_ready: bool = True
) -> ModelVersion:
    """Create a queued version, unless one is already queued or running (then AlreadyRunning).

    A transaction-scoped advisory lock makes concurrent requests (two staff clicking at once,
    the API and the admin) see each other: exactly one of them creates a version.
    """
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
    ModelVersion.objects.filter(pk=version.pk).update(
        status=ModelVersion.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def start_step(version_id: int, step: str, allowed: tuple[str, ...]) -> ModelVersion:
    """Move a version into `step` (training or embedding) if its status allows it."""
    version = ModelVersion.objects.get(pk=version_id)
    if version.status not in allowed:
        raise PipelineError(f"{version.name} is {version.status}, not ready for {step}.")
    version.status = step
    version.started_at = version.started_at or timezone.now()
    version.error = ""
    version.save(update_fields=["status", "started_at", "error", "updated_at"])
    return version


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
