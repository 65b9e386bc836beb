"""Recall@K of "like this, but …" through the store's own query path (benchmark/PROTOCOL.md).

``composed`` is the production method and goes through ``services.recommend``, exactly as a
shopper's request does. The baselines rank the same gallery from the same inputs:
``vector_only`` the learned composed vector of the whole text with no reading of it (the store
before it understood requests), ``metadata_rule`` no learning at all (the request read by the
same parser, its conditions kept, products ranked by the wishes they meet and then by how many
of the reference's attributes they share), ``image_only`` the reference's nearest neighbours,
``text_only`` the caption vector alone, ``seed`` the seed report's scoring. The evaluation-only
options live here: a gallery restricted to one split, and exact search instead of the HNSW
index. Recall is summarised by ``ml.evaluate.recall_summary``, the code the in-memory
evaluation uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import ExpressionWrapper, F, QuerySet, Value
from pgvector.django import CosineDistance, VectorField

from language import Constraint
from ml.evaluate import KS, recall_summary
from ml.inference import caption_vector, composed_query, normalise_text
from ml.mining import Triplet
from recommender.models import ModelVersion
from recommender.serving import runtime, services, understanding, vectors
from shop.models import Product
from shop.selectors import ProductFilters

METHODS = ("composed", "vector_only", "metadata_rule", "image_only", "text_only", "seed")
# What the metadata rule compares: the reference's value of each, the request's where it asks.
RULE_FIELDS = (
    "base_colour",
    "usage",
    "season",
    "Pattern",
    "Sleeve Length",
    "Neck",
    "Fit",
    "Fabric",
    "Collar",
)
GALLERIES = ("test", "val", "train", "all")
NOT_FOUND = 10**9  # rank of a target that is not among the returned results


@dataclass(frozen=True)
class Evaluation:
    method: str
    gallery_split: str
    limit: int
    exact: bool = False

    def scope(self, version: ModelVersion) -> services.SearchScope:
        gallery = Product.objects.filter(is_active=True)
        if self.gallery_split != "all":
            gallery = gallery.filter(split=self.gallery_split)
        return services.SearchScope(within=gallery, exact=self.exact)


def seed_scored(
    candidates: QuerySet[Product], version: ModelVersion, ref: np.ndarray, caption: np.ndarray, limit: int
) -> list[tuple[Product, float]]:
    """The seed report's scoring in SQL: cosine of the caption vs (target - reference).

    It cannot use an ANN index (the compared vector depends on the reference): an exact scan.
    """
    difference = ExpressionWrapper(
        F("embeddings__embedding") - Value(ref.tolist(), output_field=VectorField()),
        output_field=VectorField(),
    )
    ordered = (
        vectors.with_vector_of(candidates, version)
        .annotate(distance=CosineDistance(difference, caption.tolist()))
        .order_by("distance")
    )
    return [(p, 1.0 - float(p.distance)) for p in ordered[:limit]]


def metadata_rule(candidates: QuerySet[Product], reference: Product, text: str, limit: int) -> list[int]:
    """No learning: the request's conditions, then wishes met, then the reference's attributes
    kept (the request's values swapped in), then product id."""
    interpretation = understanding.understand(text, reference)
    asked = {c.field for c in interpretation.constraints if c.from_text}
    kept = []
    for name in RULE_FIELDS:
        value = (
            getattr(reference, name)
            if name in understanding.COLUMNS
            else (reference.attributes or {}).get(name)
        )
        if value and name not in asked:
            kept.append(Constraint(name, "in", (value,), "", False))
    wishes = understanding.wish_score(interpretation.constraints) or Value(0)
    same = understanding.wish_score(kept) or Value(0)
    ranked = (
        candidates.filter(understanding.hard_conditions(interpretation.constraints))
        .annotate(wishes=wishes, same=same)
        .order_by("-wishes", "-same", "pk")
    )
    return list(ranked.values_list("pk", flat=True)[:limit])


def ranked_ids(evaluation: Evaluation, version: ModelVersion, reference: Product, text: str) -> list[int]:
    """The product ids a method returns for one query, best first (the reference excluded)."""
    scope = evaluation.scope(version)
    limit = max(evaluation.limit, max(KS))  # R@50 needs 50 results
    if evaluation.method == "composed":
        ask = services.RecommendationRequest.checked(
            reference=reference, text=text, limit=limit, exclude_purchased=False, scope=scope
        )
        result = services.recommend(ask)
        return [p.pk for p, _ in result.results]
    candidates = services.candidate_products(
        ProductFilters(), exclude_ids=(reference.pk,), within=scope.within
    )
    text = normalise_text(text)
    if evaluation.method == "metadata_rule":
        return metadata_rule(vectors.with_vector_of(candidates, version), reference, text, limit)
    ref = services.reference_vector(version, reference)
    model = runtime.load_model(version.checkpoint_path)
    if evaluation.method == "seed" and text:
        results = seed_scored(candidates, version, ref, caption_vector(model, text), limit)
    else:
        query = ref
        if evaluation.method == "text_only" and text:
            query = caption_vector(model, text)
        elif evaluation.method == "vector_only":
            query = composed_query(model, ref, text)
        plan = vectors.SearchPlan(candidates, version, query, limit, exact=evaluation.exact)
        results = vectors.nearest(plan)
    return [p.pk for p, _ in results]


def evaluate(
    evaluation: Evaluation,
    triplets: Iterable[Triplet],
    on_query: Callable[[Triplet, list[int]], None] | None = None,
) -> dict:
    """Recall@1/10/50 of one method on triplet queries; `on_query` sees each ranked list."""
    version = services.active_version()
    gallery = evaluation.scope(version).within
    gallery_ids = set(vectors.with_vector_of(gallery, version).values_list("pk", flat=True))
    triplets = list(triplets)
    references = Product.objects.in_bulk([t.candidate for t in triplets if isinstance(t.candidate, int)])
    ranks: list[int] = []
    changes: list[str] = []
    for triplet in triplets:
        if triplet.candidate not in gallery_ids or triplet.target not in gallery_ids:
            continue
        ids = ranked_ids(evaluation, version, references[triplet.candidate], triplet.text)
        ranks.append(ids.index(triplet.target) if triplet.target in ids else NOT_FOUND)
        changes.append(triplet.change)
        if on_query:
            on_query(triplet, ids[: evaluation.limit])
    summary = {
        "method": evaluation.method,
        "model_version": version.name,
        "gallery_split": evaluation.gallery_split,
        "n": len(ranks),
        "skipped": len(triplets) - len(ranks),
        **recall_summary(np.asarray(ranks, dtype=np.int64), changes),
    }
    if set(changes) <= {"unknown"}:
        del summary["by_change"]
    return summary
