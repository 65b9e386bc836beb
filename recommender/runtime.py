"""The trained model held in memory, once per process, and the bridge from store rows to ``ml``.

Web processes answer many queries with one model: loading a checkpoint per request would cost
far more than the query itself, so the model of each version is loaded once and kept (the last
two versions, so a switch of the active version does not thrash).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from django.conf import settings

from shop.models import Product

_models: OrderedDict[str, object] = OrderedDict()
_models_lock = threading.Lock()
KEEP_MODELS = 2
TEXT_CACHE_SIZE = 4096


def load_model(checkpoint_path: str):
    """The ml model of a checkpoint folder, loaded once per process (thread-safe)."""
    from ml.checkpoint import load_model as ml_load_model

    with _models_lock:
        model = _models.get(checkpoint_path)
        if model is None:
            if settings.TORCH_THREADS:
                # One query needs little parallelism; several server processes must not fight
                # over the cores (gunicorn with N workers: TORCH_THREADS=1).
                torch.set_num_threads(settings.TORCH_THREADS)
            model = ml_load_model(checkpoint_path, cache_dir=settings.ML_CACHE_DIR)
            _models[checkpoint_path] = model
            while len(_models) > KEEP_MODELS:
                _models.popitem(last=False)
        else:
            _models.move_to_end(checkpoint_path)
        return model


def catalog_products(products: Iterable[Product]) -> list:
    """Store products as the plain records ``ml`` trains and embeds on (no Django inside ml)."""
    from ml.data import CatalogProduct

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
        )
        for p in products
    ]


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _caption_features(device: str, text: str) -> torch.Tensor:
    """Text-encoder features of a query text; the encoder is shared by all model versions."""
    from ml.cache import text_features
    from ml.encoders import get_text_encoder

    with torch.inference_mode():
        return torch.from_numpy(text_features([text], get_text_encoder(device)))


def compose_query(checkpoint_path: str, reference_vector: np.ndarray, text: str) -> np.ndarray:
    """The composed query vector; each distinct text is encoded once per process (LRU)."""
    model = load_model(checkpoint_path)
    text = " ".join(text.split())
    if not text:
        return np.asarray(reference_vector, dtype=np.float32)
    features = _caption_features(str(model.device), text).to(model.device)
    reference = torch.as_tensor(np.asarray(reference_vector, dtype=np.float32), device=model.device)[None, :]
    with torch.inference_mode():
        return model.compose(reference, features)[0].cpu().numpy()


def caption_vector(checkpoint_path: str, text: str) -> np.ndarray:
    """The caption embedding used by the seed scoring (cos of caption vs target - reference)."""
    return load_model(checkpoint_path).embed_captions([" ".join(text.split())])[0]
