"""Train projection heads on cached frozen-backbone features.

Readable in one sitting: mine triplets (train split for training, val split for selection),
look up cached features, run the epochs, validate every epoch, keep the best checkpoint.
The test split is never read here.

With config.finetune_blocks = N > 0 the last N EfficientNet blocks + conv head are trained too
(model.image_tail, lr = config.finetune_lr): each batch's images are decoded, run through the
frozen trunk under no_grad and then through the tail; val product vectors are recomputed with
the current tail at every validation. Same objective and selection as the frozen path.
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ml.cache import FeatureCache, image_features, text_features
from ml.checkpoint import save_checkpoint
from ml.config import TrainConfig
from ml.data import CatalogProduct, product_text
from ml.encoders import (
    check_finetune_blocks,
    default_device,
    get_image_encoder,
    get_text_encoder,
    load_image_tensor,
    tuned_image_version,
)
from ml.evaluate import METHODS, evaluate_features
from ml.losses import composed_contrastive_loss, seed_difference_loss
from ml.mining import Triplet, mine_triplets
from ml.model import RetrievalModel

Progress = Callable[[str, float], None]
VAL_MINING_SEED = 0  # fixed, so every run is selected/compared on the same val triplets


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class FeatureTable:
    """Backbone features of a product set, rows addressed by product id."""

    def __init__(self, products: Sequence[CatalogProduct], cache: FeatureCache, device: str,
                 with_text: bool, progress: Progress | None = None) -> None:
        img, failed = image_features([p.image_path for p in products], get_image_encoder(device),
                                     cache, progress=progress)
        bad = set(failed)
        self.failed_ids = [products[i].id for i in failed]
        self.products = [p for i, p in enumerate(products) if i not in bad]
        self.ids = [p.id for p in self.products]
        self.row = {pid: i for i, pid in enumerate(self.ids)}
        self.image = img[[i for i in range(len(products)) if i not in bad]]
        self.ptext = (text_features([product_text(p) for p in self.products],
                                    get_text_encoder(device), cache, progress=progress)
                      if with_text else None)


def mine_val_triplets(products: Sequence[CatalogProduct], config: TrainConfig) -> list[Triplet]:
    """The selection set: triplets among val products only (also what `ml mine` writes)."""
    return mine_triplets([p for p in products if p.split == "val"],
                         per_product=config.val_triplets_per_product, seed=VAL_MINING_SEED,
                         max_triplets=config.max_val_triplets)


def _batch_loss(model: RetrievalModel, config: TrainConfig, img, pt, cap, ref_i, tgt_i):
    """Loss of one batch of (reference row, target row, caption row) index tensors."""
    ptr = pt[ref_i] if pt is not None else None
    ptt = pt[tgt_i] if pt is not None else None
    if config.objective == "seed":
        ref = model.product_raw(img[ref_i], ptr)
        tgt = model.product_raw(img[tgt_i], ptt)
        return seed_difference_loss(tgt, ref, model.text_head(cap), config.temperature)
    ref = model.product_vectors(img[ref_i], ptr)
    tgt = model.product_vectors(img[tgt_i], ptt)
    query = model.compose(ref, cap)
    scale = model.logit_scale.exp().clamp(max=100.0)
    return composed_contrastive_loss(query, tgt, ref, scale, target_ids=tgt_i,
                                     symmetric=config.symmetric, ref_negative=config.ref_negative)


def _tuned_batch_loss(model: RetrievalModel, config: TrainConfig, paths: Sequence, pool: ThreadPoolExecutor,
                      pt, cap, ref_i, tgt_i):
    """_batch_loss with image features computed now: decode the batch's images, frozen trunk
    (no grad), trainable tail. Rows are renumbered to the batch's unique products."""
    rows, inv = torch.unique(torch.cat([ref_i, tgt_i]), return_inverse=True)
    images = torch.stack(list(pool.map(load_image_tensor, [paths[i] for i in rows.tolist()])))
    with torch.no_grad():
        x = get_image_encoder(str(model.device)).trunk(images.to(model.device), model.image_tail.start)
    img = model.image_tail(x)
    pt = pt[rows] if pt is not None else None
    return _batch_loss(model, config, img, pt, cap, inv[:len(ref_i)], inv[len(ref_i):])


def finetune_device(config: TrainConfig) -> str:
    """Fine-tuning decodes and runs CNN blocks every step: CUDA, or CPU only when asked for."""
    if config.device is None and not torch.cuda.is_available():
        raise ValueError("finetune_blocks > 0 trains backbone blocks and needs a CUDA GPU, none found; "
                         "set device='cpu' (--device cpu) to run it on the CPU anyway (very slow), "
                         "or finetune_blocks=0 to train the heads on cached features")
    device = config.device or "cuda"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available")
    return device


def _plot(history: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ep = [h["epoch"] for h in history]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(ep, [h["train_loss"] for h in history], "o-", label="train")
    a.plot(ep, [h["val_loss"] for h in history], "o-", label="val")
    a.set_xlabel("epoch"), a.set_ylabel("loss"), a.legend()
    for k in ("R@1", "R@10", "R@50"):
        b.plot(ep, [h[f"val_{k}"] for h in history], "o-", label=f"val {k}")
    b.set_xlabel("epoch"), b.set_ylabel("recall"), b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def train(
    products: Sequence[CatalogProduct],
    config: TrainConfig,
    out_dir: str | Path,
    progress: Progress | None = None,
) -> dict:
    """Train on `train` products, select on `val` products, write a checkpoint to out_dir."""
    t0 = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda msg, frac: None)
    seed_everything(config.seed)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    device = config.device or default_device()
    if config.finetune_blocks:
        device = finetune_device(config)
        check_finetune_blocks(config.finetune_blocks)
    cache = FeatureCache(config.cache_dir)

    # 1. data: the test split is dropped before anything else happens
    train_p = [p for p in products if p.split == "train"]
    val_p = [p for p in products if p.split == "val"]
    if not train_p or not val_p:
        raise ValueError(f"need train and val products (got {len(train_p)} train, {len(val_p)} val)")
    say("features", 0.0)
    tr = FeatureTable(train_p, cache, device, config.fuse_product_text, progress)
    va = FeatureTable(val_p, cache, device, config.fuse_product_text, progress)
    train_trip = [t for t in mine_triplets(tr.products, per_product=config.triplets_per_product,
                                           seed=config.seed)]
    val_trip = mine_val_triplets(va.products, config)
    if not train_trip or not val_trip:
        raise ValueError(f"too few triplets mined ({len(train_trip)} train, {len(val_trip)} val)")
    tenc = get_text_encoder(device)
    train_cap = text_features([t.text for t in train_trip], tenc, cache, progress=progress)
    val_cap = text_features([t.text for t in val_trip], tenc, cache, progress=progress)
    t_features = time.time() - t0

    def as_tensors(table: FeatureTable, trip: list[Triplet], cap: np.ndarray):
        img = torch.from_numpy(table.image).to(device)
        pt = torch.from_numpy(table.ptext).to(device) if table.ptext is not None else None
        ref = torch.tensor([table.row[t.candidate] for t in trip], device=device)
        tgt = torch.tensor([table.row[t.target] for t in trip], device=device)
        return img, pt, torch.from_numpy(cap).to(device), ref, tgt

    T = as_tensors(tr, train_trip, train_cap)
    V = as_tensors(va, val_trip, val_cap)

    # 2. model + optimiser (no weight decay on scalars such as the temperature)
    model = RetrievalModel(config).to(device)
    tail = model.image_tail
    tail_ids = {id(p) for p in tail.parameters()} if tail is not None else set()
    heads = [p for p in model.parameters() if p.requires_grad and id(p) not in tail_ids]
    decay = [p for p in heads if p.ndim >= 2]
    no_decay = [p for p in heads if p.ndim < 2]
    groups = [{"params": decay, "weight_decay": config.weight_decay},
              {"params": no_decay, "weight_decay": 0.0}]
    if tail is not None:  # the pretrained backbone blocks move slowly
        groups += [{"params": [p for p in tail.parameters() if p.ndim >= 2],
                    "weight_decay": config.weight_decay, "lr": config.finetune_lr},
                   {"params": [p for p in tail.parameters() if p.ndim < 2],
                    "weight_decay": 0.0, "lr": config.finetune_lr}]
    opt = torch.optim.AdamW(groups, lr=config.lr)
    n = len(train_trip)
    steps_per_epoch = math.ceil(n / config.batch_size)
    gen = torch.Generator().manual_seed(config.seed)
    select_method = "seed" if config.objective == "seed" else "composed"
    train_paths = [p.image_path for p in tr.products]
    pool = ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) if tail is not None else None

    def val_images() -> np.ndarray:
        """Val image features: cached frozen ones, or recomputed with the current tail."""
        if tail is None:
            return va.image
        model.eval()
        return image_features([p.image_path for p in va.products], model.image_encoder(), None,
                              batch_size=config.batch_size)[0]

    def validate() -> tuple[float, dict]:
        model.eval()
        val_img = val_images()
        with torch.no_grad():
            img, pt, cap, ref, tgt = V
            img = torch.from_numpy(val_img).to(device) if tail is not None else img
            losses = [float(_batch_loss(model, config, img, pt, cap[s:s + config.batch_size],
                                        ref[s:s + config.batch_size], tgt[s:s + config.batch_size]))
                      for s in range(0, len(ref), config.batch_size)]
        res = evaluate_features(model, va.ids, val_img, va.ptext, val_trip, val_cap, [select_method])
        return float(np.mean(losses)), res[select_method]

    # 3. epochs
    history: list[dict] = []
    best_score, best_state, best_epoch = -math.inf, None, 0
    t_train = time.time()
    for epoch in range(1, config.epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=gen).to(device)
        img, pt, cap, ref, tgt = T
        total = 0.0
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{config.epochs}",
                   leave=False, mininterval=1.0, disable=None)
        for step in bar:
            idx = perm[step * config.batch_size:(step + 1) * config.batch_size]
            if len(idx) < 2:  # contrastive losses need at least one negative
                continue
            if tail is None:
                loss = _batch_loss(model, config, img, pt, cap[idx], ref[idx], tgt[idx])
            else:
                loss = _tuned_batch_loss(model, config, train_paths, pool, pt, cap[idx], ref[idx], tgt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            if step % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
                say(f"epoch {epoch} step {step}/{steps_per_epoch}",
                    (epoch - 1 + step / steps_per_epoch) / config.epochs)
        val_loss, val = validate()
        row = {"epoch": epoch, "train_loss": total / n, "val_loss": val_loss,
               **{f"val_{k}": val[k] for k in ("R@1", "R@10", "R@50")}}
        history.append(row)
        score = -val_loss if config.select_by == "val_loss" else val["R@10"]
        if score > best_score:  # the seed keeps a checkpoint only when val loss improves
            best_score, best_epoch = score, epoch
            best_state = copy.deepcopy(model.state_dict())
        say(f"epoch {epoch}: train {row['train_loss']:.4f} val {val_loss:.4f} "
            f"R@10 {val['R@10']:.3f}", epoch / config.epochs)
        tqdm.write(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}))
    train_seconds = time.time() - t_train
    if pool is not None:
        pool.shutdown()

    # 4. final report of the selected weights on val, all methods
    model.load_state_dict(best_state)
    final = evaluate_features(model, va.ids, val_images(), va.ptext, val_trip, val_cap, METHODS)
    versions = {"image": get_image_encoder(device).version, "text": tenc.version}
    if tail is not None:
        # image_only_raw means the untrained backbone; the image version names this tail
        final["image_only_raw"] = evaluate_features(model, va.ids, va.image, va.ptext, val_trip, val_cap,
                                                    ["image_only_raw"])["image_only_raw"]
        versions["image"] = tuned_image_version(versions["image"], tail)
    model.versions = versions
    metrics = {
        "config": config.to_dict(),
        "encoders": versions,
        "device": device,
        "best_epoch": best_epoch,
        "select_by": config.select_by,
        "history": history,
        "val": final,
        "counts": {"train_products": len(tr.ids), "val_products": len(va.ids),
                   "failed_images": len(tr.failed_ids) + len(va.failed_ids),
                   "failed_image_ids": tr.failed_ids + va.failed_ids,
                   "train_triplets": len(train_trip), "val_triplets": len(val_trip)},
        "seconds": {"features": round(t_features, 2), "train": round(train_seconds, 2),
                    "total": round(time.time() - t0, 2)},
    }
    save_checkpoint(model, out, metrics, versions)
    _plot(history, out / "curves.png")
    say("done", 1.0)
    return metrics
