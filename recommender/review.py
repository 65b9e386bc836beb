"""Review before activation: a candidate version and the active one, side by side, on a fixed
set of sample requests, so staff see what shoppers would get before it serves them.

The samples are fixed (an article type and a request each); the reference of each is the same
product every time: the lowest-id active product of that type in the val split (any split when
the type has none there). Both versions answer through the shoppers' query path
(``services.recommend``), so what staff see is what shoppers would get.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender import services
from recommender.models import ModelVersion
from shop.models import Product, Split

SAMPLE_REQUESTS = (
    ("Shirts", "in navy"),
    ("Tshirts", "with long sleeves"),
    ("Dresses", "in black"),
    ("Tops", "striped"),
    ("Casual Shoes", "more formal"),
    ("Jeans", "cheaper"),
)
RESULTS_PER_SIDE = 5


@dataclass(frozen=True)
class Comparison:
    reference: Product
    text: str
    candidate: list[Product]
    active: list[Product]

    @property
    def shared(self) -> int:
        """How many products both versions show."""
        return len({p.pk for p in self.candidate} & {p.pk for p in self.active})


def sample_references() -> list[tuple[Product, str]]:
    """The fixed sample requests whose article type the catalog has: (reference, text)."""
    samples = []
    for article_type, text in SAMPLE_REQUESTS:
        products = Product.objects.filter(is_active=True, article_type=article_type).order_by("pk")
        reference = products.filter(split=Split.VAL).first() or products.first()
        if reference is not None:
            samples.append((reference, text))
    return samples


def _answer(version: ModelVersion, reference: Product, text: str) -> list[Product]:
    ask = services.RecommendationRequest.checked(
        reference=reference, text=text, limit=RESULTS_PER_SIDE, exclude_purchased=False, version=version
    )
    recommendation = services.recommend(ask)
    return [product for product, _ in recommendation.results]


def compare(candidate: ModelVersion, active: ModelVersion) -> list[Comparison]:
    """Both versions' answers to every sample request (a sample a version cannot answer, e.g.
    a product without a vector, is left out)."""
    comparisons = []
    for reference, text in sample_references():
        try:
            sides = _answer(candidate, reference, text), _answer(active, reference, text)
        except services.RecommendationError:
            continue
        comparisons.append(Comparison(reference, text, *sides))
    return comparisons


def can_review(version: ModelVersion) -> bool:
    """A version with vectors that does not serve: ready (waiting for review) or retired."""
    return version.status in (ModelVersion.Status.READY, ModelVersion.Status.RETIRED)
