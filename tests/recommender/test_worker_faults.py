"""Faults with real Celery workers, the real Redis broker and Postgres: a worker process killed
mid-task, a whole worker killed in training and in embedding then restarted, the broker down
when staff ask for a retrain. The active version serves throughout."""

import os
import signal

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from recommender.lifecycle import retrain, tasks, versions
from recommender.models import ModelVersion, ProductEmbedding
from recommender.serving import services
from shop.models import Product
from tests.conftest import broker_at, make_version
from tests.recommender.conftest import child_pids, wait_for


def answer(**request):
    """services.recommend() of a request checked as the API and the page check theirs."""
    return services.recommend(services.RecommendationRequest.checked(**request))

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DEAD_BROKER = "redis+socket:///nonexistent/redis.sock"


def status_of(version: ModelVersion) -> str:
    version.refresh_from_db()
    return version.status


def serves(active: ModelVersion) -> bool:
    """The active version still answers a shopper's request."""
    reference = Product.objects.filter(article_type="Shirts").order_by("pk").first()
    result = answer(reference=reference, text="in black", limit=5)
    return result.model_version == active and len(result.results) == 5


def test_a_killed_worker_process_is_retried(catalog, trained_checkpoint, workers):
    active = make_version(trained_checkpoint)
    worker = workers.start(pool="prefork")
    version = retrain.start_retrain(config={"epochs": 2})
    wait_for(lambda: status_of(version) == "training", 120, "training", worker.log)
    (child,) = wait_for(lambda: child_pids(worker.pid), 30, "the worker's child process", worker.log)
    os.kill(child, signal.SIGKILL)  # the task's process dies; the worker itself lives on

    wait_for(lambda: status_of(version) == "training" and version.attempts == 2, 60, "the retry", worker.log)
    assert serves(active)
    wait_for(lambda: status_of(version) in ("active", "failed"), 300, "the run to finish", worker.log)
    assert version.status == "active", version.error


def test_a_worker_killed_in_training_and_in_embedding_resumes_on_restart(
    catalog, trained_checkpoint, workers
):
    active = make_version(trained_checkpoint)
    name, small_batches = "restarted@%h", {"EMBED_BATCH_SIZE": "3"}  # ~100 writes: time to kill
    worker = workers.start(name, **small_batches)
    version = retrain.start_retrain(config={"epochs": 2})
    wait_for(lambda: status_of(version) == "training", 120, "training", worker.log)
    workers.kill(worker)
    assert status_of(version) == "training" and serves(active)

    worker = workers.start(name, **small_batches)  # back within seconds: re-queues its own runs at once
    wait_for(
        lambda: ProductEmbedding.objects.filter(model_version=version).count() >= 30,
        120,
        "vectors",
        worker.log,
    )
    workers.kill(worker)
    early = dict(ProductEmbedding.objects.filter(model_version=version).values_list("product_id", "id"))
    assert status_of(version) == "embedding" and len(early) < catalog.count() and serves(active)

    worker = workers.start(name, **small_batches)
    wait_for(lambda: status_of(version) in ("active", "failed"), 60, "the resumed run", worker.log)
    assert version.status == "active", version.error
    rows = ProductEmbedding.objects.filter(model_version=version)
    assert rows.count() == catalog.count()  # one vector per product (a unique constraint too)
    kept = dict(rows.filter(product_id__in=early).values_list("product_id", "id"))
    assert kept == early  # vectors written before the crash were not written again


def test_broker_down_at_retrain_is_a_503_that_leaves_no_version(catalog):
    staff = User.objects.create_user("staff", password="pw-12345678", is_staff=True)
    api = APIClient()
    api.force_authenticate(staff)
    with broker_at(DEAD_BROKER):
        response = api.post("/api/v1/admin/retrain/", {"config": {"epochs": 1}}, format="json")
        assert response.status_code == 503 and "queue" in response.json()["error"]
        with pytest.raises(retrain.QueueUnavailable):
            retrain.start_retrain()
    assert not ModelVersion.objects.exists()
    assert retrain.start_retrain().status == "queued"  # and nothing blocks the next request


def test_the_embedding_runs_in_the_training_task_when_it_cannot_be_queued(catalog, settings):
    settings.MODEL_DIR = settings.MEDIA_ROOT / "models"
    version = versions.request_retrain(config={"epochs": 1})
    with broker_at(DEAD_BROKER):
        finished = tasks.train_then_embed(version.pk, "a-worker")
    assert finished.status == "active"
    assert ProductEmbedding.objects.filter(model_version=finished).count() == catalog.count()


def test_a_training_that_kills_its_worker_three_times_is_given_up(catalog, trained_checkpoint, workers):
    """The version-level give-up (versions.MAX_ATTEMPTS): a step whose process dies every time
    (out of memory, say) is re-delivered twice, and the fourth delivery fails the version instead
    of starting it again; the active version serves throughout."""
    active = make_version(trained_checkpoint)
    worker = workers.start(pool="prefork")
    version = retrain.start_retrain(config={"epochs": 2})
    for attempt in range(1, versions.MAX_ATTEMPTS + 1):
        wait_for(
            lambda n=attempt: status_of(version) == "training" and version.attempts == n,
            120,
            f"training, attempt {attempt}",
            worker.log,
        )
        (child,) = wait_for(lambda: child_pids(worker.pid), 30, "the worker's child process", worker.log)
        os.kill(child, signal.SIGKILL)
    wait_for(lambda: status_of(version) == "failed", 120, "the give-up", worker.log)
    assert version.error == "Training stopped 3 times without finishing (the worker died)."
    assert version.attempts == versions.MAX_ATTEMPTS and serves(active)
    workers.kill(worker)  # so that the next request is not trained
    assert retrain.start_retrain(config={"epochs": 1}).status == "queued"  # nothing blocks the next


def test_a_run_whose_worker_never_comes_back_is_taken_over_by_another(catalog, trained_checkpoint, workers):
    """A machine lost mid-training: its worker never returns. A worker of another name that
    starts once the run has been silent for RUN_HEARTBEAT_TIMEOUT_SECONDS re-queues the run and
    takes it over (its second attempt; finishing a resumed run is the restart test's); the active
    version serves throughout."""
    from datetime import timedelta

    from django.utils import timezone

    active = make_version(trained_checkpoint)
    quick = {"RUN_HEARTBEAT_SECONDS": "1", "RUN_HEARTBEAT_TIMEOUT_SECONDS": "3"}
    lost = workers.start("lost@%h", **quick)
    version = retrain.start_retrain(config={"epochs": 1})
    wait_for(lambda: status_of(version) == "training", 120, "training", lost.log)
    workers.kill(lost)  # never started again
    silent = lambda: status_of(version) and version.updated_at < timezone.now() - timedelta(seconds=3)  # noqa: E731
    wait_for(silent, 30, "the run to go silent")
    assert version.worker.startswith("lost@") and serves(active)

    other = workers.start("other@%h", **quick)
    taken_over = lambda: status_of(version) == "training" and version.worker.startswith("other@")  # noqa: E731
    wait_for(taken_over, 120, "the run taken over", other.log)
    assert version.attempts == 2 and serves(active)
    workers.kill(other)  # the test ends here: no need to wait for the training
