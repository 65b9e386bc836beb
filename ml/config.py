"""Training configuration. Defaults for the optimisation hyper-parameters are the seed report's
(batch 32, 5 epochs, 256-d projection, 1 projection layer, dropout 0.1, lr 1e-3, wd 1e-3,
temperature 2.0); the objective and product-text fusion defaults were chosen by val R@10."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TrainConfig:
    # --- seed report hyper-parameters -------------------------------------------------------
    batch_size: int = 32
    epochs: int = 5
    projection_dim: int = 256
    projection_layers: int = 1
    dropout: float = 0.1
    lr: float = 1e-3
    weight_decay: float = 1e-3
    temperature: float = 2.0  # seed difference loss temperature
    # --- objective ---------------------------------------------------------------------------
    objective: str = "composed"  # "composed" | "seed"
    fuse_product_text: bool = True  # product vector = image + product text (name, attributes)
    composer: str = "mlp"  # "mlp": normalize(ref + w*text + MLP(ref, text)) | "sum": no MLP
    contrastive_temperature: float = 0.07  # initial InfoNCE temperature
    learn_temperature: bool = True
    symmetric: bool = True  # InfoNCE both query->target and target->query
    ref_negative: bool = True  # the reference is an extra (hard) negative for its query
    # --- data ----------------------------------------------------------------------------------
    triplets_per_product: int = 8  # mined targets per training reference product
    val_triplets_per_product: int = 2
    max_val_triplets: int = 2000
    # --- run -----------------------------------------------------------------------------------
    select_by: str = "val_r10"  # "val_r10" | "val_loss" (the seed's rule)
    seed: int = 0
    device: str | None = None  # None -> cuda when available else cpu
    finetune_blocks: int = 0  # >0: also train the last N backbone blocks (CUDA; CPU only if device="cpu")
    finetune_lr: float = 1e-4  # learning rate of those backbone blocks (heads use lr)
    cache_dir: str | None = None
    num_threads: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.objective not in ("composed", "seed"):
            raise ValueError(f"objective must be 'composed' or 'seed', got {self.objective!r}")
        if self.composer not in ("sum", "mlp"):
            raise ValueError(f"composer must be 'sum' or 'mlp', got {self.composer!r}")
        if self.select_by not in ("val_r10", "val_loss"):
            raise ValueError(f"select_by must be 'val_r10' or 'val_loss', got {self.select_by!r}")
        for name in ("batch_size", "epochs", "projection_dim", "projection_layers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        if self.finetune_blocks < 0:
            raise ValueError(f"finetune_blocks must be >= 0, got {self.finetune_blocks}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown TrainConfig fields: {sorted(unknown)}")
        return cls(**d)

    @classmethod
    def seed_report(cls, **overrides: Any) -> TrainConfig:
        """The seed report's method: difference loss, image-only product vectors, val-loss selection."""
        base = dict(objective="seed", fuse_product_text=False, select_by="val_loss")
        base.update(overrides)
        return cls(**base)
