"""Signal receivers: queue the vector of new or edited products (the work is in tasks)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from shop.models import Product
from shop.signals import products_imported

logger = logging.getLogger(__name__)


def _queue_embedding(product_ids: list[int]) -> None:
    from recommender.lifecycle.tasks import embed_new_products, enqueue

    def send() -> None:
        try:
            enqueue(embed_new_products, list(product_ids))  # gives up within a second
        except Exception:  # a broker outage must not fail the product save itself
            logger.warning("could not queue embedding of %d products", len(product_ids), exc_info=True)

    # After commit: the worker must see the product rows it is asked to embed.
    transaction.on_commit(send)


@receiver(post_save, sender=Product, dispatch_uid="recommender-embed-saved-product")
def embed_saved_product(sender, instance: Product, raw: bool = False, **kwargs) -> None:
    if not raw:
        _queue_embedding([instance.pk])


@receiver(products_imported, dispatch_uid="recommender-embed-imported-products")
def embed_imported_products(sender, product_ids: list[int], **kwargs) -> None:
    if product_ids:
        _queue_embedding(product_ids)
