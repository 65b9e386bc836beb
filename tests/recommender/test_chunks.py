"""Chunks of a version's embedding, in one process: planning, claims, take-over, progress."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recommender.lifecycle import chunks, training, versions
from recommender.models import EmbeddingChunk, ModelVersion, ProductEmbedding

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedding(catalog, trained_checkpoint):
    return ModelVersion.objects.create(status="embedding", checkpoint_path=str(trained_checkpoint))


def test_a_version_embedded_here_goes_through_every_chunk_then_activates(embedding, catalog, settings):
    settings.EMBED_CHUNK_SIZE, settings.EMBED_BATCH_SIZE = 100, 40
    version = training.embed_version(embedding.pk)
    assert version.status == "active"
    assert version.metrics["embedding"]["chunks"] == -(-catalog.count() // 100)
    assert not version.chunks.filter(done=False).exists()
    assert sum(version.chunks.values_list("embedded", flat=True)) == catalog.count()
    assert ProductEmbedding.objects.filter(model_version=version).count() == catalog.count()


def test_planning_is_done_once(embedding, catalog):
    first = chunks.plan(embedding, 150)
    assert chunks.plan(embedding, 10) == first  # a re-run finds the same chunks
    assert sum(c.products for c in first) == catalog.count()
    assert first[0].first_product_id == catalog.order_by("pk").first().pk


def test_a_live_holder_keeps_its_chunk_and_a_silent_one_loses_it(embedding):
    chunks.plan(embedding, 150)
    held = chunks.claim(embedding.pk, "node-a")
    assert held.number == 0 and held.attempts == 1
    assert chunks.claim(embedding.pk, "node-b").number == 1  # another free chunk, not the held one
    assert chunks.claim(embedding.pk, "node-b", number=0) is None
    EmbeddingChunk.objects.filter(pk=held.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    taken = chunks.claim(embedding.pk, "node-b", number=0)
    assert taken.pk == held.pk and taken.attempts == 2
    assert [c.pk for c in chunks.orphaned("node-a")] == []  # node-b is live now


def test_a_batch_of_a_chunk_taken_over_is_refused(embedding, catalog):
    chunks.plan(embedding, 150)
    mine = chunks.claim(embedding.pk, "node-a")
    EmbeddingChunk.objects.filter(pk=mine.pk).update(worker="node-b#1")
    with pytest.raises(versions.NotClaimed):
        chunks.land(mine, [], [], [])


def test_progress_is_summed_over_the_chunks(embedding, catalog):
    planned = chunks.plan(embedding, 150)
    EmbeddingChunk.objects.filter(pk=planned[0].pk).update(embedded=150, done=True)
    EmbeddingChunk.objects.filter(pk=planned[1].pk).update(embedded=50)
    chunks.report_progress(embedding.pk)
    embedding.refresh_from_db()
    assert embedding.progress == pytest.approx(200 / catalog.count())
    message = f"embedded 200 of {catalog.count()} products (1 of {len(planned)} chunks)"
    assert embedding.progress_message == message


def test_a_chunk_that_killed_its_worker_three_times_fails_the_version(embedding):
    chunks.plan(embedding, 1000)
    EmbeddingChunk.objects.filter(model_version=embedding).update(attempts=versions.MAX_ATTEMPTS)
    with pytest.raises(versions.NotClaimed):
        chunks.claim(embedding.pk, "node-a")
    embedding.refresh_from_db()
    assert embedding.status == "failed" and "3 times" in embedding.error
