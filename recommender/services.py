"""'Like this, but …': the query service shared by the shopper pages, the REST API and the
evaluation command.

One request = the active version and the reference vector (one query), the text encoded once
(cached per process), and ONE SQL query ordered by pgvector cosine distance with the filters,
the reference and (by default) the shopper's purchases excluded. Each version has a partial
HNSW index; pgvector's iterative index scan keeps filtered queries complete.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import ExpressionWrapper, F, QuerySet, Value
from pgvector.django import CosineDistance, VectorField

from recommender import runtime
from recommender.models import ModelVersion, ProductEmbedding
from shop.models import OrderLine, Product
from shop.selectors import ProductFilters, filter_products, last_purchased_product

MAX_TEXT_LENGTH = 500
MAX_LIMIT = 100
METHODS = ("composed", "image_only", "text_only", "seed")
# Candidates the HNSW scan keeps per step; 100 gives recall@20 ~ 1 against exact search.
EF_SEARCH = 100


class RecommendationError(ValueError):
    """A request that cannot be answered; the message is safe to show (HTTP 400)."""


class NoActiveModel(RecommendationError):
    """No model version is active yet (the first training is still running)."""


@dataclass
class Recommendation:
    reference: Product
    text: str
    model_version: ModelVersion
    results: list[tuple[Product, float]] = field(default_factory=list)  # (product, cosine similarity)
    reference_is_last_purchase: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per step (Server-Timing)


class _Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self._last) * 1000.0
        self._last = now


def active_version() -> ModelVersion:
    version = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
    if version is None:
        raise NoActiveModel("Recommendations are not available yet: no model has been trained and activated.")
    return version


def reference_vector(version: ModelVersion, product: Product) -> np.ndarray:
    """The stored vector of a product (never recomputed at query time)."""
    row = (
        ProductEmbedding.objects.filter(model_version=version, product=product)
        .values_list("embedding", flat=True)
        .first()
    )
    if row is None:
        raise RecommendationError(f"Product {product.pk} has no vector yet; try again in a minute.")
    return np.asarray(row, dtype=np.float32)


def resolve_reference(
    reference: Product | None, user: AbstractBaseUser | AnonymousUser | None
) -> tuple[Product, bool]:
    """The product the query starts from: the given one, else the shopper's last purchase."""
    if reference is not None:
        return reference, False
    if user is None or not user.is_authenticated:
        raise RecommendationError("Give a reference product (anonymous shoppers have no purchases).")
    last = last_purchased_product(user)
    if last is None:
        raise RecommendationError(
            "You have no purchases yet: open a product and ask for 'like this, but …' there."
        )
    return last, True


def candidate_products(
    version: ModelVersion,
    filters: ProductFilters,
    *,
    exclude_ids: tuple[int, ...] = (),
    exclude_purchased_by: AbstractBaseUser | None = None,
    split: str | None = None,
) -> QuerySet[Product]:
    """Products that may be recommended: filters, exclusions, and a vector of this version."""
    # Results are shown as cards: the long text columns stay in the database.
    qs = (
        filter_products(filters)
        .filter(embeddings__model_version_id=version.pk)
        .defer("description", "attributes")
    )
    if exclude_ids:
        qs = qs.exclude(pk__in=exclude_ids)
    if exclude_purchased_by is not None:
        bought = OrderLine.objects.filter(order__user=exclude_purchased_by).values("product_id")
        qs = qs.exclude(pk__in=bought)
    if split is not None:
        qs = qs.filter(split=split)
    return qs


def nearest_products(candidates: QuerySet[Product], query: np.ndarray, limit: int, exact: bool = False):
    """ONE SQL query: candidates ordered by cosine distance of their vector to `query`."""
    ordered = candidates.annotate(distance=CosineDistance("embeddings__embedding", query)).order_by(
        "distance"
    )[:limit]
    with transaction.atomic(), connection.cursor() as cursor:
        # Iterative scan: when filters reject rows, the HNSW scan continues instead of
        # returning fewer than `limit` results. strict_order keeps exact distance order.
        cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        cursor.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
        if exact:
            cursor.execute("SET LOCAL enable_indexscan = off")
        return [(p, 1.0 - float(p.distance)) for p in ordered]


def seed_scored_products(candidates: QuerySet[Product], ref: np.ndarray, caption: np.ndarray, limit: int):
    """The seed report's scoring: cosine of the caption vs (target - reference).

    It cannot use an ANN index (the compared vector depends on the reference), so this is an
    exact scan; kept as the baseline the evaluation compares with.
    """
    difference = ExpressionWrapper(
        F("embeddings__embedding") - Value(ref.tolist(), output_field=VectorField()),
        output_field=VectorField(),
    )
    ordered = candidates.annotate(distance=CosineDistance(difference, caption.tolist())).order_by("distance")
    return [(p, 1.0 - float(p.distance)) for p in ordered[:limit]]


def recommend(
    *,
    reference: Product | None,
    text: str = "",
    user: AbstractBaseUser | AnonymousUser | None = None,
    filters: ProductFilters | None = None,
    limit: int = 20,
    exclude_purchased: bool = True,
    method: str = "composed",
    split: str | None = None,
    exact: bool = False,
) -> Recommendation:
    """Products like `reference` (or the shopper's last purchase) changed as `text` asks."""
    text = " ".join((text or "").split())
    if len(text) > MAX_TEXT_LENGTH:
        raise RecommendationError(f"The text must be at most {MAX_TEXT_LENGTH} characters.")
    if not 1 <= limit <= MAX_LIMIT:
        raise RecommendationError(f"limit must be between 1 and {MAX_LIMIT}.")
    if method not in METHODS:
        raise RecommendationError(f"Unknown method '{method}' (use one of {', '.join(METHODS)}).")
    clock = _Stopwatch()
    version = active_version()
    product, is_last_purchase = resolve_reference(reference, user)
    ref = reference_vector(version, product)
    shopper = user if (exclude_purchased and user is not None and user.is_authenticated) else None
    candidates = candidate_products(
        version,
        filters or ProductFilters(),
        exclude_ids=(product.pk,),
        exclude_purchased_by=shopper,
        split=split,
    )
    clock.lap("lookup")
    checkpoint = version.checkpoint_path
    if method == "seed" and text:
        caption = runtime.caption_vector(checkpoint, text)
        clock.lap("encode")
        results = seed_scored_products(candidates, ref, caption, limit)
    else:
        if method == "image_only" or (method == "seed" and not text):
            query = ref
        elif method == "text_only":
            query = runtime.caption_vector(checkpoint, text) if text else ref
        else:
            query = runtime.compose_query(checkpoint, ref, text)
        clock.lap("encode")
        results = nearest_products(candidates, query, limit, exact=exact)
    clock.lap("search")
    return Recommendation(
        reference=product,
        text=text,
        model_version=version,
        results=results,
        timings=clock.laps,
        reference_is_last_purchase=is_last_purchase,
    )
