"""Query-time inference: one path from a shopper's text and a stored reference vector to the
query vector the store searches with. The store and the evaluation both call it, so what a
benchmark measures is what shoppers get.

- `normalise_text`: whitespace collapsed (done once, here).
- caption features: the frozen text encoder's output (run by ONNX Runtime on CPU, ml.text_onnx),
  cached per process (LRU) because shoppers repeat texts; the encoder is shared by all model
  versions, so the cache is too.
- `composed_query`: normalize(ref + text) through the model's composer; blank text gives the
  (normalised) reference itself ("more like this").
- `caption_vector`: the caption embedding alone (text-only and seed-scoring baselines).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from ml.model import RetrievalModel

TEXT_CACHE_SIZE = 4096


def normalise_text(text: str | None) -> str:
    """The text as the model reads it: whitespace runs collapsed to one space, ends stripped."""
    return " ".join((text or "").split())


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def query_features(text: str, device: str, cache_root: str | None) -> torch.Tensor:
    """[1, 384] frozen text-encoder features of a normalised text (on CPU), encoded for `device`
    (the query encoder: ONNX Runtime on CPU, its graph kept in the feature cache `cache_root`).
    Every model version shares them: a checkpoint loads only beside the text encoder it was
    trained with (ml.checkpoint), so a server may encode a text before it knows the version."""
    from ml.cache import text_features
    from ml.text_onnx import get_query_text_encoder

    with torch.inference_mode():
        return torch.from_numpy(text_features([text], get_query_text_encoder(device, cache_root)))


def caption_features(model: RetrievalModel, text: str) -> torch.Tensor:
    """query_features of a normalised text as `model` reads them (its device and feature cache)."""
    cache_root = str(model.cache.root) if model.cache is not None else None
    return query_features(text, str(model.device), cache_root).to(model.device)


@torch.inference_mode()
def composed_query(
    model: RetrievalModel, reference_vector: np.ndarray, text: str, features: torch.Tensor | None = None
) -> np.ndarray:
    """The query vector for "like `reference_vector`, but `text`" (float32, L2-normalised).
    `features`: the text's caption_features when the caller already has them."""
    reference = torch.as_tensor(np.asarray(reference_vector, dtype=np.float32), device=model.device)
    reference = F.normalize(reference.reshape(1, -1), dim=-1)
    text = normalise_text(text)
    if not text:
        return reference[0].cpu().numpy()
    model.eval()
    features = caption_features(model, text) if features is None else features.to(model.device)
    return model.compose(reference, features)[0].cpu().numpy()


@torch.inference_mode()
def caption_vector(model: RetrievalModel, text: str) -> np.ndarray:
    """The caption embedding of `text` (the text side of the seed scoring and text-only baseline)."""
    model.eval()
    return model.caption_vectors(caption_features(model, normalise_text(text)))[0].cpu().numpy()
