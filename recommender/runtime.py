"""The trained model of each version, loaded once per process.

Web processes answer many queries with one model: loading a checkpoint per request would cost
far more than the query itself, so each version's model is loaded once and kept (the last two,
so a switch of the active version does not thrash).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

import torch
from django.conf import settings

from ml.checkpoint import load_model as load_checkpoint
from ml.inference import caption_features, normalise_text
from ml.model import RetrievalModel

logger = logging.getLogger(__name__)
_models: OrderedDict[str, RetrievalModel] = OrderedDict()
_models_lock = threading.Lock()
KEEP_MODELS = 2


def load_model(checkpoint_path: str) -> RetrievalModel:
    """The ml model of a checkpoint folder, loaded once per process (thread-safe)."""
    with _models_lock:
        model = _models.get(checkpoint_path)
        if model is None:
            if settings.TORCH_THREADS:
                # One query needs little parallelism; several server processes must not fight
                # over the cores (gunicorn with N workers: TORCH_THREADS=1).
                torch.set_num_threads(settings.TORCH_THREADS)
            model = load_checkpoint(checkpoint_path, cache_dir=settings.ML_CACHE_DIR)
            _models[checkpoint_path] = model
            while len(_models) > KEEP_MODELS:
                _models.popitem(last=False)
        else:
            _models.move_to_end(checkpoint_path)
        return model


# One thread per process encodes texts while the request goes on (created after a fork: threads
# do not survive one).
_encoder_thread: dict[int, ThreadPoolExecutor] = {}


def encode_soon(model: RetrievalModel, text: str) -> Future | None:
    """Start encoding a request's text on a background thread: the encoder (ONNX Runtime) releases
    the GIL, so on a machine with a spare core the encoding overlaps the request's database reads
    (bench.serving). The future gives caption_features(model, text); None for a blank text."""
    if not normalise_text(text):
        return None
    with _models_lock:
        pool = _encoder_thread.get(os.getpid())
        if pool is None:
            pool = _encoder_thread[os.getpid()] = ThreadPoolExecutor(1, thread_name_prefix="text-encoder")
    return pool.submit(caption_features, model, normalise_text(text))


def warm_up() -> str | None:
    """Load what a shopper's first request would otherwise wait for: the active version's model,
    the text encoder and the catalog's vocabulary (loaded, not run: with `gunicorn --preload` the
    workers fork from this process, and torch's thread pools must not have started before).

    A web process calls it as it starts: otherwise the first recommendation each process answers
    pays for loading them, seconds on a busy machine (long enough for gunicorn to kill the worker
    mid-request). Returns the version's name; None when no version is active or it cannot be
    loaded yet (the store serves anyway, and a request loads it later).
    """
    from ml.encoders import get_text_encoder
    from recommender.models import ModelVersion
    from recommender.understanding import catalog_vocabulary

    started = time.perf_counter()
    try:
        catalog_vocabulary()
        version = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
        if version is None:
            return None
        get_text_encoder(str(load_model(version.checkpoint_path).device))
    except Exception:  # a missing checkpoint or database must not stop the web server starting
        logger.warning("could not load the active model at start-up", exc_info=True)
        return None
    logger.info("model %s loaded in %.1f s", version.name, time.perf_counter() - started)
    return version.name
