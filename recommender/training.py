"""The train -> embed chain of a model version, shared by the Celery tasks and ``ensure_model``.

``train_version`` trains a checkpoint on the store's train/val products (test never used);
``embed_version`` writes every product's vector, builds the version's index and activates it
when asked. ``run_pipeline`` runs both, or hands the embedding to a task.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ml.data import CatalogProduct
from recommender import runtime, vectors, versions
from recommender.models import ModelVersion
from shop.models import Product

logger = logging.getLogger(__name__)

EMBED_BATCH = 512


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
        )
        for p in products
    ]


def train_version(version_id: int) -> ModelVersion:
    """Train the version's checkpoint; on success the version waits for embedding."""
    from ml.config import TrainConfig
    from ml.train import train

    version = versions.start_step(
        version_id, ModelVersion.Status.TRAINING, (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING)
    )
    out_dir = Path(settings.MODEL_DIR) / version.name
    try:
        config = TrainConfig.from_dict({**version.config, "cache_dir": str(settings.ML_CACHE_DIR)})
        products = catalog_products(
            Product.objects.filter(is_active=True, split__in=["train", "val"]).order_by("pk")
        )
        metrics = train(products, config, out_dir, progress=versions.progress_reporter(version))
    except Exception as exc:  # any failure ends this version, never the active one
        logger.exception("training %s failed", version.name)
        versions.mark_failed(version, f"Training failed: {exc}")
        raise
    version.checkpoint_path = str(out_dir)
    version.metrics = metrics
    version.status = ModelVersion.Status.EMBEDDING
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


def embed_version(version_id: int) -> ModelVersion:
    """Embed every active product missing a vector of this version (resumable), then index;
    activate when the version asked for it. A failure marks it failed; the active one serves on."""
    version = versions.start_step(version_id, ModelVersion.Status.EMBEDDING, (ModelVersion.Status.EMBEDDING,))
    try:
        total, skipped = _embed_missing(version)
        versions.set_progress(version, 1.0, "building the vector index")
        vectors.build_index(version)
    except Exception as exc:
        logger.exception("embedding %s failed", version.name)
        versions.mark_failed(version, f"Embedding failed: {exc}")
        raise
    version.metrics = {**version.metrics, "embedding": {"products": total, "skipped_images": skipped}}
    version.status = ModelVersion.Status.READY
    version.finished_at = timezone.now()
    version.progress_message = f"{total - len(skipped)} products embedded"
    version.save()
    if version.activate_when_ready:
        version = versions.activate(version)
    return version


def _embed_missing(version: ModelVersion) -> tuple[int, list[int]]:
    """Embed, batch by batch, the active products without a vector of this version, including
    products added meanwhile (their own task found no ready version to embed them into)."""
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
            versions.set_progress(
                version, len(attempted) / max(total, 1), f"embedded {len(attempted)} of {total} products"
            )
        ids = list(missing.exclude(pk__in=attempted).order_by("pk").values_list("pk", flat=True))
        total += len(ids)
    return total, skipped


def run_pipeline(version_id: int, embed_later: Callable[[int], object] | None = None) -> ModelVersion:
    """Train the version when it still needs it, then embed it here, or hand the embedding to
    `embed_later` (the Celery task, so embedding is its own resumable job)."""
    version = ModelVersion.objects.get(pk=version_id)
    if version.status in (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING):
        version = train_version(version.pk)
    if embed_later is not None:
        embed_later(version.pk)
        return version
    return embed_version(version.pk)
