"""A checkpoint is one folder: model.safetensors, config.json (TrainConfig + format +
encoder versions), metrics.json (when training wrote one).

A fine-tuned checkpoint (config finetune_blocks > 0) holds the backbone tail in the same
model.safetensors (`image_tail.*`); its image encoder version ends with a digest of those
weights, so features of different tails (or the frozen backbone) never share cache entries."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from ml.config import TrainConfig
from ml.model import RetrievalModel

FORMAT = "ml-retrieval-checkpoint"
FORMAT_VERSION = 1


class IncompatibleCheckpointError(ValueError):
    """The folder is not a checkpoint this code (or these encoders) can load."""


def encoder_versions() -> dict[str, str]:
    from ml.encoders import get_image_encoder, get_text_encoder

    return {"image": get_image_encoder("cpu").version, "text": get_text_encoder("cpu").version}


def save_checkpoint(model: RetrievalModel, out_dir: str | Path,
                    metrics: dict | None = None, versions: dict[str, str] | None = None) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "embedding_dim": model.embedding_dim,
        "encoders": versions or model.versions or encoder_versions(),
        "config": model.config.to_dict(),
    }
    (out / "config.json").write_text(json.dumps(meta, indent=2))
    if metrics is not None:
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    return out


def load_model(checkpoint_dir: str | Path, device: str | torch.device | None = None,
               check_encoders: bool = True, cache_dir: str | Path | None = None) -> RetrievalModel:
    """Load a checkpoint folder. Raises FileNotFoundError / IncompatibleCheckpointError."""
    from ml.cache import FeatureCache
    from ml.encoders import default_device

    d = Path(checkpoint_dir)
    cfg_file, weights = d / "config.json", d / "model.safetensors"
    if not d.is_dir():
        raise FileNotFoundError(f"checkpoint folder not found: {d}")
    if not cfg_file.is_file() or not weights.is_file():
        raise IncompatibleCheckpointError(
            f"{d} is not a checkpoint (needs config.json and model.safetensors)")
    try:
        meta = json.loads(cfg_file.read_text())
    except json.JSONDecodeError as exc:
        raise IncompatibleCheckpointError(f"{cfg_file}: invalid JSON ({exc})") from exc
    if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
        raise IncompatibleCheckpointError(
            f"{d}: checkpoint format {meta.get('format')!r} v{meta.get('format_version')} is not "
            f"{FORMAT!r} v{FORMAT_VERSION}")
    try:
        config = TrainConfig.from_dict(meta["config"])
    except (KeyError, TypeError, ValueError) as exc:
        raise IncompatibleCheckpointError(f"{d}: bad config in checkpoint ({exc})") from exc
    versions = meta.get("encoders", {})

    def check(have: dict[str, str]) -> None:
        if versions != have:
            raise IncompatibleCheckpointError(
                f"{d}: trained with encoders {versions}, installed encoders are {have}; retrain")

    if check_encoders and not config.finetune_blocks:
        check(encoder_versions())
    try:
        model = RetrievalModel(config)
        state = load_file(str(weights))
        model.load_state_dict(state, strict=True)
    except (RuntimeError, OSError, ValueError) as exc:
        raise IncompatibleCheckpointError(f"{d}: weights do not match the model ({exc})") from exc
    if check_encoders and config.finetune_blocks:  # the image version includes the tail digest
        check(model.encoder_versions())
    model.versions = versions
    model.cache = FeatureCache.at(cache_dir)  # None: features are computed, not cached on disk
    dev = torch.device(device) if device is not None else torch.device(default_device())
    return model.to(dev).eval()
