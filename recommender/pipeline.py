"""Model versions: request a retrain, train, embed the catalog, activate, roll back.

The Celery tasks in ``tasks.py`` are thin wrappers around these functions, so the whole
pipeline can also run in-process (tests, ``ensure_model --sync``).
"""

from __future__ import annotations

import io
import logging
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from recommender import runtime
from recommender.models import ModelVersion
from shop.models import Product

logger = logging.getLogger(__name__)

EMBED_BATCH = 512
# A running version whose heartbeat is older than this lost its worker (killed, machine gone).
STALE_AFTER = timedelta(minutes=30)
_RETRAIN_LOCK_KEY = 74_210_001  # pg advisory lock id serialising retrain requests


class PipelineError(RuntimeError):
    """A state change that is not allowed; the message is safe to show to staff."""


class AlreadyRunning(PipelineError):
    def __init__(self, version: ModelVersion):
        super().__init__(f"{version.name} is already {version.status}; wait for it to finish.")
        self.version = version


# --- requesting and tracking -------------------------------------------------------------------


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
        version = ModelVersion.objects.create(
            created_by=user if (user is not None and user.is_authenticated) else None,
            config=config or {},
            activate_when_ready=activate_when_ready,
        )
    return version


def _set_progress(version: ModelVersion, fraction: float, message: str) -> None:
    """Store progress; also the heartbeat that tells a live run from a dead one."""
    version.progress = max(0.0, min(1.0, fraction))
    version.progress_message = message[:200]
    version.save(update_fields=["progress", "progress_message", "updated_at"])


def _throttled_progress(version: ModelVersion, start: float, span: float) -> Callable[[str, float], None]:
    last = {"at": 0.0}

    def report(message: str, fraction: float) -> None:
        now = timezone.now().timestamp()
        if now - last["at"] >= 1.0 or fraction >= 1.0:
            last["at"] = now
            _set_progress(version, start + span * fraction, message)

    return report


def _mark_failed(version: ModelVersion, error: str) -> None:
    ModelVersion.objects.filter(pk=version.pk).update(
        status=ModelVersion.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )


# --- training ----------------------------------------------------------------------------------


def train_version(version_id: int) -> ModelVersion:
    """Train the version's checkpoint on the store's train/val products (test never used)."""
    from ml.config import TrainConfig
    from ml.train import train

    version = ModelVersion.objects.get(pk=version_id)
    if version.status not in (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING):
        raise PipelineError(f"{version.name} is {version.status}, not queued for training.")
    version.status = ModelVersion.Status.TRAINING
    version.started_at = version.started_at or timezone.now()
    version.error = ""
    version.save(update_fields=["status", "started_at", "error", "updated_at"])
    out_dir = Path(settings.MODEL_DIR) / version.name
    try:
        config = TrainConfig.from_dict({**version.config, "cache_dir": str(settings.ML_CACHE_DIR)})
        products = runtime.catalog_products(
            Product.objects.filter(is_active=True, split__in=["train", "val"]).order_by("pk")
        )
        metrics = train(products, config, out_dir, progress=_throttled_progress(version, 0.0, 1.0))
    except Exception as exc:  # any failure ends this version, never the active one
        logger.exception("training %s failed", version.name)
        _mark_failed(version, f"Training failed: {exc}")
        raise
    version.checkpoint_path = str(out_dir)
    version.metrics = metrics
    version.status = ModelVersion.Status.EMBEDDING
    version.progress, version.progress_message = 0.0, "queued for embedding"
    version.save()
    return version


# --- embedding ---------------------------------------------------------------------------------


def _vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in vector.tolist()) + "]"


def write_embeddings(version: ModelVersion, ids: list[int], vectors: np.ndarray) -> None:
    """Bulk-write vectors with COPY into a staging table, then upsert (one transaction)."""
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS embedding_stage (product_id bigint, embedding vector) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE embedding_stage")  # empty even when an outer transaction spans batches
        buffer = io.StringIO()
        for pid, vector in zip(ids, vectors, strict=True):
            buffer.write(f"{pid}\t{_vector_literal(vector)}\n")
        with cursor.connection.cursor().copy(
            "COPY embedding_stage (product_id, embedding) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            """
            INSERT INTO recommender_productembedding (product_id, model_version_id, embedding, created_at)
            SELECT product_id, %s, embedding, now() FROM embedding_stage
            ON CONFLICT (model_version_id, product_id) DO UPDATE SET embedding = EXCLUDED.embedding
            """,
            [version.pk],
        )


def index_name(version: ModelVersion) -> str:
    return f"embedding_hnsw_v{int(version.pk)}"


def build_index(version: ModelVersion) -> None:
    """A partial HNSW index over exactly this version's vectors (cosine distance)."""
    with connection.cursor() as cursor:
        # Inside an outer transaction the vectors' deferred FK checks would still be pending,
        # and Postgres refuses CREATE INDEX then; run them now (a no-op in autocommit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(version)} ON recommender_productembedding "
            f"USING hnsw (embedding vector_cosine_ops) WHERE model_version_id = {int(version.pk)}"
        )


def delete_version(version: ModelVersion) -> None:
    """Remove a version that does not serve: its vectors, its index and its checkpoint files."""
    if version.status == ModelVersion.Status.ACTIVE:
        raise PipelineError(f"{version.name} is serving shoppers; activate another version first.")
    if version.is_running:
        raise PipelineError(f"{version.name} is {version.status}; wait for it to finish.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {index_name(version)}")
        version.delete()  # cascades to its vectors
    checkpoint = Path(version.checkpoint_path) if version.checkpoint_path else None
    if (
        checkpoint
        and checkpoint.is_dir()
        and Path(settings.MODEL_DIR).resolve() in checkpoint.resolve().parents
    ):
        shutil.rmtree(checkpoint)  # only folders the store itself created under MODEL_DIR


def embed_products(version: ModelVersion, products: list[Product], progress=None) -> list[int]:
    """Compute and store vectors of `products`; returns ids skipped for a bad image."""
    model = runtime.load_model(version.checkpoint_path)
    vectors, failed = model.embed_products(runtime.catalog_products(products), progress=progress)
    bad = set(failed)
    write_embeddings(version, [p.pk for p in products if p.pk not in bad], vectors)
    return failed


def embed_version(version_id: int) -> ModelVersion:
    """Embed every active product missing a vector of this version (resumable), then index.

    Activates the version when it asked for it; a failure marks it failed and leaves the
    active version serving.
    """
    version = ModelVersion.objects.get(pk=version_id)
    if version.status != ModelVersion.Status.EMBEDDING:
        raise PipelineError(f"{version.name} is {version.status}, not ready for embedding.")
    try:
        missing = Product.objects.filter(is_active=True).exclude(embeddings__model_version=version)
        attempted: list[int] = []
        skipped: list[int] = []
        ids = list(missing.order_by("pk").values_list("pk", flat=True))
        total = len(ids)
        while ids:
            for start in range(0, len(ids), EMBED_BATCH):
                batch = list(Product.objects.filter(pk__in=ids[start : start + EMBED_BATCH]).order_by("pk"))
                skipped += embed_products(version, batch)
                attempted += [p.pk for p in batch]
                _set_progress(
                    version, len(attempted) / max(total, 1), f"embedded {len(attempted)}/{total} products"
                )
            # Products added meanwhile: their own task found no ready version to embed them into.
            ids = list(missing.exclude(pk__in=attempted).order_by("pk").values_list("pk", flat=True))
            total += len(ids)
        _set_progress(version, 1.0, "building the vector index")
        build_index(version)
    except Exception as exc:
        logger.exception("embedding %s failed", version.name)
        _mark_failed(version, f"Embedding failed: {exc}")
        raise
    version.metrics = {**version.metrics, "embedding": {"products": total, "skipped_images": skipped}}
    version.status = ModelVersion.Status.READY
    version.finished_at = timezone.now()
    version.progress_message = f"{total - len(skipped)} products embedded"
    version.save()
    if version.activate_when_ready:
        version = activate(version)
    return version


# --- activation ------------------------------------------------------------------------------


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


def rollback() -> ModelVersion:
    """Reactivate the most recently active retired version."""
    previous = (
        ModelVersion.objects.filter(status=ModelVersion.Status.RETIRED, activated_at__isnull=False)
        .order_by("-activated_at")
        .first()
    )
    if previous is None:
        raise PipelineError("There is no previous version to roll back to.")
    return activate(previous)
