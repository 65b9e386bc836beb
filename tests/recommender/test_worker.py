"""A real Celery worker (separate process, real Redis broker, real Postgres) runs the pipeline."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from recommender.lifecycle import retrain
from recommender.models import ProductEmbedding
from shop.models import Product
from tests.recommender.conftest import wait_for


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_trains_embeds_activates_and_embeds_new_products(catalog, worker):
    version = retrain.start_retrain(config={"epochs": 1})

    def finished():
        version.refresh_from_db()
        return version.status in ("active", "failed")

    wait_for(finished, 300, "the pipeline to finish", worker.log)
    assert version.status == "active", version.error
    val = version.metrics["val"]["composed"]
    assert val["n"] > 0 and 0 < val["R@10"] <= 1  # a trained model finds some targets
    best = max(row["val_R@10"] for row in version.metrics["history"])
    assert val["R@10"] == pytest.approx(best)  # the kept epoch is the best one on val
    assert ProductEmbedding.objects.filter(model_version=version).count() == catalog.count()

    # A product added in the admin gets its vector from the default queue.
    source = catalog.filter(article_type="Shirts").first()
    new_image = Path(settings.MEDIA_ROOT) / "products" / "new-shirt.jpg"
    shutil.copyfile(Path(settings.MEDIA_ROOT) / source.image.name, new_image)
    product = Product.objects.create(
        name="New navy shirt", gender="Men", article_type="Shirts", price=999, image="products/new-shirt.jpg"
    )
    wait_for(
        lambda: ProductEmbedding.objects.filter(product=product, model_version=version).exists(),
        60, "the new product's vector", worker.log,
    )  # fmt: skip
