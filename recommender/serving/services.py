"""'Like this, but …': the one query path behind the shopper's page, the REST API, the staff's
review and the evaluation command.

One request = the active version and the reference's stored vector; the text read twice: by
``language`` for what it states (conditions: category kept unless changed, price, brand,
negations; wishes: colour, pattern, sleeves, …), and by the learned model, which composes what
is left of it with the reference vector (``ml.inference``, encoded once per process per text);
then ONE SQL query: the conditions, the shopper's filters and exclusions as WHERE, ordered by
pgvector cosine distance, the nearest re-ranked by the wishes they meet
(``recommender.serving.vectors.nearest``). The answer says what was understood.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import QuerySet, Value

from language import Constraint, Interpretation
from ml.inference import composed_query, normalise_text
from recommender.models import ModelVersion, ProductEmbedding
from recommender.serving import runtime, understanding, vectors
from shop.models import Product
from shop.params import is_id
from shop.selectors import ProductFilters, filter_products, last_purchased_product, purchased_product_ids

MAX_TEXT_LENGTH = 500
MAX_LIMIT = 100


class RecommendationError(ValueError):
    """A request that cannot be answered; the message is safe to show. ``status_code`` is the
    HTTP status every view answers it with (the one place errors map to responses)."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field  # the request's part it is about (the API names it in "detail")


class NoActiveModel(RecommendationError):
    """No model version is active yet (the first training is still running)."""

    status_code = 503


@dataclass(frozen=True)
class SearchScope:
    """Where a search looks. Shoppers: every product, through the HNSW index. The evaluation
    narrows it to one split's products, or asks for exact search (see recommender.lifecycle.evaluation)."""

    within: QuerySet[Product] | None = None
    exact: bool = False


SHOPPERS = SearchScope()


@dataclass(frozen=True)
class RecommendationRequest:
    """One "like this, but …" request, checked once. The REST API, the shopper's page, the staff's
    review and ``evaluate_retrieval`` build it with ``checked()``; ``recommend()`` answers it.

    `reference`: the product the request starts from; None means the shopper's last purchase.
    `text` is already cleaned (``clean_text``), `relax` names category fields not to keep, and
    `version` is a model version other than the active one (staff reviewing a candidate)."""

    reference: Product | None
    text: str = ""
    filters: ProductFilters = field(default_factory=ProductFilters)
    relax: tuple[str, ...] = ()
    limit: int = 20
    user: AbstractBaseUser | AnonymousUser | None = None
    exclude_purchased: bool = True
    scope: SearchScope = SHOPPERS
    version: ModelVersion | None = None

    @classmethod
    def checked(
        cls, *, reference: Product | int | None = None, text: str | None = "", limit: int = 20,
        relax: Iterable[str] = (), **rest,
    ) -> RecommendationRequest:
        """The request with its text cleaned, its reference loaded (an id: the active product)
        and its limit and relax checked; raises RecommendationError (a 400) otherwise."""
        if not 1 <= limit <= MAX_LIMIT:
            raise RecommendationError(f"limit must be between 1 and {MAX_LIMIT}.", "limit")
        relax = tuple(relax)
        unknown = set(relax) - set(understanding.CATEGORY_FIELDS)
        if unknown:
            raise RecommendationError(
                f"relax takes {', '.join(understanding.CATEGORY_FIELDS)}, not {', '.join(sorted(unknown))}.",
                "relax",
            )
        if reference is not None and not isinstance(reference, Product):
            reference = load_reference(reference)
        return cls(reference=reference, text=clean_text(text), limit=limit, relax=relax, **rest)


def load_reference(product_id: object) -> Product:
    """The active product a request starts from (an id as a number or its digits)."""
    if isinstance(product_id, str) and is_id(product_id.strip()):
        product_id = int(product_id.strip())
    if isinstance(product_id, bool) or not isinstance(product_id, int) or not is_id(str(product_id)):
        raise RecommendationError("That product does not exist.", "reference")
    product = Product.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        raise RecommendationError(f"Product {product_id} does not exist.", "reference")
    return product


@dataclass
class Recommendation:
    reference: Product
    text: str
    model_version: ModelVersion
    interpretation: Interpretation
    results: list[tuple[Product, float]] = field(default_factory=list)  # (product, cosine similarity)
    reference_is_last_purchase: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per step (Server-Timing)


class Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """The time since the last lap, added to `name`'s."""
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self._last) * 1000.0
        self._last = now


def clean_text(text: str | None) -> str:
    """The request text as the model reads it; too long a text is refused."""
    text = normalise_text(text)
    if len(text) > MAX_TEXT_LENGTH:
        raise RecommendationError(f"The text must be at most {MAX_TEXT_LENGTH} characters.", "text")
    return text


def active_version(using: str = DEFAULT_DB_ALIAS, vector_of: Product | None = None) -> ModelVersion:
    """The active version as the database `using` sees it (a replica: as far as it has replayed);
    with `vector_of`, that product's stored vector under it read in the same query (the
    version's `stored_vector`, None when it has none)."""
    versions = ModelVersion.objects.using(using).filter(status=ModelVersion.Status.ACTIVE)
    if vector_of is not None:
        versions = vectors.with_stored_vector(versions, vector_of)
    version = versions.first()
    if version is None:
        raise NoActiveModel(
            "Recommendations are not available yet: no model has been trained and activated. "
            "Please try again in a few minutes."
        )
    return version


def serving_version_and_vector(
    version: ModelVersion | None = None, reference: Product | None = None
) -> tuple[ModelVersion, str, np.ndarray | None]:
    """The version a request is answered with and the database that answers it.

    Shoppers read where the router sends vector reads (a replica when there are some), and the
    active version is read *there*: a replica replays the primary's WAL in order, so it shows a
    newly activated version only after that version's vectors and index, and until then keeps
    answering with the previous one. Should that database lack the version's index all the same,
    the request falls back to the primary. A version given explicitly (staff reviewing a
    candidate) is read on the primary, where it was just written.

    With a `reference`, its stored vector under that version is read in the same round trip
    (None without a reference).
    """
    if version is not None:
        vector = reference_vector(version, reference) if reference is not None else None
        return version, DEFAULT_DB_ALIAS, vector
    using = router.db_for_read(ProductEmbedding)
    version = active_version(using, vector_of=reference)
    if using != DEFAULT_DB_ALIAS and not vectors.index_exists(version, using):
        using = DEFAULT_DB_ALIAS
        version = active_version(using, vector_of=reference)
    if reference is None:
        return version, using, None
    if version.stored_vector is None:
        raise _no_vector(reference)
    return version, using, np.asarray(version.stored_vector, dtype=np.float32)


def _no_vector(product: Product) -> RecommendationError:
    return RecommendationError(f"Product {product.pk} has no vector yet; try again in a minute.")


def reference_vector(version: ModelVersion, product: Product, using: str = DEFAULT_DB_ALIAS) -> np.ndarray:
    vector = vectors.stored_vector(version, product, using=using)
    if vector is None:
        raise _no_vector(product)
    return vector


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
    filters: ProductFilters,
    *,
    exclude_ids: tuple[int, ...] = (),
    exclude_purchased_by: AbstractBaseUser | None = None,
    within: QuerySet[Product] | None = None,
) -> QuerySet[Product]:
    """Products that may be recommended: filters and exclusions (cancelled orders don't count)."""
    # Results are shown as cards: the long text columns stay in the database.
    qs = filter_products(filters).defer("description", "attributes", "search_vector")
    if exclude_ids:
        qs = qs.exclude(pk__in=exclude_ids)
    if exclude_purchased_by is not None:
        # The shopper's own orders are read on the primary (a replica may not have the last one).
        bought = purchased_product_ids(exclude_purchased_by).using(DEFAULT_DB_ALIAS)
        qs = qs.exclude(pk__in=list(bought.values_list("product_id", flat=True)))
    if within is not None:
        qs = qs.filter(pk__in=within.values("pk"))
    return qs


def overridden_category(filters: ProductFilters) -> set[str]:
    """Category fields the shopper's explicit filters decide (their implied 'keep' goes)."""
    fields = {"gender", "age_group"} if filters.gender else set()
    fields |= {"age_group"} if filters.age_group else set()
    return fields | ({"article_type"} if filters.article_type else set())


def recommend(request: RecommendationRequest) -> Recommendation:
    """Products like the request's reference (or the shopper's last purchase) changed as its
    text asks. Its `relax` drops the implied "same category" conditions it names (article_type,
    gender, age_group); text the store does not understand at all gives "more like this"; when
    the request's own conditions leave fewer than `limit` products, they are relaxed one by one
    and the answer says which (`Interpretation.relaxed`), never an empty page without a word."""
    clock = Stopwatch()
    text, filters, limit = request.text, request.filters, request.limit
    product, is_last_purchase = resolve_reference(request.reference, request.user)
    clock.lap("lookup")
    relax = set(request.relax) | overridden_category(filters)
    # The rules' reading first: its wishes start encoding while the version is read, and the
    # version's learned reader (which decides what is wanted, avoided or only mentioned) rarely
    # changes them; when it does, the changed text is encoded instead.
    first_reading = understanding.understand(text, product, relax=relax)
    encoding = runtime.encode_soon(model_text(first_reading))
    version, using, ref = serving_version_and_vector(request.version, product)
    judge, guesser = runtime.load_reader(version.checkpoint_path)
    clock.lap("lookup")
    interpretation = first_reading
    if judge is not None or guesser is not None:
        interpretation = understanding.understand(text, product, relax=relax, judge=judge, guesser=guesser)
        if model_text(interpretation) != model_text(first_reading):
            encoding = runtime.encode_soon(model_text(interpretation))
    clock.lap("understand")
    model = runtime.load_model(version.checkpoint_path)
    user = request.user
    shopper = user if (request.exclude_purchased and user is not None and user.is_authenticated) else None
    candidates = candidate_products(
        filters, exclude_ids=(product.pk,), exclude_purchased_by=shopper, within=request.scope.within
    ).using(using)
    clock.lap("lookup")
    features = encoding.result() if encoding else None
    query = composed_query(model, ref, model_text(interpretation), features)
    clock.lap("encode")  # what the text's encoding took beyond the work above, and composing
    search = Search(candidates, version, product, query, limit, request.scope.exact, filters)
    results, interpretation = search.relaxing(interpretation)
    clock.lap("search")
    return Recommendation(
        reference=product,
        text=text,
        model_version=version,
        interpretation=interpretation,
        results=results,
        timings=clock.laps,
        reference_is_last_purchase=is_last_purchase,
    )


def model_text(interpretation: Interpretation) -> str:
    """What the learned model reads of a request: its wishes ("" when nothing was understood)."""
    return interpretation.wish_text if interpretation.understood else ""


# Which of a request's own conditions go first when together they leave too few products: the
# price before the brand, sizes and kinds of product; what the shopper rejects ("not black") last.
RELAX_FIRST = ("price", "discount", "size", "brand", "season", "usage", "base_colour")


@dataclass(frozen=True)
class Search:
    """One request's search: its candidates and query vector, asked again with fewer conditions
    when its own leave fewer than `limit` products. `filters`: the shopper's (the candidates meet
    them); with the category the text asks for or keeps they say how a large version searches."""

    candidates: QuerySet[Product]
    version: ModelVersion
    reference: Product
    query: np.ndarray
    limit: int
    exact: bool = False
    filters: ProductFilters = field(default_factory=ProductFilters)

    def plan(self, interpretation: Interpretation) -> vectors.SearchPlan:
        """The one SQL query of the request as `interpretation` reads it (vectors.nearest): its
        conditions on the candidates, ordered by the wishes met, then by distance to the query,
        products sharing the reference's other attributes brought closer."""
        constraints = interpretation.constraints
        kept = understanding.kept_attributes(self.reference, interpretation)
        # The category every candidate has (the shopper's filters, what the text asks for: "for
        # women", "as sandals", or what it keeps of the reference's) decides how a large version
        # searches: the graph of that pair, type or gender (vectors.choose_graph). Walking the
        # version's graph instead, a pair of 1-5% of a 1M catalog took 80-130 ms (docs/SCALING.md).
        gender = self.filters.gender or understanding.single_value(constraints, "gender")
        article_type = understanding.single_article_type(constraints, self.filters.article_type)
        reference = self.reference
        inside = gender in (None, reference.gender) and article_type in (None, reference.article_type)
        return vectors.SearchPlan(
            candidates=self.candidates.filter(understanding.hard_conditions(constraints)),
            version=self.version,
            query=self.query,
            limit=self.limit,
            exact=self.exact,
            rank_first=understanding.wish_score(constraints) or Value(0),
            look_first=understanding.all_wishes(constraints),
            closer=understanding.match_count(kept) or Value(0),
            closer_weight=understanding.KEEP_WEIGHT,
            gender=gender,
            article_type=article_type,
            query_inside=inside,
        )

    def run(self, interpretation: Interpretation) -> list[tuple[Product, float]]:
        """The answer to the request as `interpretation` reads it (and an exact search after
        it when a large version's walk meets too few products: vectors.nearest)."""
        return vectors.nearest(self.plan(interpretation))

    def relaxing(self, interpretation: Interpretation) -> tuple[list[tuple[Product, float]], Interpretation]:
        """The answer, and the interpretation with what had to be relaxed for it. Only the text's
        own hard conditions are relaxed (never the shopper's filters or the category kept from the
        reference), each as a note {label, reason}; the products meeting every condition come first."""
        found = self.run(interpretation)
        notes = list(interpretation.relaxed)
        kept = list(interpretation.constraints)
        for constraint in relaxable(interpretation.constraints):
            if len(found) >= self.limit:
                break
            kept.remove(constraint)
            seen = {p.pk for p, _ in found}
            fewer = replace(interpretation, constraints=tuple(kept))
            more = [r for r in self.run(fewer) if r[0].pk not in seen]
            notes.append((constraint.label, relaxed_reason(constraint, len(found), more)))
            found += more[: self.limit - len(found)]
        return found, replace(interpretation, relaxed=tuple(notes))


def relaxable(constraints: Sequence[Constraint]) -> list[Constraint]:
    """The request's own hard conditions in the order they are relaxed (RELAX_FIRST, then the
    other fields; rejections last). When the words change the product type ("a backpack" on a
    handbag), the reference's gender and age group kept with it go before the new type: a unisex
    backpack answers better than another handbag."""
    own = [c for c in constraints if c.hard and c.from_text]
    order = {name: i for i, name in enumerate(RELAX_FIRST)}
    own.sort(key=lambda c: (c.op == "not_in", order.get(c.field, len(order))))
    new_type = next((i for i, c in enumerate(own) if c.field == "article_type" and c.op == "in"), None)
    if new_type is None:
        return own
    kept = [c for c in constraints if c.hard and not c.from_text and c.field in ("gender", "age_group")]
    return own[:new_type] + kept + own[new_type:]


def relaxed_reason(constraint: Constraint, matching: int, shown: list[tuple[Product, float]]) -> str:
    """Why a condition was relaxed, in the shopper's words: "nothing under ₹50; showing from ₹199"."""
    found = "nothing matches it" if not matching else f"only {matching} match"
    if constraint.field == "price" and shown and constraint.op in ("lt", "lte"):
        return f"{found}; showing from ₹{min(p.selling_price for p, _ in shown):,.0f}"
    if constraint.field == "price" and shown:
        return f"{found}; showing up to ₹{max(p.selling_price for p, _ in shown):,.0f}"
    return f"{found}; showing the nearest others too" if matching else f"{found}; showing the nearest"
