"""Recall@K for "like this, but ..." retrieval (benchmark/PROTOCOL.md).

Gallery = products of one split; the reference is never a result; triplets whose candidate
or target is not in the gallery are counted as skipped. Methods:
  composed    normalize(ref + text) vs product vectors (production method)
  seed        cos(caption, target - reference), the seed report's scoring
  image_only  nearest neighbours of the reference's product vector (text ignored)
  text_only   caption vector vs product vectors (reference ignored)
  image_only_raw  nearest neighbours in raw EfficientNet feature space (no training)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ml.mining import Triplet

METHODS = ("composed", "seed", "image_only", "text_only", "image_only_raw")
KS = (1, 10, 50)


def target_ranks(scores: np.ndarray, ref_idx: np.ndarray, tgt_idx: np.ndarray) -> np.ndarray:
    """0-based rank of each target among the gallery, the reference excluded."""
    scores = scores.astype(np.float64, copy=True)
    rows = np.arange(len(scores))
    scores[rows, ref_idx] = -np.inf
    tgt = scores[rows, tgt_idx]
    return (scores > tgt[:, None]).sum(axis=1)


def seed_scores(cap: np.ndarray, gallery: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """cos(c_q, g - r_q) for all queries q and gallery items g, without materialising g - r."""
    g2 = (gallery ** 2).sum(1)[None, :]
    gr = ref @ gallery.T
    r2 = (ref ** 2).sum(1)[:, None]
    dist = np.sqrt(np.maximum(g2 - 2 * gr + r2, 1e-12))
    num = cap @ gallery.T - (cap * ref).sum(1)[:, None]
    return num / dist / np.maximum(np.linalg.norm(cap, axis=1), 1e-12)[:, None]


def recall_summary(ranks: np.ndarray, changes: Sequence[str]) -> dict:
    out = {f"R@{k}": float((ranks < k).mean()) if len(ranks) else 0.0 for k in KS}
    by: dict[str, list[int]] = defaultdict(list)
    for r, c in zip(ranks, changes, strict=True):
        by[c].append(int(r))
    out["by_change"] = {c: {"n": len(v), **{f"R@{k}": float(np.mean(np.array(v) < k)) for k in KS}}
                        for c, v in sorted(by.items())}
    return out


@torch.no_grad()
def evaluate_features(
    model,
    gallery_ids: Sequence[int | str],
    image_feats: np.ndarray,
    ptext_feats: np.ndarray | None,
    triplets: Sequence[Triplet],
    caption_feats: np.ndarray,
    methods: Sequence[str] = METHODS,
) -> dict:
    """Evaluate on precomputed backbone features. caption_feats[i] belongs to triplets[i]."""
    model.eval()
    dev = model.device
    pos = {str(g): i for i, g in enumerate(gallery_ids)}
    keep = [i for i, t in enumerate(triplets) if str(t.candidate) in pos and str(t.target) in pos]
    skipped = len(triplets) - len(keep)
    ref_idx = np.array([pos[str(triplets[i].candidate)] for i in keep], dtype=np.int64)
    tgt_idx = np.array([pos[str(triplets[i].target)] for i in keep], dtype=np.int64)
    changes = [triplets[i].change for i in keep]
    texts = [triplets[i].text for i in keep]
    results: dict[str, dict] = {}
    if not keep:
        for m in methods:
            results[m] = {"n": 0, "skipped": skipped, **{f"R@{k}": 0.0 for k in KS}, "by_change": {}}
        return results

    img = torch.from_numpy(image_feats).to(dev)
    pt = torch.from_numpy(ptext_feats).to(dev) if ptext_feats is not None else None
    gallery = model.product_vectors(img, pt).float()
    cap_f = torch.from_numpy(caption_feats[keep]).to(dev)
    ref = gallery[torch.from_numpy(ref_idx).to(dev)]
    g = gallery.cpu().numpy()
    for m in methods:
        if m == "composed":
            empty = torch.tensor([not t.strip() for t in texts], device=dev)
            scores = (model.compose(ref, cap_f, empty) @ gallery.T).cpu().numpy()
        elif m == "seed":
            cap = model.caption_vectors(cap_f).cpu().numpy()
            scores = seed_scores(cap, g, g[ref_idx])
        elif m == "image_only":
            scores = g[ref_idx] @ g.T
        elif m == "text_only":
            scores = model.caption_vectors(cap_f).cpu().numpy() @ g.T
        elif m == "image_only_raw":
            raw = F.normalize(img, dim=-1).cpu().numpy()
            scores = raw[ref_idx] @ raw.T
        else:
            raise ValueError(f"unknown method {m!r}; choose from {', '.join(METHODS)}")
        ranks = target_ranks(scores, ref_idx, tgt_idx)
        results[m] = {"method": m, "n": len(keep), "skipped": skipped, **recall_summary(ranks, changes)}
    return results
