"""Model-version life cycle: atomic activation, rollback, failures, concurrent retrain requests."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from recommender.lifecycle import training, versions
from recommender.models import ModelVersion
from recommender.serving import services, vectors
from tests.conftest import make_version


def answer(**request):
    """services.recommend() of a request checked as the API and the page check theirs."""
    return services.recommend(services.RecommendationRequest.checked(**request))


def test_activation_retires_the_previous_version_atomically(catalog, trained_checkpoint):
    first = make_version(trained_checkpoint)
    second = make_version(trained_checkpoint, activate=False)
    assert first.status == "active" and second.status == "ready"

    versions.activate(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("retired", "active")
    assert ModelVersion.objects.filter(status="active").count() == 1

    rolled_back = versions.rollback()
    first.refresh_from_db()
    second.refresh_from_db()
    assert rolled_back == first
    assert (first.status, second.status) == ("active", "retired")


def test_the_database_refuses_two_active_versions(catalog):
    ModelVersion.objects.create(status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.create(status="active")


def test_only_ready_or_retired_versions_can_be_activated(catalog):
    failed = ModelVersion.objects.create(status="failed")
    with pytest.raises(versions.PipelineError, match="failed"):
        versions.activate(failed)
    empty = ModelVersion.objects.create(status="ready")
    with pytest.raises(versions.PipelineError, match="no product vectors"):
        versions.activate(empty)


def test_rollback_without_history_is_a_clear_error(catalog):
    with pytest.raises(versions.PipelineError, match="no previous version"):
        versions.rollback()


def test_a_failed_training_never_touches_the_active_version(catalog, trained_checkpoint):
    active = make_version(trained_checkpoint)
    broken = versions.request_retrain(
        config={"epochs": 1, "triplets_per_product": 0, "fashion_iq_per_caption": 0}  # nothing to learn from
    )
    with pytest.raises(Exception):  # noqa: B017 (whatever ml raises, the version must end failed)
        training.train_version(broken.pk)
    broken.refresh_from_db()
    active.refresh_from_db()
    assert broken.status == "failed" and broken.error
    assert active.status == "active"


def test_a_run_whose_worker_died_is_marked_failed(catalog):
    stale = ModelVersion.objects.create(status="training")
    ModelVersion.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    fresh = ModelVersion.objects.create(status="embedding")
    assert versions.fail_stale_versions() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == "failed" and "worker" in stale.error
    assert fresh.status == "embedding"


def test_a_stale_run_does_not_block_a_new_retrain(catalog):
    stale = ModelVersion.objects.create(status="embedding")
    ModelVersion.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    version = versions.request_retrain()
    assert version.status == "queued"


def test_embedding_resumes_where_it_stopped(catalog, trained_checkpoint):
    from recommender.models import ProductEmbedding

    version = ModelVersion.objects.create(status="embedding", checkpoint_path=str(trained_checkpoint))
    some = list(catalog.order_by("pk")[:50])
    training.embed_products(version, some)  # as if a worker died after the first batch
    training.embed_version(version.pk)
    assert ProductEmbedding.objects.filter(model_version=version).count() == catalog.count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retrain_requests_start_one_training(catalog):
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def request() -> None:
        barrier.wait()
        try:
            versions.request_retrain()
            outcomes.append("created")
        except versions.AlreadyRunning:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused", "refused", "refused"]
    assert ModelVersion.objects.filter(status="queued").count() == 1


def test_deleting_a_version_drops_its_vectors_index_and_checkpoint(
    catalog, trained_checkpoint, settings, tmp_path
):
    import shutil as sh

    from recommender.models import ProductEmbedding

    settings.MODEL_DIR = tmp_path
    own_copy = tmp_path / "v-old"
    sh.copytree(trained_checkpoint, own_copy)
    active = make_version(trained_checkpoint)
    old = make_version(own_copy, activate=False)

    with pytest.raises(versions.PipelineError, match="serving"):
        versions.delete_version(active)
    old_pk, old_index = old.pk, vectors.index_name(old)
    versions.delete_version(old)

    assert not ModelVersion.objects.filter(pk=old_pk).exists()
    assert not ProductEmbedding.objects.filter(model_version_id=old_pk).exists()
    assert not own_copy.exists()
    assert trained_checkpoint.exists()  # outside MODEL_DIR: never removed
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [old_index])
        assert cursor.fetchone() is None
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [vectors.index_name(active)])
        assert cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_switching_versions_while_shoppers_ask_never_fails_a_request(catalog, trained_checkpoint):
    """Shoppers' requests in threads while staff activate a new version and roll back."""
    from shop.models import Product

    first = make_version(trained_checkpoint)
    second = make_version(trained_checkpoint, activate=False)
    reference = Product.objects.filter(article_type="Shirts").order_by("pk").first()
    stop, served, errors = threading.Event(), [], []

    def shopper() -> None:
        try:
            while not stop.is_set():
                result = answer(reference=reference, text="in black", limit=10)
                served.append((result.model_version.pk, len(result.results)))
        except Exception as exc:  # any failure is what this test is about
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=shopper) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        versions.activate(second)
        versions.rollback()
    stop.set()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert served and {pk for pk, _ in served} <= {first.pk, second.pk}
    assert all(n == 10 for _, n in served)
