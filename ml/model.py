"""Projection heads and the retrieval model (frozen backbones + trainable heads).

Product vector p = normalize(img_head(image) [+ ptext_head(product text)])
Caption vector c = normalize(text_head(caption))
Composed query q = normalize(ref + w * c) [+ residual MLP(ref, c) with composer="mlp"]
All three live in one cosine space, so the store can index p and order by p <=> q.
With config.finetune_blocks = N > 0 the model also owns `image_tail`, a trainable copy of the
last N EfficientNet blocks + conv head; its image features are trunk (frozen) -> tail -> pool.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ml.config import TrainConfig
from ml.encoders import IMAGE_FEATURE_DIM, TEXT_FEATURE_DIM

# progress(message, fraction, stage=..., epoch=..., epochs=..., step=..., total=...): the message is
# for people; the keywords say the same as numbers (recommender.lifecycle.versions stores them as fields).
Progress = Callable[..., None]


class ProjectionHead(nn.Module):
    """Simple-CLIP projection (the seed's head): Linear -> GELU -> Linear -> Dropout,
    residual, LayerNorm. `layers` stacks the GELU/Linear/Dropout block."""

    def __init__(self, in_dim: int, out_dim: int, dropout: float, layers: int = 1) -> None:
        super().__init__()
        self.projection = nn.Linear(in_dim, out_dim)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.GELU(), nn.Linear(out_dim, out_dim), nn.Dropout(dropout))
            for _ in range(layers)
        )
        self.layer_norm = nn.LayerNorm(out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.projection(x)
        for block in self.blocks:
            x = x + block(x)
        return self.layer_norm(x)


class RetrievalModel(nn.Module):
    def __init__(self, config: TrainConfig) -> None:
        super().__init__()
        self.config = config
        d, p, layers = config.projection_dim, config.dropout, config.projection_layers
        self.embedding_dim = d
        self.image_head = ProjectionHead(IMAGE_FEATURE_DIM, d, p, layers)
        self.text_head = ProjectionHead(TEXT_FEATURE_DIM, d, p, layers)
        self.ptext_head = (ProjectionHead(TEXT_FEATURE_DIM, d, p, layers)
                           if config.fuse_product_text else None)
        self.composer_mlp = (nn.Sequential(nn.Linear(2 * d, d), nn.GELU(), nn.Linear(d, d))
                             if config.composer == "mlp" else None)
        self.text_weight = nn.Parameter(torch.zeros(()))  # log of w in ref + w * c
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / config.contrastive_temperature)),
                                        requires_grad=config.learn_temperature)
        self.image_tail = None
        if config.finetune_blocks:
            from ml.encoders import ImageTail, get_image_encoder

            self.image_tail = ImageTail(get_image_encoder("cpu"), config.finetune_blocks)
        # Not trained; set by the checkpoint loader / train(); used by embed_* helpers.
        self.cache = None
        self.versions: dict[str, str] = {}

    # ---- feature-level API (used by training/evaluation on cached features) -----------------
    def product_raw(self, img_f: torch.Tensor, ptext_f: torch.Tensor | None = None) -> torch.Tensor:
        """Unnormalised product embedding (the seed loss works on these)."""
        x = self.image_head(img_f)
        if self.ptext_head is not None:
            if ptext_f is None:
                raise ValueError("this model fuses product text: product text features required")
            x = x + self.ptext_head(ptext_f)
        return x

    def product_vectors(self, img_f: torch.Tensor, ptext_f: torch.Tensor | None = None) -> torch.Tensor:
        return F.normalize(self.product_raw(img_f, ptext_f), dim=-1)

    def caption_vectors(self, cap_f: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.text_head(cap_f), dim=-1)

    def compose(self, ref: torch.Tensor, cap_f: torch.Tensor,
                empty: torch.Tensor | None = None) -> torch.Tensor:
        """ref: [B,D] normalised product vectors; cap_f: [B,384] caption features."""
        c = self.caption_vectors(cap_f)
        delta = self.text_weight.exp() * c
        if self.composer_mlp is not None:
            delta = delta + self.composer_mlp(torch.cat([ref, c], dim=-1))
        if empty is not None:  # blank text: the query is the reference itself
            delta = delta.masked_fill(empty[:, None], 0.0)
        return F.normalize(ref + delta, dim=-1)

    # ---- store-facing API (raw inputs -> numpy; query vectors are in ml.inference) ------------
    @property
    def device(self) -> torch.device:
        return self.text_weight.device

    def image_encoder(self):
        """The encoder of this model's 1280-d image features: the frozen EfficientNet, or the
        frozen trunk + this model's fine-tuned tail (its `version` includes the tail digest)."""
        from ml.encoders import TunedImageEncoder, get_image_encoder

        base = get_image_encoder(str(self.device))
        return base if self.image_tail is None else TunedImageEncoder(base, self.image_tail)

    def encoder_versions(self) -> dict[str, str]:
        """Versions of the features this model consumes (saved in, and checked against, checkpoints)."""
        from ml.encoders import get_image_encoder, get_text_encoder, tuned_image_version

        image = get_image_encoder("cpu").version
        if self.image_tail is not None:
            image = tuned_image_version(image, self.image_tail)
        return {"image": image, "text": get_text_encoder("cpu").version}

    def _product_text_features(self, texts: Sequence[str]) -> torch.Tensor:
        from ml.cache import text_features
        from ml.encoders import get_text_encoder

        enc = get_text_encoder(str(self.device))
        f = text_features(list(texts), enc, self.cache)
        return torch.from_numpy(f).to(self.device)

    @torch.no_grad()
    def embed_products(self, products: Sequence, batch_size: int | None = None,
                       progress: Progress | None = None) -> tuple[np.ndarray, list[int]]:
        """[N,D] float32 L2-normalised product vectors for products whose image loaded, and the
        ids of products skipped because their image is missing/corrupt (rows not returned)."""
        from ml.cache import image_features
        from ml.data import product_text

        self.eval()
        products = list(products)
        img, failed_idx = image_features([p.image_path for p in products], self.image_encoder(),
                                         self.cache, batch_size=batch_size, progress=progress)
        bad = set(failed_idx)
        keep = [i for i in range(len(products)) if i not in bad]
        img_t = torch.from_numpy(img[keep]).to(self.device)
        pt = None
        if self.ptext_head is not None:
            pt = self._product_text_features([product_text(products[i]) for i in keep])
        vecs = self.product_vectors(img_t, pt) if keep else torch.zeros(0, self.embedding_dim)
        return vecs.float().cpu().numpy(), [products[i].id for i in sorted(bad)]
