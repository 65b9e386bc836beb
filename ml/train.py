"""Train projection heads on cached frozen-backbone features.

Readable in one sitting, in named steps: `prepare_data` (features of train and val products,
mined triplets, caption features), `build_optimizer`, `run_epoch`, `validate`, and
`final_report` of the kept weights; `train` runs them in order and keeps the best epoch.
Triplets come from `train` products for training and `val` products for selection; the test
split is never read here.

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ml.cache import FeatureCache, image_features, text_features
from ml.captions import TRAIN_FAMILIES
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
from ml.fashion_iq_catalog import catalog_triplets
from ml.losses import composed_contrastive_loss, seed_difference_loss
from ml.mining import Triplet, mine_triplets
from ml.model import RetrievalModel

# progress(message, fraction, stage=..., epoch=..., epochs=..., step=..., total=...): the message is
# for people; the keywords say the same as numbers (recommender.lifecycle.versions stores them as fields).
Progress = Callable[..., None]
VAL_MINING_SEED = 0  # fixed, so every run is selected/compared on the same val triplets


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class FeatureTable:
    """Backbone features of a product set, rows addressed by product id."""

    def __init__(self, products: Sequence[CatalogProduct], cache: FeatureCache | None, device: str,
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


@dataclass
class TripletBatchSource:
    """One split's tensors: product features, and per triplet its caption features and the
    rows of its reference and target product."""

    image: torch.Tensor
    product_text: torch.Tensor | None
    captions: torch.Tensor
    reference_rows: torch.Tensor
    target_rows: torch.Tensor
    groups: list[tuple[str, str, str]]  # each triplet's (article type, gender, age group)

    @classmethod
    def build(cls, table: FeatureTable, triplets: list[Triplet], captions: np.ndarray,
              device: str) -> TripletBatchSource:
        product = {p.id: p for p in table.products}
        references = [product[t.candidate] for t in triplets]
        return cls(
            image=torch.from_numpy(table.image).to(device),
            product_text=torch.from_numpy(table.ptext).to(device) if table.ptext is not None else None,
            captions=torch.from_numpy(captions).to(device),
            reference_rows=torch.tensor([table.row[t.candidate] for t in triplets], device=device),
            target_rows=torch.tensor([table.row[t.target] for t in triplets], device=device),
            groups=[(p.article_type, p.gender, p.age_group) for p in references],
        )


@dataclass
class TrainingData:
    train: FeatureTable
    val: FeatureTable
    train_triplets: list[Triplet]
    val_triplets: list[Triplet]
    train_tensors: TripletBatchSource
    val_tensors: TripletBatchSource
    val_captions: np.ndarray
    text_encoder_version: str
    seconds: float


def training_triplets(products: Sequence[CatalogProduct], config: TrainConfig) -> list[Triplet]:
    """Triplets mined from train products with generated captions in the training phrasing
    families, plus Fashion IQ's real train captions on train products (when a folder is given)."""
    train = [p for p in products if p.split == "train"]
    triplets = mine_triplets(train, per_product=config.triplets_per_product, seed=config.seed)
    if config.fashion_iq_dir and config.fashion_iq_per_caption:
        triplets += catalog_triplets(train, config.fashion_iq_dir, "train", config.fashion_iq_per_caption,
                                     config.seed)
    return triplets


def mine_val_triplets(products: Sequence[CatalogProduct], config: TrainConfig,
                      families: Sequence[str] = TRAIN_FAMILIES) -> list[Triplet]:
    """The selection set: triplets among val products only (also what `ml mine` writes); with
    HELD_OUT_FAMILIES, the held-out phrasing set (the same pairs, captions never trained on)."""
    return mine_triplets([p for p in products if p.split == "val"],
                         per_product=config.val_triplets_per_product, seed=VAL_MINING_SEED,
                         max_triplets=config.max_val_triplets, families=families)


def prepare_data(products: Sequence[CatalogProduct], config: TrainConfig, device: str,
                 progress: Progress | None) -> TrainingData:
    """Step 1: features of train and val products (cached), mined triplets, caption features.
    The test split is dropped before anything else happens."""
    started = time.time()
    cache = FeatureCache.at(config.cache_dir)
    train_products = [p for p in products if p.split == "train"]
    val_products = [p for p in products if p.split == "val"]
    if not train_products or not val_products:
        raise ValueError(f"need train and val products (got {len(train_products)} train, "
                         f"{len(val_products)} val)")
    train_table = FeatureTable(train_products, cache, device, config.fuse_product_text, progress)
    val_table = FeatureTable(val_products, cache, device, config.fuse_product_text, progress)
    train_triplets = training_triplets(train_table.products, config)
    val_triplets = mine_val_triplets(val_table.products, config)
    if not train_triplets or not val_triplets:
        raise ValueError(f"too few triplets mined ({len(train_triplets)} train, {len(val_triplets)} val)")
    encoder = get_text_encoder(device)
    train_captions = text_features([t.text for t in train_triplets], encoder, cache, progress=progress)
    val_captions = text_features([t.text for t in val_triplets], encoder, cache, progress=progress)
    return TrainingData(
        train=train_table, val=val_table, train_triplets=train_triplets, val_triplets=val_triplets,
        train_tensors=TripletBatchSource.build(train_table, train_triplets, train_captions, device),
        val_tensors=TripletBatchSource.build(val_table, val_triplets, val_captions, device),
        val_captions=val_captions, text_encoder_version=encoder.version,
        seconds=time.time() - started,
    )


def build_optimizer(model: RetrievalModel, config: TrainConfig) -> torch.optim.Optimizer:
    """Step 2: AdamW over the heads (no weight decay on scalars such as the temperature) and,
    when fine-tuning, the backbone tail at its own, smaller learning rate."""
    tail = model.image_tail
    tail_ids = {id(p) for p in tail.parameters()} if tail is not None else set()
    heads = [p for p in model.parameters() if p.requires_grad and id(p) not in tail_ids]
    groups = [{"params": [p for p in heads if p.ndim >= 2], "weight_decay": config.weight_decay},
              {"params": [p for p in heads if p.ndim < 2], "weight_decay": 0.0}]
    if tail is not None:  # the pretrained backbone blocks move slowly
        groups += [{"params": [p for p in tail.parameters() if p.ndim >= 2],
                    "weight_decay": config.weight_decay, "lr": config.finetune_lr},
                   {"params": [p for p in tail.parameters() if p.ndim < 2],
                    "weight_decay": 0.0, "lr": config.finetune_lr}]
    return torch.optim.AdamW(groups, lr=config.lr)


def batch_loss(model: RetrievalModel, config: TrainConfig, image: torch.Tensor,
               product_text: torch.Tensor | None, captions: torch.Tensor,
               reference_rows: torch.Tensor, target_rows: torch.Tensor) -> torch.Tensor:
    """Loss of one batch of (reference row, target row, caption features)."""
    ref_text = product_text[reference_rows] if product_text is not None else None
    target_text = product_text[target_rows] if product_text is not None else None
    if config.objective == "seed":
        ref = model.product_raw(image[reference_rows], ref_text)
        target = model.product_raw(image[target_rows], target_text)
        return seed_difference_loss(target, ref, model.text_head(captions), config.temperature)
    ref = model.product_vectors(image[reference_rows], ref_text)
    target = model.product_vectors(image[target_rows], target_text)
    query = model.compose(ref, captions)
    scale = model.logit_scale.exp().clamp(max=100.0)
    return composed_contrastive_loss(query, target, ref, scale, target_ids=target_rows,
                                     symmetric=config.symmetric, ref_negative=config.ref_negative)


class TunedImages:
    """Fine-tuning: a batch's image features computed now (decode, frozen trunk, trainable tail)."""

    def __init__(self, model: RetrievalModel, paths: Sequence[Path]) -> None:
        self.model, self.paths = model, list(paths)
        self.pool = ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1))

    def batch_loss(self, config: TrainConfig, source: TripletBatchSource, idx: torch.Tensor) -> torch.Tensor:
        ref_rows, target_rows = source.reference_rows[idx], source.target_rows[idx]
        rows, inverse = torch.unique(torch.cat([ref_rows, target_rows]), return_inverse=True)
        images = torch.stack(list(self.pool.map(load_image_tensor, [self.paths[i] for i in rows.tolist()])))
        model = self.model
        encoder = get_image_encoder(str(model.device))
        with torch.no_grad():
            trunk = encoder.trunk(images.to(model.device), model.image_tail.start)
        features = model.image_tail(trunk)
        texts = source.product_text[rows] if source.product_text is not None else None
        n = len(ref_rows)
        return batch_loss(model, config, features, texts, source.captions[idx], inverse[:n], inverse[n:])


def epoch_order(source: TripletBatchSource, config: TrainConfig, generator: torch.Generator) -> torch.Tensor:
    """The order triplets are seen in, batch by batch: shuffled; a `config.category_batches` share
    of the triplets is batched within one (type, gender, age group), so the other targets of such
    a batch are the hard negatives the store's search meets (its category) instead of easy ones."""
    n = len(source.reference_rows)
    perm = torch.randperm(n, generator=generator).tolist()
    grouped = round(n * config.category_batches)
    size = config.batch_size
    by_group: dict[tuple, list[int]] = {}
    for i in perm[:grouped]:
        by_group.setdefault(source.groups[i], []).append(i)
    batches = [rows[s:s + size] for rows in by_group.values() for s in range(0, len(rows), size)]
    batches += [perm[s:s + size] for s in range(grouped, n, size)]
    order = torch.randperm(len(batches), generator=generator).tolist()
    return torch.tensor([i for b in order for i in batches[b]])


def run_epoch(model: RetrievalModel, config: TrainConfig, source: TripletBatchSource,
              optimizer: torch.optim.Optimizer, generator: torch.Generator, epoch: int,
              say: Progress, tuned: TunedImages | None) -> float:
    """Step 3: one pass over the shuffled training triplets; returns the mean loss."""
    model.train()
    n = len(source.reference_rows)
    steps = math.ceil(n / config.batch_size)
    perm = epoch_order(source, config, generator).to(source.captions.device)
    total = 0.0
    bar = tqdm(range(steps), desc=f"epoch {epoch}/{config.epochs}", leave=False, mininterval=1.0,
               disable=None)
    for step in bar:
        idx = perm[step * config.batch_size:(step + 1) * config.batch_size]
        if len(idx) < 2:  # contrastive losses need at least one negative
            continue
        if tuned is None:
            loss = batch_loss(model, config, source.image, source.product_text, source.captions[idx],
                              source.reference_rows[idx], source.target_rows[idx])
        else:
            loss = tuned.batch_loss(config, source, idx)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
        if step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
            say(f"epoch {epoch} of {config.epochs}, step {step} of {steps}",
                (epoch - 1 + step / steps) / config.epochs,
                stage="training", epoch=epoch, epochs=config.epochs, step=step, total=steps)
    return total / n


def val_image_features(model: RetrievalModel, data: TrainingData, config: TrainConfig) -> np.ndarray:
    """Val image features: the cached frozen ones, or recomputed with the current tail."""
    if model.image_tail is None:
        return data.val.image
    model.eval()
    return image_features([p.image_path for p in data.val.products], model.image_encoder(), None,
                          batch_size=config.batch_size)[0]


def validate(model: RetrievalModel, config: TrainConfig, data: TrainingData) -> tuple[float, dict]:
    """Step 4: val loss and val recall of the selection method (composed, or seed scoring)."""
    model.eval()
    val_img = val_image_features(model, data, config)
    source = data.val_tensors
    image = source.image
    if model.image_tail is not None:
        image = torch.from_numpy(val_img).to(source.captions.device)
    size = config.batch_size
    with torch.no_grad():
        losses = [float(batch_loss(model, config, image, source.product_text, source.captions[s:s + size],
                                   source.reference_rows[s:s + size], source.target_rows[s:s + size]))
                  for s in range(0, len(source.reference_rows), size)]
    method = "seed" if config.objective == "seed" else "composed"
    result = evaluate_features(model, data.val.ids, val_img, data.val.ptext, data.val_triplets,
                               data.val_captions, [method])
    return float(np.mean(losses)), result[method]


def final_report(model: RetrievalModel, data: TrainingData, config: TrainConfig) -> tuple[dict, dict]:
    """Step 5: every method on val with the kept weights, and the encoder versions they used."""
    val = data.val
    final = evaluate_features(model, val.ids, val_image_features(model, data, config), val.ptext,
                              data.val_triplets, data.val_captions, METHODS)
    versions = {"image": get_image_encoder(str(model.device)).version, "text": data.text_encoder_version}
    if model.image_tail is not None:
        # image_only_raw means the untrained backbone; the image version names this tail
        final["image_only_raw"] = evaluate_features(model, val.ids, val.image, val.ptext, data.val_triplets,
                                                    data.val_captions, ["image_only_raw"])["image_only_raw"]
        versions["image"] = tuned_image_version(versions["image"], model.image_tail)
    return final, versions


def training_device(config: TrainConfig) -> str:
    if config.finetune_blocks:
        check_finetune_blocks(config.finetune_blocks)
        return finetune_device(config)
    return config.device or default_device()


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


def train(
    products: Sequence[CatalogProduct],
    config: TrainConfig,
    out_dir: str | Path,
    progress: Progress | None = None,
) -> dict:
    """Train on `train` products, select on `val` products, write a checkpoint to out_dir."""
    started = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda msg, frac, **counts: None)
    seed_everything(config.seed)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    device = training_device(config)
    say("features", 0.0, stage="features")
    data = prepare_data(products, config, device, progress)
    model = RetrievalModel(config).to(device)
    optimizer = build_optimizer(model, config)
    generator = torch.Generator().manual_seed(config.seed)
    tuned = TunedImages(model, [p.image_path for p in data.train.products]) if model.image_tail else None

    history: list[dict] = []
    best_score, best_state, best_epoch = -math.inf, None, 0
    train_started = time.time()
    for epoch in range(1, config.epochs + 1):
        train_loss = run_epoch(model, config, data.train_tensors, optimizer, generator, epoch, say, tuned)
        val_loss, val = validate(model, config, data)
        row = {"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
               **{f"val_{k}": val[k] for k in ("R@1", "R@10", "R@50")}}
        history.append(row)
        score = -val_loss if config.select_by == "val_loss" else val["R@10"]
        if score > best_score:  # the seed keeps a checkpoint only when val loss improves
            best_score, best_epoch, best_state = score, epoch, copy.deepcopy(model.state_dict())
        say(f"epoch {epoch} of {config.epochs} done: val R@10 {val['R@10']:.3f}", epoch / config.epochs,
            stage="training", epoch=epoch, epochs=config.epochs)
        tqdm.write(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}))
    train_seconds = time.time() - train_started
    if tuned is not None:
        tuned.pool.shutdown()

    model.load_state_dict(best_state)
    final, versions = final_report(model, data, config)
    model.versions = versions
    metrics = {
        "config": config.to_dict(), "encoders": versions, "device": device, "best_epoch": best_epoch,
        "select_by": config.select_by, "history": history, "val": final,
        "counts": {"train_products": len(data.train.ids), "val_products": len(data.val.ids),
                   "failed_images": len(data.train.failed_ids) + len(data.val.failed_ids),
                   "failed_image_ids": data.train.failed_ids + data.val.failed_ids,
                   "train_triplets": len(data.train_triplets), "val_triplets": len(data.val_triplets)},
        "seconds": {"features": round(data.seconds, 2), "train": round(train_seconds, 2),
                    "total": round(time.time() - started, 2)},
    }
    save_checkpoint(model, out, metrics, versions)
    plot_history(history, out / "curves.png")
    say("done", 1.0, stage="training")
    return metrics


def plot_history(history: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (losses, recalls) = plt.subplots(1, 2, figsize=(10, 4))
    losses.plot(epochs, [h["train_loss"] for h in history], "o-", label="train")
    losses.plot(epochs, [h["val_loss"] for h in history], "o-", label="val")
    losses.set_xlabel("epoch"), losses.set_ylabel("loss"), losses.legend()
    for k in ("R@1", "R@10", "R@50"):
        recalls.plot(epochs, [h[f"val_{k}"] for h in history], "o-", label=f"val {k}")
    recalls.set_xlabel("epoch"), recalls.set_ylabel("recall"), recalls.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
