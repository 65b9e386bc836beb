"""Review before activation: a candidate version and the active one, side by side, on a fixed
set of sample requests, so staff see what shoppers would get before it serves them.

The samples are fixed (an article type and a request each); the reference of each is the same
product every time: the lowest-id active product of that type in the val split (any split when
the type has none there). Both versions answer through the shoppers' query path
(``services.recommend``), so what staff see is what shoppers would get.

Each sample says what changed (products new in the candidate's answer, dropped from the serving
one's, moved up or down) and is flagged when the candidate's answer got worse: fewer of its
products meet what the request asked for as the store read it ("in navy": navy products) than
of the serving version's, or it has fewer products at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.models import ModelVersion
from recommender.serving import services, understanding
from shop.models import Product, Split
from shop.selectors import active_products

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
class Placed:
    """A product of one side's answer and what became of it: `moved` > 0 is up that many places
    in the candidate's answer; `new` (candidate side) or `dropped` (serving side)."""

    product: Product
    new: bool = False
    dropped: bool = False
    moved: int = 0


@dataclass(frozen=True)
class Comparison:
    reference: Product
    text: str
    candidate: list[Product]
    active: list[Product]
    candidate_matches: int | None = None  # products meeting what the request asked for (None: nothing read)
    active_matches: int | None = None

    @property
    def shared(self) -> int:
        """How many products both versions show."""
        return len({p.pk for p in self.candidate} & {p.pk for p in self.active})

    def _ranks(self, products: list[Product]) -> dict[int, int]:
        return {p.pk: rank for rank, p in enumerate(products)}

    @property
    def candidate_placed(self) -> list[Placed]:
        before = self._ranks(self.active)
        return [
            Placed(p, new=p.pk not in before, moved=before[p.pk] - rank if p.pk in before else 0)
            for rank, p in enumerate(self.candidate)
        ]

    @property
    def active_placed(self) -> list[Placed]:
        after = self._ranks(self.candidate)
        return [Placed(p, dropped=p.pk not in after) for p in self.active]

    @property
    def new(self) -> list[Product]:
        return [placed.product for placed in self.candidate_placed if placed.new]

    @property
    def dropped(self) -> list[Product]:
        return [placed.product for placed in self.active_placed if placed.dropped]

    @property
    def moved(self) -> int:
        return sum(1 for placed in self.candidate_placed if placed.moved)

    @property
    def worse(self) -> bool:
        """The candidate's answer meets the request less well, or is shorter."""
        if len(self.candidate) < len(self.active):
            return True
        return None not in (self.candidate_matches, self.active_matches) and (
            self.candidate_matches < self.active_matches
        )


def sample_references() -> list[tuple[Product, str]]:
    """The fixed sample requests whose article type the catalog has: (reference, text)."""
    samples = []
    for article_type, text in SAMPLE_REQUESTS:
        products = Product.objects.filter(is_active=True, article_type=article_type).order_by("pk")
        reference = products.filter(split=Split.VAL).first() or products.first()
        if reference is not None:
            samples.append((reference, text))
    return samples


def _answer(version: ModelVersion, reference: Product, text: str) -> services.Recommendation:
    ask = services.RecommendationRequest.checked(
        reference=reference, text=text, limit=RESULTS_PER_SIDE, exclude_purchased=False, version=version
    )
    return services.recommend(ask)


def matching(recommendation: services.Recommendation) -> int | None:
    """How many of the answer's products meet every condition and wish the request's words were
    read as (None when nothing was read from them: no yardstick)."""
    asked = [c for c in recommendation.interpretation.constraints if c.from_text]
    if not asked:
        return None
    products = active_products().filter(pk__in=[p.pk for p, _ in recommendation.results])  # with its price
    for constraint in asked:
        products = products.filter(understanding.condition(constraint))
    return products.count()


def compare(candidate: ModelVersion, active: ModelVersion) -> list[Comparison]:
    """Both versions' answers to every sample request (a sample a version cannot answer, e.g.
    a product without a vector, is left out)."""
    comparisons = []
    for reference, text in sample_references():
        try:
            new, old = _answer(candidate, reference, text), _answer(active, reference, text)
        except services.RecommendationError:
            continue
        products = [[p for p, _ in side.results] for side in (new, old)]
        comparisons.append(Comparison(reference, text, *products, matching(new), matching(old)))
    return comparisons


def can_review(version: ModelVersion) -> bool:
    """A version with vectors that does not serve: ready (waiting for review) or retired."""
    return version.status in (ModelVersion.Status.READY, ModelVersion.Status.RETIRED)
