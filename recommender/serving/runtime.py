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

from config.caches import CACHES
from ml.cache import FeatureCache
from ml.checkpoint import load_model as load_checkpoint
from ml.encoders import default_device
from ml.inference import normalise_text, query_features
from ml.model import RetrievalModel
from ml.text_onnx import get_query_text_encoder

logger = logging.getLogger(__name__)
_models: OrderedDict[str, RetrievalModel] = CACHES.store("runtime.models", OrderedDict)
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


_readers: OrderedDict[str, tuple] = CACHES.store("runtime.readers", OrderedDict)


def load_reader(checkpoint_path: str) -> tuple:
    """The version's learned reading, loaded once per process: its polarity reader (ml.polarity:
    is each value a request names wanted, avoided or only mentioned?) and its word guesser
    (ml.word_guess: unknown words read by meaning), as ``language.interpret`` takes them. (None,
    None) under REQUEST_READER=rules (the baseline); None for a part the version was trained
    without (its requests are then read by the rules alone, logged once)."""
    if settings.REQUEST_READER != "learned":
        return None, None
    from ml.polarity import PolarityReader
    from ml.word_guess import WordGuesser

    with _models_lock:
        if checkpoint_path not in _readers:
            judge = PolarityReader(checkpoint_path) if PolarityReader.exists(checkpoint_path) else None
            guesser = WordGuesser(checkpoint_path, encode_texts) if WordGuesser.exists(checkpoint_path) \
                else None
            if judge is None or guesser is None:
                logger.warning("%s lacks a learned reader: the rules read its requests", checkpoint_path)
            _readers[checkpoint_path] = (judge, guesser)
            while len(_readers) > KEEP_MODELS:
                _readers.popitem(last=False)
        else:
            _readers.move_to_end(checkpoint_path)
        return _readers[checkpoint_path]


def forget_reader(checkpoint_path: str) -> None:
    """Load the version's reader afresh next time (it was just built)."""
    with _models_lock:
        _readers.pop(checkpoint_path, None)


def encode_texts(texts: list[str]):
    """L2-normalised query-encoder features of texts, as a numpy array (for the word guesser)."""
    cache = FeatureCache.at(settings.ML_CACHE_DIR)
    encoder = get_query_text_encoder(default_device(), str(cache.root) if cache else None)
    with torch.inference_mode():
        return encoder.features(texts).cpu().numpy()


# One thread per process encodes texts while the request goes on (created after a fork: threads
# do not survive one).
_encoder_thread: dict[int, ThreadPoolExecutor] = CACHES.store("runtime.encoder_thread")


def encode_soon(text: str) -> Future | None:
    """Start encoding a request's text on a background thread: the encoder (ONNX Runtime) releases
    the GIL, so on a machine with a spare core the encoding overlaps the request's database reads
    (bench.serving). It needs no model version (every version reads the same features,
    ml.inference.query_features), so it starts before the version is read. The future gives the
    features as the models loaded here take them; None for a blank text."""
    text = normalise_text(text)
    if not text:
        return None
    with _models_lock:
        pool = _encoder_thread.get(os.getpid())
        if pool is None:
            pool = _encoder_thread[os.getpid()] = ThreadPoolExecutor(1, thread_name_prefix="text-encoder")
    cache = FeatureCache.at(settings.ML_CACHE_DIR)  # where load_model's models keep their features
    return pool.submit(_query_features, text, default_device(), str(cache.root) if cache else None)


def _query_features(text: str, device: str, cache_root: str | None) -> torch.Tensor:
    with _models_lock:  # the encoder is built while no model loads: transformers' imports are not thread-safe
        get_query_text_encoder(device, cache_root)
    return query_features(text, device, cache_root)


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
    from recommender.serving.understanding import catalog_vocabulary

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
