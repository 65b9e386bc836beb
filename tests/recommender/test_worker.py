"""A real Celery worker (separate process, real Redis broker, real Postgres) runs the pipeline."""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from recommender import services
from recommender.models import ModelVersion, ProductEmbedding
from shop.models import Product

REPO = Path(__file__).resolve().parents[2]


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker` on both queues against this test database; stop it afterwards."""
    from config.celery import app

    app.control.purge()  # tasks left in the test broker by earlier tests are not ours
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['HOST']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "MODEL_DIR": str(tmp_path / "models"),
        "ML_CACHE_DIR": str(settings.ML_CACHE_DIR),
    }
    log = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,gpu", "--pool", "solo",
        "-n", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    process.log = log
    yield process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_trains_embeds_activates_and_embeds_new_products(catalog, worker):
    version = services.start_retrain(config={"epochs": 1})

    def finished():
        version.refresh_from_db()
        return version.status in ("active", "failed")

    _wait_for(finished, 300, "the pipeline to finish", worker.log)
    assert version.status == "active", version.error
    assert version.metrics["val"]["composed"]["R@10"] >= 0
    assert ProductEmbedding.objects.filter(model_version=version).count() == catalog.count()

    # A product added in the admin gets its vector from the default queue.
    source = catalog.filter(article_type="Shirts").first()
    new_image = Path(settings.MEDIA_ROOT) / "products" / "new-shirt.jpg"
    shutil.copyfile(Path(settings.MEDIA_ROOT) / source.image.name, new_image)
    product = Product.objects.create(
        name="New navy shirt", gender="Men", article_type="Shirts", price=999, image="products/new-shirt.jpg"
    )
    _wait_for(
        lambda: ProductEmbedding.objects.filter(product=product, model_version=version).exists(),
        60, "the new product's vector", worker.log,
    )  # fmt: skip

    # A worker killed mid-training: the run never becomes active and the old version keeps serving.
    second = services.start_retrain(config={"epochs": 1})
    _wait_for(
        lambda: ModelVersion.objects.get(pk=second.pk).status == "training", 120, "training", worker.log
    )
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    second.refresh_from_db()
    version.refresh_from_db()
    assert second.status == "training" and version.status == "active"
    from recommender.versions import STALE_AFTER, fail_stale_versions

    assert fail_stale_versions(now=second.updated_at + STALE_AFTER * 2) == 1
    second.refresh_from_db()
    assert second.status == "failed" and version.status == "active"
