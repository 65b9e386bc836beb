"""Training objectives: the seed report's difference loss and composed contrastive losses."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _soft_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-row cross entropy against a soft target distribution: -sum_j t_ij log p_ij."""
    return (-targets * F.log_softmax(logits, dim=-1)).sum(dim=-1)


def seed_difference_loss(
    tgt_img_embed: torch.Tensor,
    ref_img_embed: torch.Tensor,
    cap_embed: torch.Tensor,
    temperature: float,
) -> torch.Tensor:
    """The seed report's loss, exactly as its pseudocode (after Shariatnia's Simple CLIP).

    d = tgt - ref; logits = cap @ d.T / T; soft targets = softmax((d d^T + c c^T) / 2 * T);
    symmetric soft cross entropy, averaged. Note the embeddings are not normalised.
    """
    d = tgt_img_embed - ref_img_embed
    logits = cap_embed @ d.T / temperature
    targets = F.softmax(((d @ d.T) + (cap_embed @ cap_embed.T)) / 2 * temperature, dim=-1)
    cap_loss = _soft_cross_entropy(logits, targets)
    img_loss = _soft_cross_entropy(logits.T, targets.T)
    return ((img_loss + cap_loss) / 2.0).mean()


def info_nce(
    query: torch.Tensor,
    target: torch.Tensor,
    logit_scale: torch.Tensor | float,
    target_ids: torch.Tensor | None = None,
    symmetric: bool = False,
    hard_negatives: torch.Tensor | None = None,
) -> torch.Tensor:
    """InfoNCE of L2-normalised queries vs in-batch targets (positives on the diagonal).

    target_ids: when two rows share a target product, the off-diagonal copy is not a
    negative (masked out). hard_negatives: [B,D], one extra negative per query (e.g. its
    reference product), only for the query->target direction.
    """
    logits = logit_scale * query @ target.T
    if target_ids is not None:
        same = target_ids[:, None] == target_ids[None, :]
        same.fill_diagonal_(False)
        logits = logits.masked_fill(same, float("-inf"))
    labels = torch.arange(len(query), device=query.device)
    q2t_logits = logits
    if hard_negatives is not None:
        extra = logit_scale * (query * hard_negatives).sum(-1, keepdim=True)
        q2t_logits = torch.cat([logits, extra], dim=1)
    loss = F.cross_entropy(q2t_logits, labels)
    if symmetric:
        loss = (loss + F.cross_entropy(logits.T, labels)) / 2
    return loss


def composed_contrastive_loss(
    query: torch.Tensor,
    target: torch.Tensor,
    reference: torch.Tensor,
    logit_scale: torch.Tensor | float,
    target_ids: torch.Tensor | None = None,
    symmetric: bool = True,
    ref_negative: bool = True,
) -> torch.Tensor:
    """Composed objective: query = normalize(ref + text) must find its target among the batch's
    targets; optionally both directions and with the reference itself as a hard negative
    (so the text must actually move the query away from "the same product")."""
    return info_nce(query, target, logit_scale, target_ids=target_ids, symmetric=symmetric,
                    hard_negatives=reference if ref_negative else None)
