"""The trained model of each version, loaded once per process.

Web processes answer many queries with one model: loading a checkpoint per request would cost
far more than the query itself, so each version's model is loaded once and kept (the last two,
so a switch of the active version does not thrash).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import torch
from django.conf import settings

from ml.checkpoint import load_model as load_checkpoint
from ml.model import RetrievalModel

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


def warm_up() -> str:
    """Load what the first shopper's request would otherwise wait for (the active model, the text
    encoder, the catalog vocabulary); a store without a model yet is fine. Returns what it did."""
    from ml.inference import caption_features
    from recommender.models import ModelVersion
    from recommender.understanding import catalog_vocabulary

    catalog_vocabulary()
    version = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
    if version is None:
        return "vocabulary loaded; no active model yet"
    caption_features(load_model(version.checkpoint_path), "warm up")
    return f"vocabulary and {version.name} loaded"
