"""The train -> embed chain of a model version, shared by the Celery tasks and ``ensure_model``.

``train_version`` trains a checkpoint on the store's train/val products (test never used);
``embed_version`` writes every product's vector, builds the version's index and activates it
when asked. ``run_pipeline`` runs both, or hands the embedding to a task.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from ml.data import CatalogProduct
from recommender import runtime, vectors, versions
from recommender.models import ModelVersion
from shop.models import Product

logger = logging.getLogger(__name__)

# Who runs a step outside Celery (ensure_model --sync, tests): this process.
LOCAL_WORKER = f"{socket.gethostname()}:{os.getpid()}"
# The pipeline reads what it writes (which vectors are missing): always on the primary, never on
# a read replica that may not have replayed the last batch yet.
PRIMARY = DEFAULT_DB_ALIAS


def store_products():
    """The store's products as the pipeline reads them: on the primary."""
    return Product.objects.using(PRIMARY)


def catalog_products(products: Iterable[Product]) -> list[CatalogProduct]:
    """Store products as the plain records ``ml`` trains and embeds on (no Django inside ml)."""
    media = Path(settings.MEDIA_ROOT)
    return [
        CatalogProduct(
            id=p.pk,
            image_path=media / p.image.name if p.image else media / "missing",
            split=p.split or None,
            name=p.name,
            gender=p.gender,
            article_type=p.article_type,
            base_colour=p.base_colour or None,
            attributes=dict(p.attributes or {}),
            extra={"brand": p.brand, "usage": p.usage},
            age_group=p.age_group,
        )
        for p in products
    ]


def store_paths() -> dict:
    """Where training finds the store's extra data (a missing folder is simply not used)."""
    fashion_iq = Path(settings.FASHION_IQ_DIR)
    return {"fashion_iq_dir": str(fashion_iq) if (fashion_iq / "captions").is_dir() else None}


def train_version(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """Train the version's checkpoint; on success the version waits for embedding.
    Raises versions.NotClaimed when another live worker trains it or it is past training."""
    from ml.config import TrainConfig
    from ml.train import train

    version = versions.claim(
        version_id,
        ModelVersion.Status.TRAINING,
        (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING),
        worker,
    )
    out_dir = Path(settings.MODEL_DIR) / version.name
    try:
        with versions.heartbeat(version):
            config = TrainConfig.from_dict(
                {**store_paths(), **version.config, "cache_dir": str(settings.ML_CACHE_DIR)}
            )
            products = catalog_products(
                store_products().filter(is_active=True, split__in=["train", "val"]).order_by("pk")
            )
            metrics = train(products, config, out_dir, progress=versions.progress_reporter(version))
    except Exception as exc:  # any failure ends this version, never the active one
        logger.exception("training %s failed", version.name)
        versions.mark_failed(version, f"Training failed: {exc}")
        raise
    version.checkpoint_path = str(out_dir)
    version.metrics = metrics
    version.status = ModelVersion.Status.EMBEDDING
    version.worker, version.attempts = "", 0  # embedding is a step of its own, for any worker
    version.progress, version.progress_message = 0.0, "queued for embedding"
    version.save()
    return version


def embed_products(version: ModelVersion, products: list[Product]) -> list[int]:
    """Compute and store vectors of `products`; returns the ids skipped for a bad image."""
    model = runtime.load_model(version.checkpoint_path)
    embedded, failed = model.embed_products(catalog_products(products))
    bad = set(failed)
    vectors.write_embeddings(version, [p.pk for p in products if p.pk not in bad], embedded)
    return failed


def embed_version(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """Embed every active product missing a vector of this version (so a restarted run resumes
    where it stopped), then index; activate when the version asked for it. A failure marks it
    failed; the active version serves on. Raises versions.NotClaimed like train_version."""
    version = versions.claim(
        version_id, ModelVersion.Status.EMBEDDING, (ModelVersion.Status.EMBEDDING,), worker
    )
    try:
        with versions.heartbeat(version):
            total, skipped = _embed_missing(version)
            versions.set_progress(version, 1.0, "building the vector index")
            vectors.build_index(version)
    except Exception as exc:
        logger.exception("embedding %s failed", version.name)
        versions.mark_failed(version, f"Embedding failed: {exc}")
        raise
    version.metrics = {**version.metrics, "embedding": {"products": total, "skipped_images": skipped}}
    version.status, version.worker = ModelVersion.Status.READY, ""
    version.finished_at = timezone.now()
    version.progress_message = f"{total - len(skipped)} products embedded"
    version.save()
    if version.activate_when_ready:
        version = versions.activate(version)
    return version


def _embed_missing(version: ModelVersion) -> tuple[int, list[int]]:
    """Embed, batch by batch, the active products without a vector of this version, including
    products added meanwhile (their own task found no ready version to embed them into)."""
    missing = store_products().filter(is_active=True).exclude(embeddings__model_version=version)
    attempted: list[int] = []
    skipped: list[int] = []
    ids = list(missing.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    while ids:
        size = settings.EMBED_BATCH_SIZE
        for start in range(0, len(ids), size):
            batch = list(store_products().filter(pk__in=ids[start : start + size]).order_by("pk"))
            skipped += embed_products(version, batch)
            attempted += [p.pk for p in batch]
            versions.set_progress(
                version, len(attempted) / max(total, 1), f"embedded {len(attempted)} of {total} products"
            )
        ids = list(missing.exclude(pk__in=attempted).order_by("pk").values_list("pk", flat=True))
        total += len(ids)
    return total, skipped


def run_pipeline(
    version_id: int, worker: str = LOCAL_WORKER, embed_later: Callable[[int], bool] | None = None
) -> ModelVersion:
    """Train the version when it still needs it, then hand the embedding to `embed_later` (the
    Celery task, its own resumable job), or embed here when there is none or it could not be
    handed over (False: the broker is down)."""
    version = ModelVersion.objects.get(pk=version_id)
    if version.status in (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING):
        version = train_version(version.pk, worker)
    if embed_later is not None and embed_later(version.pk):
        return version
    return embed_version(version.pk, worker)
