"""The train -> embed chain of a model version, shared by the Celery tasks and ``ensure_model``.

``train_version`` trains a checkpoint on the store's train/val products (test never used);
``embed_version`` plans every product's vector as chunks that any number of workers embed
(``embed_chunks``); the last chunk to land builds the version's index and activates it when asked
(``finish_embedding``). ``run_pipeline`` runs both, or hands the embedding to a task.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from ml.data import CatalogProduct
from recommender.lifecycle import chunks, versions
from recommender.models import EmbeddingChunk, ModelVersion
from recommender.serving import runtime, vectors
from shop.models import Product

logger = logging.getLogger(__name__)

# Who runs a step outside Celery (ensure_model --sync, tests): this process.
LOCAL_WORKER = f"{socket.gethostname()}:{os.getpid()}"
# The pipeline reads what it writes (which vectors are missing): always on the primary, never on
# a read replica that may not have replayed the last batch yet.
PRIMARY = DEFAULT_DB_ALIAS


def store_products():
    """The store's products as the pipeline reads them: on the primary."""
    return Product.objects.using(PRIMARY)


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
            age_group=p.age_group,
        )
        for p in products
    ]


def store_paths() -> dict:
    """Where training finds the store's extra data (a missing folder is simply not used)."""
    fashion_iq = Path(settings.FASHION_IQ_DIR)
    return {"fashion_iq_dir": str(fashion_iq) if (fashion_iq / "captions").is_dir() else None}


def train_version(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """Train the version's checkpoint; on success the version waits for embedding.
    Raises versions.NotClaimed when another live worker trains it or it is past training."""
    from ml.config import TrainConfig
    from ml.text_onnx import QUANTIZE_QUERIES, ensure_graph
    from ml.train import train

    version = versions.claim(
        version_id,
        ModelVersion.Status.TRAINING,
        (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING),
        worker,
    )
    out_dir = Path(settings.MODEL_DIR) / version.name
    try:
        with versions.heartbeat(version):
            config = TrainConfig.from_dict(
                {**store_paths(), **version.config, "cache_dir": str(settings.ML_CACHE_DIR)}
            )
            products = catalog_products(
                store_products().filter(is_active=True, split__in=["train", "val"]).order_by("pk")
            )
            metrics = train(products, config, out_dir, progress=versions.progress_reporter(version))
            # The web's query encoder, ready before it serves.
            ensure_graph(settings.ML_CACHE_DIR, quantized=QUANTIZE_QUERIES)
            versions.record_progress(version, versions.Progress("reader", 1.0, "training the request reader"))
            metrics["reader"] = train_reader(out_dir)
    except Exception as exc:  # any failure ends this version, never the active one
        logger.exception("training %s failed", version.name)
        versions.mark_failed(version, f"Training failed: {exc}")
        raise
    return versions.trained(version, str(out_dir), metrics)


def train_reader(out_dir: Path) -> dict:
    """The version's learned reading beside its checkpoint: the polarity reader (ml.polarity), from
    its generated corpus and Fashion IQ's training captions, trained once per corpus, encoder and
    configuration (cached by their digest in ML_CACHE_DIR, so a retrain costs a copy), and the
    word guesser (ml.word_guess), whose prototypes are the store's own vocabulary. Returns their
    scores: the polarity reader's on the phrasing families held out from its training, the
    guesser's calibration."""
    from ml.polarity import PolarityConfig, build_reader
    from ml.word_guess import build_guesser
    from recommender.serving.understanding import catalog_vocabulary

    fashion_iq = store_paths()["fashion_iq_dir"]
    config = PolarityConfig(**settings.READER_TRAINING)
    metrics = build_reader(out_dir, settings.ML_CACHE_DIR, fashion_iq, config)
    guesses = build_guesser(catalog_vocabulary(), out_dir, runtime.encode_texts)
    return {"held_out_families": metrics["held_out_families"], "digest": metrics["digest"],
            "word_guess": guesses}


def embed_products(version: ModelVersion, products: list[Product], *, replace: bool = True) -> list[int]:
    """Compute and store vectors of `products`; returns the ids skipped for a bad image."""
    model = runtime.load_model(version.checkpoint_path)
    embedded, failed = model.embed_products(catalog_products(products))
    bad = set(failed)
    ids = [p.pk for p in products if p.pk not in bad]
    vectors.write_embeddings(version, ids, embedded, replace=replace)
    return failed


def plan_embedding(version_id: int, worker: str = LOCAL_WORKER) -> tuple[ModelVersion, list[int]]:
    """Plan the version's embedding as chunks (recommender.lifecycle.chunks) that any number of workers take;
    returns the version and the numbers of the chunks still to embed. A failure marks it failed;
    the active version serves on. Raises versions.NotClaimed when another live worker plans it or
    it is past embedding."""
    version = versions.claim(
        version_id, ModelVersion.Status.EMBEDDING, (ModelVersion.Status.EMBEDDING,), worker
    )
    try:
        planned = chunks.plan(version, settings.EMBED_CHUNK_SIZE)
    except Exception as exc:
        logger.exception("planning the embedding of %s failed", version.name)
        versions.mark_failed(version, f"Embedding failed: {exc}")
        raise
    versions.hand_over(version)
    return version, [chunk.number for chunk in planned if not chunk.done]


def embed_version(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """Plan the version's embedding and embed every chunk here (no broker: manage.py commands,
    or a task whose chunk tasks could not be queued). Whoever lands the last chunk indexes the
    version and activates it when asked."""
    version, _ = plan_embedding(version_id, worker)
    return embed_chunks(version.pk, worker) or ModelVersion.objects.get(pk=version.pk)


def embed_chunks(
    version_id: int, worker: str = LOCAL_WORKER, number: int | None = None
) -> ModelVersion | None:
    """Embed chunk `number`, then every chunk nobody holds or whose worker went silent; while
    other workers still embed, wait and take over any of theirs that goes silent. Whoever sees
    every chunk done finishes the version (None: another worker finishes it). Raises
    versions.NotClaimed once the version is no longer embedding."""
    while True:
        chunk = chunks.claim(version_id, worker, number)
        number = None
        if chunk is not None:
            _embed_chunk(chunk)
        elif chunks.pending(version_id):
            time.sleep(min(1.0, settings.RUN_HEARTBEAT_SECONDS))  # others embed theirs
        else:
            try:
                return finish_embedding(version_id, worker)
            except versions.NotClaimed:  # another worker finishes it
                return None


def _embed_chunk(chunk: EmbeddingChunk) -> None:
    """The chunk's missing vectors, batch by batch; an error fails the version."""
    version = chunk.model_version
    try:
        with versions.heartbeat(version, chunk):
            model = runtime.load_model(version.checkpoint_path)
            ids = chunks.missing_ids(chunk)
            for start in range(0, len(ids), settings.EMBED_BATCH_SIZE):
                batch = list(store_products().filter(pk__in=ids[start : start + settings.EMBED_BATCH_SIZE]))
                batch.sort(key=lambda product: product.pk)
                embedded, failed = model.embed_products(catalog_products(batch))
                chunks.land(chunk, [p.pk for p in batch], embedded, failed)
                chunks.report_progress(version.pk)
            chunks.finish(chunk)
            chunks.report_progress(version.pk)
    except versions.NotClaimed:
        raise
    except Exception as exc:
        logger.exception("embedding %s failed", chunk)
        versions.mark_failed(version, f"Embedding failed ({chunk}): {exc}")
        raise


def finish_embedding(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """Once every chunk is done: embed products added meanwhile, build the version's index, mark
    it ready and activate it when it asked for it. Runs once (a claim of the version)."""
    version = versions.claim(
        version_id, ModelVersion.Status.EMBEDDING, (ModelVersion.Status.EMBEDDING,), worker
    )
    if chunks.pending(version.pk):
        versions.hand_over(version)
        raise versions.NotClaimed(f"{version.name} still has chunks to embed.")
    planned = list(version.chunks.all())
    skipped = [pid for chunk in planned for pid in chunk.skipped]
    try:
        with versions.heartbeat(version):
            added, added_skipped = _embed_missing(version, skipped)
            versions.record_progress(version, versions.Progress("indexing", 1.0, "building the vector index"))
            vectors.build_index(version)
    except Exception as exc:
        logger.exception("embedding %s failed", version.name)
        versions.mark_failed(version, f"Embedding failed: {exc}")
        raise
    total, skipped = sum(chunk.products for chunk in planned) + added, skipped + added_skipped
    metrics = {
        **version.metrics, "embedding": {"products": total, "skipped_images": skipped, "chunks": len(planned)}
    }  # fmt: skip
    return versions.ready(version, metrics, f"{total - len(skipped)} products embedded")


def _embed_missing(version: ModelVersion, skipped: list[int]) -> tuple[int, list[int]]:
    """Embed the active products still without a vector of this version once its chunks are done:
    products added meanwhile (their own task found no ready version to embed them into)."""
    missing = store_products().filter(is_active=True).exclude(embeddings__model_version=version)
    ids = list(missing.exclude(pk__in=skipped).order_by("pk").values_list("pk", flat=True))
    failed: list[int] = []
    for start in range(0, len(ids), settings.EMBED_BATCH_SIZE):
        batch = list(
            store_products().filter(pk__in=ids[start : start + settings.EMBED_BATCH_SIZE]).order_by("pk")
        )
        failed += embed_products(version, batch, replace=False)
    return len(ids), failed


def run_pipeline(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """Train the version when it still needs it, then embed it here (manage.py ensure_model
    without a worker; the Celery tasks queue the embedding as a task of its own instead)."""
    version = train_if_needed(version_id, worker)
    return embed_version(version.pk, worker)


def train_if_needed(version_id: int, worker: str = LOCAL_WORKER) -> ModelVersion:
    """The version, trained first when it is queued or its training was interrupted."""
    version = ModelVersion.objects.get(pk=version_id)
    if version.status in (ModelVersion.Status.QUEUED, ModelVersion.Status.TRAINING):
        version = train_version(version.pk, worker)
    return version
