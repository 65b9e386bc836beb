"""Training configuration. Defaults for the optimisation hyper-parameters are the seed report's
(batch 32, 256-d projection, 1 projection layer, dropout 0.1, lr 1e-3, wd 1e-3, temperature 2.0)
but for the epochs (10, not the report's 5, which ``seed_report`` keeps); the objective, the
product-text fusion and the epochs were chosen by val R@10."""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass
from typing import Any

# Ranges of the numeric hyper-parameters: (low, high), inclusive; None = unbounded.
# Fields older checkpoints and stored retrain configs still carry but nothing reads any more
# (`extra`, an always-empty dict): from_dict drops them rather than refusing the file.
RETIRED_FIELDS = frozenset({"extra"})

RANGES: dict[str, tuple[float | None, float | None]] = {
    "batch_size": (2, 65536), "epochs": (1, 1000), "projection_dim": (8, 4096), "projection_layers": (1, 16),
    "dropout": (0.0, 0.99), "lr": (1e-8, 10.0), "weight_decay": (0.0, 10.0), "temperature": (1e-4, 1e4),
    "contrastive_temperature": (1e-4, 10.0), "triplets_per_product": (0, 1000),
    "fashion_iq_per_caption": (0, 100), "category_batches": (0.0, 1.0),
    "val_triplets_per_product": (1, 1000), "max_val_triplets": (1, 10**7), "seed": (0, 2**32 - 1),
"finetune_lr": (1e-8, 10.0), "num_threads": (1, 1024),
}  # fmt: skip
DEVICE = re.compile(r"cpu|cuda(:[0-9]+)?")


TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string",
              dict: "an object", type(None): "null"}  # fmt: skip


def _options(annotation: Any) -> tuple:
    union = typing.get_origin(annotation) in (typing.Union, type(int | None))
    return typing.get_args(annotation) if union else (annotation,)


def _describe(annotation: Any) -> str:
    return " or ".join(TYPE_NAMES.get(typing.get_origin(o) or o, str(o)) for o in _options(annotation))


def _type_ok(value: Any, annotation: Any) -> bool:
    """Whether a JSON-ish value fits a field's annotation (int, float, bool, str, X | None, dict)."""
    options = _options(annotation)
    for option in options:
        origin = typing.get_origin(option) or option
        if option is type(None) and value is None:
            return True
        if origin is bool and isinstance(value, bool):
            return True
        if origin is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if origin is float and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if origin in (str, dict) and isinstance(value, origin):
            return True
    return False


@dataclass
class TrainConfig:
    # --- seed report hyper-parameters -------------------------------------------------------
    batch_size: int = 32
    epochs: int = 10  # the seed's 5 left val R@10 still rising (docs/ML.md)
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
    category_batches: float = 0.5  # share of batches drawn from one type/gender/age group (hard negatives)
    # --- data ----------------------------------------------------------------------------------
    triplets_per_product: int = 8  # mined targets per training reference product
    fashion_iq_dir: str | None = None  # Fashion IQ folder: its train captions on train products
    fashion_iq_per_caption: int = 2  # (reference, target) pairs per readable train caption pair
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

    def __post_init__(self) -> None:
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if value is not None and (
                (low is not None and value < low) or (high is not None and value > high)
            ):
                raise ValueError(f"{name} must be between {low} and {high}, got {value}")
        if self.finetune_blocks < 0:  # the upper bound depends on the backbone (ml.encoders)
            raise ValueError(f"finetune_blocks must be >= 0, got {self.finetune_blocks}")
        if self.device is not None and not DEVICE.fullmatch(self.device):
            raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {self.device!r}")
        if self.objective not in ("composed", "seed"):
            raise ValueError(f"objective must be 'composed' or 'seed', got {self.objective!r}")
        if self.composer not in ("sum", "mlp"):
            raise ValueError(f"composer must be 'sum' or 'mlp', got {self.composer!r}")
        if self.select_by not in ("val_r10", "val_loss"):
            raise ValueError(f"select_by must be 'val_r10' or 'val_loss', got {self.select_by!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """A config from JSON-ish values: unknown fields, wrong types and out-of-range values are
        refused with a ValueError naming the field."""
        hints = typing.get_type_hints(cls)
        d = {k: v for k, v in d.items() if k not in RETIRED_FIELDS}
        unknown = set(d) - set(hints)
        if unknown:
            raise ValueError(f"unknown TrainConfig fields: {sorted(unknown)}")
        for name, value in d.items():
            if not _type_ok(value, hints[name]):
                raise ValueError(f"{name} must be {_describe(hints[name])}, got {value!r}")
        return cls(**d)

    @classmethod
    def seed_report(cls, **overrides: Any) -> TrainConfig:
        """The seed report's method: difference loss, image-only product vectors, val-loss selection,
        batches drawn at random."""
        base = dict(
            objective="seed", fuse_product_text=False, select_by="val_loss", epochs=5, category_batches=0.0
        )
        base.update(overrides)
        return cls(**base)
