"""A version's embedding in chunks that any number of workers take.

``plan`` cuts the active catalog into chunks of consecutive product ids, once per version. A
worker ``claim``s a chunk that is not done and that no live worker holds (a holder silent for the
heartbeat timeout died: its chunk is taken over), embeds the chunk's products that still lack a
vector (so a taken-over chunk resumes), and ``land``s each batch: its vectors and the chunk's
count in one transaction, written only while the worker still holds the chunk. Progress is the sum
over the chunks. Holders are worker processes (``worker#pid``): two processes of one Celery node
never share a chunk.
"""

from __future__ import annotations

import os

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from recommender.lifecycle import versions
from recommender.models import EmbeddingChunk, ModelVersion
from recommender.serving import vectors
from shop.models import Product

PRIMARY = "default"  # chunks decide what to write: read where it is written


def holder(worker: str) -> str:
    """This process, as a chunk's holder."""
    return f"{worker}#{os.getpid()}"


def catalog_ids() -> QuerySet[Product]:
    return Product.objects.using(PRIMARY).filter(is_active=True).order_by("pk")


def plan(version: ModelVersion, size: int) -> list[EmbeddingChunk]:
    """The version's chunks: planned by the first caller, found by every later one."""
    with transaction.atomic(using=PRIMARY):
        ModelVersion.objects.select_for_update().get(pk=version.pk)  # one planner per version
        planned = list(version.chunks.all())
        if planned:
            return planned
        ids = list(catalog_ids().values_list("pk", flat=True))
        slices = [ids[start : start + size] for start in range(0, len(ids), size)]
        return EmbeddingChunk.objects.bulk_create(
            EmbeddingChunk(
                model_version=version, number=number, first_product_id=part[0], last_product_id=part[-1],
                products=len(part),
            )
            for number, part in enumerate(slices)
        )  # fmt: skip


def claim(version_id: int, worker: str, number: int | None = None) -> EmbeddingChunk | None:
    """Take chunk `number` (any chunk when None) of a version that is embedding: one not done and
    held by no live worker. None when there is none to take; versions.NotClaimed when the version
    is no longer embedding. A chunk claimed MAX_ATTEMPTS times already (it killed its worker each
    time) fails the version instead."""
    chunk, gave_up = _claim(version_id, holder(worker), number)
    if gave_up:  # failed outside the claim's transaction, which ends without a claim
        message = f"Embedding chunk {chunk.number} stopped {versions.MAX_ATTEMPTS} times without finishing."
        versions.mark_failed(chunk.model_version, message)
        raise versions.NotClaimed(f"{chunk.model_version.name} failed: {message}")
    return chunk


@transaction.atomic
def _claim(version_id: int, me: str, number: int | None) -> tuple[EmbeddingChunk | None, bool]:
    version = ModelVersion.objects.select_for_update().get(pk=version_id)  # claims one at a time
    if version.status != ModelVersion.Status.EMBEDDING:
        raise versions.NotClaimed(f"{version.name} is {version.status}; no chunk to embed.")
    free = Q(worker="") | Q(worker=me) | Q(updated_at__lt=versions.silent_since())
    chunks = version.chunks.filter(free, done=False)
    chunk = (chunks if number is None else chunks.filter(number=number)).order_by("number").first()
    if chunk is None or chunk.attempts >= versions.MAX_ATTEMPTS:
        return chunk, chunk is not None
    chunk.worker, chunk.attempts = me, chunk.attempts + 1
    chunk.save(update_fields=["worker", "attempts", "updated_at"])
    return chunk, False


def missing_ids(chunk: EmbeddingChunk) -> list[int]:
    """The chunk's active products without a vector of its version (nor a known bad image)."""
    products = Product.objects.using(PRIMARY).filter(
        is_active=True, pk__gte=chunk.first_product_id, pk__lte=chunk.last_product_id
    )
    products = products.exclude(embeddings__model_version_id=chunk.model_version_id)
    return list(products.exclude(pk__in=chunk.skipped).order_by("pk").values_list("pk", flat=True))


def land(chunk: EmbeddingChunk, ids: list[int], embedded: np.ndarray, failed: list[int]) -> None:
    """Write one batch's vectors and count it in the chunk, in one transaction, while this process
    still holds the chunk (versions.NotClaimed otherwise: taken over, or its version failed).
    Vectors already there are kept: each is written once."""
    with transaction.atomic(using=PRIMARY):
        row = EmbeddingChunk.objects.select_for_update().filter(pk=chunk.pk, done=False).first()
        if row is None or row.worker != chunk.worker:
            raise versions.NotClaimed(f"{chunk} is no longer held by {chunk.worker}.")
        bad = set(failed)
        kept = [i for i in ids if i not in bad]
        vectors.write_embeddings(chunk.model_version, kept, embedded, replace=False)
        row.embedded += len(ids)
        row.skipped = [*row.skipped, *failed]
        row.save(update_fields=["embedded", "skipped", "updated_at"])
    chunk.embedded, chunk.skipped = row.embedded, row.skipped


def finish(chunk: EmbeddingChunk) -> None:
    EmbeddingChunk.objects.filter(pk=chunk.pk, worker=chunk.worker).update(
        done=True, worker="", updated_at=timezone.now()
    )


def pending(version_id: int) -> int:
    """Chunks of the version not done yet."""
    return EmbeddingChunk.objects.filter(model_version_id=version_id, done=False).count()


def report_progress(version_id: int) -> None:
    """The version's progress, summed over its chunks (also its heartbeat)."""
    totals = EmbeddingChunk.objects.filter(model_version_id=version_id).aggregate(
        embedded=Sum("embedded"), products=Sum("products"), chunks=Count("id"),
        done=Count("id", filter=Q(done=True)),
    )  # fmt: skip
    embedded, products = totals["embedded"] or 0, totals["products"] or 0
    version = ModelVersion.objects.filter(pk=version_id, status=ModelVersion.Status.EMBEDDING).first()
    if version is None:
        return
    message = f"embedded {embedded} of {products} products ({totals['done']} of {totals['chunks']} chunks)"
    done = versions.Progress("embedding", embedded / max(products, 1), message, step=embedded, total=products)
    versions.record_progress(version, done)


def orphaned(worker: str) -> QuerySet[EmbeddingChunk]:
    """Chunks of embedding versions held by a dead worker: by a process of `worker` (which is only
    starting now), or by a holder silent for the heartbeat timeout."""
    held_by_dead = Q(worker__startswith=f"{worker}#") | Q(updated_at__lt=versions.silent_since())
    return EmbeddingChunk.objects.filter(
        held_by_dead, done=False, model_version__status=ModelVersion.Status.EMBEDDING
    ).exclude(worker="")


def release(chunk: EmbeddingChunk) -> None:
    EmbeddingChunk.objects.filter(pk=chunk.pk, done=False).update(worker="")
