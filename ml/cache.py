"""On-disk cache of frozen-backbone features.

Image features are keyed by the sha1 of the image file bytes plus the encoder version, so a
re-uploaded identical photo hits the cache and a changed encoder never reads stale vectors.
Text features are keyed by sha1 of the text. One small .npy per key: simple, safe to share
between processes (atomic rename), and ~1 s to load for the whole catalog.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from ml.encoders import IMAGE_FEATURE_DIM, TEXT_FEATURE_DIM, load_image_tensor

# progress(message, fraction, stage=..., epoch=..., epochs=..., step=..., total=...): the message is
# for people; the keywords say the same as numbers (recommender.lifecycle.versions stores them as fields).
Progress = Callable[..., None]
def safe_name(version: str) -> str:
    """An encoder version as a file or folder name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in version)


class FeatureCache:
    """Features on disk under `root` (given by the caller: ml reads no environment)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @classmethod
    def at(cls, root: str | Path | None) -> FeatureCache | None:
        """A cache in `root`, or None (features computed, not stored) when no folder is given."""
        return cls(root) if root else None

    def _path(self, kind: str, version: str, key: str) -> Path:
        return self.root / kind / safe_name(version) / key[:2] / f"{key}.npy"

    def get(self, kind: str, version: str, key: str) -> np.ndarray | None:
        p = self._path(kind, version, key)
        try:
            return np.load(p)
        except (OSError, ValueError):  # missing or half-written: recompute
            return None

    def put(self, kind: str, version: str, key: str, value: np.ndarray) -> None:
        p = self._path(kind, version, key)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            np.save(f, value.astype(np.float32))
        os.replace(tmp, p)


def file_sha1(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cached_image_features(
    paths: Sequence[str | Path], encoder, cache: FeatureCache | None
) -> tuple[np.ndarray, list[int], list[tuple[int, str]]]:
    """The cache's part of image_features: ([N,1280] with cached rows filled, indices of
    unreadable paths, (index, content hash) of the images the CNN still has to run on)."""
    out = np.zeros((len(paths), IMAGE_FEATURE_DIM), dtype=np.float32)
    failed: list[int] = []
    todo: list[tuple[int, str]] = []
    for i, p in enumerate(paths):
        try:
            key = file_sha1(p)
        except OSError:
            failed.append(i)
            continue
        hit = cache.get("image", encoder.version, key) if cache else None
        if hit is not None and hit.shape == (IMAGE_FEATURE_DIM,):
            out[i] = hit
        else:
            todo.append((i, key))
    return out, failed, todo


def decode_images(
    paths: Sequence[str | Path], chunk: Sequence[tuple[int, str]]
) -> tuple[list[torch.Tensor], list[tuple[int, str]], list[int]]:
    """Decode one batch: (tensors, their (index, hash), indices of unreadable images)."""
    tensors, ok, failed = [], [], []
    for i, key in chunk:
        try:
            tensors.append(load_image_tensor(paths[i]))
            ok.append((i, key))
        except Exception:  # PIL raises many types for corrupt files
            failed.append(i)
    return tensors, ok, failed


@torch.no_grad()
def encode_images(
    encoder,
    tensors: list[torch.Tensor],
    ok: Sequence[tuple[int, str]],
    out: np.ndarray,
    cache: FeatureCache | None,
) -> None:
    """Run the CNN on one decoded batch, write the rows into `out` and the cache."""
    if not tensors:
        return
    device = next(encoder.parameters()).device
    feats = encoder.features(torch.stack(tensors).to(device)).float().cpu().numpy()
    for (i, key), f in zip(ok, feats, strict=True):
        out[i] = f
        if cache:
            cache.put("image", encoder.version, key, f)


@torch.no_grad()
def image_features(
    paths: Sequence[str | Path],
    encoder,
    cache: FeatureCache | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, list[int]]:
    """Features for each path, from cache where possible.

    batch_size None: 16 on a CPU (the CNN runs ~1.7x faster than with 64 there, see
    bench/indexing.py), 64 on a GPU.

    Returns ([N,1280] float32 with zero rows for failures, indices of failed paths).
    Missing/corrupt images are skipped and reported, never raised.
    """
    out, failed, todo = cached_image_features(paths, encoder, cache)
    device = next(encoder.parameters()).device
    if batch_size is None:
        batch_size = 64 if device.type == "cuda" else 16
    done = 0
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        tensors, ok, bad = decode_images(paths, chunk)
        failed += bad
        encode_images(encoder, tensors, ok, out, cache)
        done += len(chunk)
        if progress:
            progress(f"image features {done}/{len(todo)}", done / max(1, len(todo)),
                     stage="features", step=done, total=len(todo))
    return out, sorted(failed)


@torch.no_grad()
def text_features(
    texts: Sequence[str],
    encoder,
    cache: FeatureCache | None = None,
    batch_size: int = 128,
    progress: Progress | None = None,
) -> np.ndarray:
    """[N,384] features for texts; duplicates are encoded once, results cached on disk."""
    out = np.zeros((len(texts), TEXT_FEATURE_DIM), dtype=np.float32)
    unique: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        unique.setdefault(t, []).append(i)
    todo: list[str] = []
    for t, idx in unique.items():
        hit = cache.get("text", encoder.version, text_sha1(t)) if cache else None
        if hit is not None and hit.shape == (TEXT_FEATURE_DIM,):
            out[idx] = hit
        else:
            todo.append(t)
    # Sort by length so padding is small; big speed-up on CPU.
    todo.sort(key=len)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        feats = encoder.features(chunk).float().cpu().numpy()
        for t, f in zip(chunk, feats, strict=True):
            out[unique[t]] = f
            if cache:
                cache.put("text", encoder.version, text_sha1(t), f)
        if progress:
            done = min(start + batch_size, len(todo))
            progress(f"text features {done}/{len(todo)}", done / max(1, len(todo)),
                     stage="features", step=done, total=len(todo))
    return out
