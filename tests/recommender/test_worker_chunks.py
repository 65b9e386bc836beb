"""Embedding in chunks across real Celery workers (separate processes, the real Redis broker and
Postgres): two workers share a version's chunks, one is killed mid-chunk and never comes back;
the other takes its chunk over once its heartbeat stops. Every vector is written exactly once
(a trigger in the database counts the writes) and the version is active at the end."""

import socket
from collections import Counter

import pytest
from django.db import connection

from recommender.lifecycle import tasks
from recommender.models import EmbeddingChunk, ModelVersion, ProductEmbedding
from tests.recommender.conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# 16 chunks of 25 products, written one at a time (time to catch a worker mid-chunk); a holder
# silent for 4 s is taken over.
SMALL_CHUNKS = {
    "EMBED_CHUNK_SIZE": "25", "EMBED_BATCH_SIZE": "1",
    "RUN_HEARTBEAT_SECONDS": "0.5", "RUN_HEARTBEAT_TIMEOUT_SECONDS": "4",
}  # fmt: skip


@pytest.fixture
def vector_writes(catalog):
    """Each insert or update of a product vector, logged by a trigger: (product id, operation)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE vector_writes (product_id bigint, version_id bigint, op text)")
        cursor.execute(
            "CREATE FUNCTION log_vector_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO vector_writes VALUES (NEW.product_id, NEW.model_version_id, TG_OP); RETURN NEW; "
            "END $$"
        )
        cursor.execute(
            "CREATE TRIGGER log_vector_writes AFTER INSERT OR UPDATE ON recommender_productembedding "
            "FOR EACH ROW EXECUTE FUNCTION log_vector_write()"
        )

    def writes(version: ModelVersion) -> list[tuple[int, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT product_id, op FROM vector_writes WHERE version_id = %s", [version.pk])
            return cursor.fetchall()

    yield writes
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER log_vector_writes ON recommender_productembedding")
        cursor.execute("DROP FUNCTION log_vector_write()")
        cursor.execute("DROP TABLE vector_writes")


def test_two_workers_share_the_chunks_and_a_killed_one_is_taken_over(
    catalog, trained_checkpoint, workers, vector_writes
):
    from config.celery import app

    first = workers.start("chunks-a@%h", **SMALL_CHUNKS)
    second = workers.start("chunks-b@%h", **SMALL_CHUNKS)
    names = {f"chunks-{x}@{socket.gethostname()}" for x in "ab"}
    answering = lambda: names <= {name for reply in app.control.ping(timeout=0.5) for name in reply}  # noqa: E731
    wait_for(answering, 120, "both workers", second.log)
    version = ModelVersion.objects.create(status="embedding", checkpoint_path=str(trained_checkpoint))
    tasks.enqueue(tasks.embed_catalog, version.pk)

    def second_is_mid_chunk():
        held = EmbeddingChunk.objects.filter(
            model_version=version, done=False, worker__startswith="chunks-b@", embedded__gt=0
        ).first()
        return held or not ModelVersion.objects.filter(pk=version.pk, status="embedding").exists()

    killed = wait_for(second_is_mid_chunk, 120, "the second worker mid-chunk", second.log)
    assert killed is not True, "the version was embedded before the second worker was seen mid-chunk"
    workers.kill(second)  # a machine lost: it never comes back
    wait_for(
        lambda: ModelVersion.objects.get(pk=version.pk).status in ("active", "failed"),
        90, "the first worker to finish the version", first.log,
    )  # fmt: skip

    version.refresh_from_db()
    assert version.status == "active", version.error
    assert version.progress == 1.0 and version.metrics["embedding"]["chunks"] == 16
    killed.refresh_from_db()
    assert killed.done and killed.attempts == 2  # taken over once, resumed
    assert not EmbeddingChunk.objects.filter(model_version=version, done=False).exists()
    products = set(catalog.values_list("pk", flat=True))
    stored = set(ProductEmbedding.objects.filter(model_version=version).values_list("product_id", flat=True))
    assert stored == products
    writes = vector_writes(version)
    assert Counter(pid for pid, _ in writes) == Counter(products)  # each vector written exactly once
    assert {op for _, op in writes} == {"INSERT"}
