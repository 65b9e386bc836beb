"""Celery tasks: training and bulk embedding on the `gpu` queue, small jobs on `default`.

Thin wrappers over ``recommender.training``; the routing lives in settings.CELERY_TASK_ROUTES.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from recommender import training, versions
from recommender.models import ModelVersion

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def train_model_version(version_id: int) -> int:
    """Train a queued version, then hand it to embed_catalog (same gpu queue)."""
    return training.run_pipeline(version_id, embed_later=embed_catalog.delay).pk


@shared_task(acks_late=True)
def embed_catalog(version_id: int) -> int:
    """Write every product's vector of the version into pgvector; activate when asked."""
    return training.embed_version(version_id).pk


@shared_task
def embed_new_products(product_ids: list[int]) -> int:
    """Vectors for new or edited products under the versions that serve or are about to.

    A version still embedding picks them up itself: it embeds every product lacking a vector.
    """
    from shop.models import Product

    products = list(Product.objects.filter(pk__in=product_ids, is_active=True).order_by("pk"))
    if not products:
        return 0
    serving = ModelVersion.objects.filter(status__in=[ModelVersion.Status.ACTIVE, ModelVersion.Status.READY])
    embedded = 0
    for version in serving:
        embedded += len(products) - len(training.embed_products(version, products))
    return embedded  # vectors written (0 before the first model is ready)


@worker_ready.connect
def _fail_runs_of_dead_workers(**_kwargs) -> None:
    """A worker that starts finds runs a killed worker left behind and marks them failed."""
    count = versions.fail_stale_versions()
    if count:
        logger.warning("marked %d stale model version(s) as failed", count)
