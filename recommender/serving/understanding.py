"""The store's side of reading a request: the catalog's vocabulary, and what ``language``
understood turned into SQL.

The vocabulary (colours, brands, types, seasons, usages, attribute values) comes from the store's
own active products, built once per process and rebuilt when the catalog changes (checked at most
every VOCABULARY_CHECK_SECONDS). Hard constraints (category, price, brand, negations) become WHERE
conditions; wishes (colour, pattern, sleeves, …) become a score that ranks the products the
vector search found (``recommender.serving.vectors.nearest``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.conf import settings
from django.db.models import Case, Exists, F, IntegerField, Max, OuterRef, Q, Value, When
from django.db.models.expressions import Combinable

from config.caches import CACHES
from language import Constraint, Interpretation, PolarityJudge, Vocabulary, WordGuesser, interpret
from shop.models import Product, ProductSize

VOCABULARY_CHECK_SECONDS = 60.0
# Product columns a constraint may name; anything else is a key of Product.attributes.
COLUMNS = ("article_type", "gender", "age_group", "base_colour", "brand", "season", "usage")
# Implied "keep the reference's category" constraints a request may relax (chips, API `relax`).
CATEGORY_FIELDS = ("article_type", "gender", "age_group")
UNKNOWN_VALUES = ("", "NA")  # how the catalog says it does not know a column's value
RECORD_FIELDS = (
    "id", "article_type", "sub_category", "master_category", "gender", "age_group", "base_colour", "brand",
    "season", "usage", "price", "discounted_price", "attributes",
)  # fmt: skip

_lock = threading.Lock()
_cache: dict[str, object] = CACHES.store("understanding.vocabulary")  # vocabulary, stamp, checked


def product_record(product: Product) -> dict:
    """A product as the plain dict ``language`` reads (the catalog's keys)."""
    return {name: getattr(product, name) for name in RECORD_FIELDS}


def _catalog_stamp() -> tuple:
    active = Product.objects.filter(is_active=True)
    return active.count(), active.aggregate(latest=Max("updated_at"))["latest"]


def catalog_vocabulary() -> Vocabulary:
    """The vocabulary of the store's active products (built once, rebuilt after catalog changes)."""
    with _lock:
        now = time.monotonic()
        if _cache.get("vocabulary") is not None and now - _cache["checked"] < VOCABULARY_CHECK_SECONDS:
            return _cache["vocabulary"]
        stamp = _catalog_stamp()
        if _cache.get("vocabulary") is None or stamp != _cache.get("stamp"):
            _cache["vocabulary"] = Vocabulary.from_records(_vocabulary_records())
            _cache["stamp"] = stamp
        _cache["checked"] = now
        return _cache["vocabulary"]


def _vocabulary_records() -> list[dict]:
    """The active products as the vocabulary reads them, each with the size labels it comes in."""
    sizes: dict[int, list[str]] = {}
    labels = ProductSize.objects.filter(product__is_active=True).values_list("product_id", "label")
    for product_id, label in labels:
        sizes.setdefault(product_id, []).append(label)
    records = list(Product.objects.filter(is_active=True).values(*RECORD_FIELDS).iterator(chunk_size=2000))
    for record in records:
        record["sizes"] = sizes.get(record["id"], [])
    return records


def understand(
    text: str, reference: Product, relax: Iterable[str] = (), judge: PolarityJudge | None = None,
    guesser: WordGuesser | None = None,
) -> Interpretation:
    """What `text` asks of products like `reference`; implied category constraints whose field
    is in `relax` are dropped (the shopper removed that chip, or filters say otherwise). `judge`
    and `guesser`: the version's learned reading (None: the rules alone)."""
    vocabulary, rates = catalog_vocabulary(), settings.CURRENCY_RATES
    interpretation = interpret(
        text, product_record(reference), vocabulary, judge=judge, currency_rates=rates, guesser=guesser
    )
    relax = set(relax)
    if not relax:
        return interpretation
    kept = tuple(c for c in interpretation.constraints if c.from_text or c.field not in relax)
    return replace(interpretation, constraints=kept)


def _matches(constraint: Constraint) -> Q:
    """Products whose field holds one of the constraint's values."""
    lookup = constraint.field if constraint.field in COLUMNS else f"attributes__{constraint.field}"
    return Q(**{f"{lookup}__in": list(constraint.value)})


def _lacks(constraint: Constraint) -> Q:
    """Products whose field is known and holds none of the values: "not black" leaves out a
    product whose colour the catalog does not record, as it may well be black."""
    if constraint.field in COLUMNS:
        return ~_matches(constraint) & ~Q(**{f"{constraint.field}__in": UNKNOWN_VALUES})
    return Q(**{f"attributes__{constraint.field}__isnull": False}) & ~_matches(constraint)


def condition(constraint: Constraint) -> Q:
    """The WHERE condition of one constraint (price compares what the shopper pays; a size
    means that size in stock)."""
    if constraint.field == "size":
        labels = list(constraint.value)
        return Q(Exists(ProductSize.objects.filter(product=OuterRef("pk"), label__in=labels, stock__gt=0)))
    if constraint.field == "price":
        return Q(**{f"selling_price_value__{constraint.op}": constraint.value})
    if constraint.field == "discount":
        share_paid = 1 - float(constraint.value) / 100.0
        return Q(discounted_price__isnull=False, discounted_price__lt=F("price") * share_paid)
    return _matches(constraint) if constraint.op == "in" else _lacks(constraint)


def hard_conditions(constraints: Sequence[Constraint]) -> Q:
    q = Q()
    for constraint in constraints:
        if constraint.hard:
            q &= condition(constraint)
    return q


def single_value(constraints: Sequence[Constraint], field: str) -> str | None:
    """The one value the request's hard conditions require of `field` (None: none, or a choice)."""
    named = [c.value for c in constraints if c.hard and c.field == field and c.op == "in"]
    return named[0][0] if len(named) == 1 and len(named[0]) == 1 else None


def single_article_type(constraints: Sequence[Constraint], filtered: str | None = None) -> str | None:
    """The one article type every candidate has, as the catalog spells it: the shopper's filter
    (matched in any case), else the request's hard condition when it names one type; else None."""
    if filtered:
        spellings = {t.lower(): t for t in catalog_vocabulary().fields.get("article_type", ())}
        return spellings.get(filtered.lower())
    return single_value(constraints, "article_type")


def all_wishes(constraints: Sequence[Constraint]) -> Q | None:
    """Products meeting every wish (None when there are none): what the search looks for first."""
    wishes = [condition(c) for c in constraints if not c.hard]
    if not wishes:
        return None
    q = Q()
    for wish in wishes:
        q &= wish
    return q


# "Like this": what a product shares with the reference, among what the request leaves alone,
# breaks near-ties in distance (a plain white shirt "in navy": plain navy before checked navy).
KEEP_FIELDS = ("base_colour", "Pattern", "Sleeve Length", "Neck", "Fit", "usage")
KEEP_WEIGHT = 0.08  # cosine distance one kept attribute is worth (chosen on the val sets)


def kept_attributes(reference: Product, interpretation: Interpretation) -> list[Constraint]:
    """The reference's values of KEEP_FIELDS the request does not ask about, as soft constraints
    (none for a companion item: trousers "to go with" a shirt share none of its looks)."""
    if interpretation.companion:
        return []
    asked = {c.field for c in interpretation.constraints if c.from_text}
    kept = []
    for name in KEEP_FIELDS:
        value = getattr(reference, name) if name in COLUMNS else (reference.attributes or {}).get(name)
        if value and value not in UNKNOWN_VALUES and name not in asked:
            kept.append(Constraint(name, "in", (value,), "", False))
    return kept


def named_colours(constraint: Constraint) -> tuple[str, ...]:
    """The colours of a colour wish the shopper named as such ("blue" of blue, navy, teal, …)."""
    if constraint.field != "base_colour" or constraint.op != "in" or len(constraint.value) < 2:
        return ()
    words = f" {' '.join(constraint.from_text.lower().replace('-', ' ').split())} "
    return tuple(v for v in constraint.value if f" {v.lower()} " in words)


def _points(q: Q, points: int) -> Combinable:
    return Case(When(q, then=Value(points)), default=Value(0), output_field=IntegerField())


def _total(terms: list[Combinable]) -> Combinable | None:
    """The SQL sum of the terms (None for none)."""
    if not terms:
        return None
    score = terms[0]
    for term in terms[1:]:
        score = score + term
    return score


def match_count(constraints: Sequence[Constraint]) -> Combinable | None:
    """How many of the constraints a product meets (None when there are none)."""
    return _total([_points(condition(c), 1) for c in constraints])


def wish_score(constraints: Sequence[Constraint]) -> Combinable | None:
    """Points for the soft wishes a product meets (None when there are none): two per wish, and
    one more for the very colour a colour wish named ("blue": Blue before navy or teal)."""
    terms = []
    for c in constraints:
        if c.hard:
            continue
        terms.append(_points(condition(c), 2))
        named = named_colours(c)
        if named and len(named) < len(c.value):
            terms.append(_points(Q(base_colour__in=named), 1))
    return _total(terms)
