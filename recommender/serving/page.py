"""The shopper's "Like this, but …" page: its parameters, the chips of an answer, the box.

One request of the page (and of its fragment for instant results) is a query string:
``reference``, ``text``, ``relax`` (repeated: category fields not to keep), the filter chips
(``max_price``, ``size`` — in stock —, ``gender``, ``age_group``, and the catalog's other
filters), ``sort``, and the trail (``step``, see recommender.serving.trail). Everything here turns that
query string into a call of ``services.recommend`` and back into links, so every chip and filter
works as a plain link or form without JavaScript.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from recommender.serving import services, trail
from recommender.serving.understanding import CATEGORY_FIELDS
from shop.models import AgeGroup, Gender, Product
from shop.selectors import ProductFilters, Sort, parse_product_filters, parse_sort

PRICE_CHOICES = (500, 1000, 2000, 5000)  # the "up to ₹…" filter chip
# Category chips that go together: the catalog's age groups name the gender ("Adults-Men"),
# so not keeping the gender means not keeping the age group either.
RELAXES = {"article_type": ("article_type",), "gender": ("gender", "age_group"), "age_group": ("age_group",)}
# Words that join clauses: removing a chip's words removes the joining word before them too;
# joining words and articles left at the end (and "and"/"but" at the start) go as well.
JOINERS = frozenset({"in", "with", "and", "but", "of", "or", "to", "as", "for", ",", "&"})
TRAILING = JOINERS | {"a", "an", "the"}
LEADING_JOINERS = frozenset({"and", "but", "or", ",", "&"})  # meaningless at the start of a request
FILTER_LABELS = {
    "gender": "{}",
    "age_group": "{}",
    "article_type": "type: {}",
    "colour": "colour: {}",
    "min_price": "from ₹{:,}",
    "max_price": "up to ₹{:,}",
    "size": "size {} in stock",
}


@dataclass(frozen=True)
class PageRequest:
    reference: Product | None = None
    text: str = ""
    relax: tuple[str, ...] = ()
    filters: ProductFilters = field(default_factory=ProductFilters)
    sort: Sort = Sort.RELEVANCE
    steps: tuple[trail.Step, ...] = ()

    def params(self) -> list[tuple[str, str]]:
        """This request as URL parameters (the inverse of parse_request)."""
        params: list[tuple[str, str]] = []
        if self.reference is not None:
            params.append(("reference", str(self.reference.pk)))
        params.append(("text", self.text))
        params += [("relax", name) for name in self.relax]
        params += list(self.filters.as_query_params().items())
        if self.sort != Sort.RELEVANCE:
            params.append(("sort", self.sort.value))
        return params + trail.step_params(list(self.steps))

    def url(self, **changes) -> str:
        """The results page of this request with `changes` (PageRequest fields) applied."""
        return f"{reverse('recommender:results')}?{urlencode(replace(self, **changes).params())}"

    def asked_by(self, user) -> services.RecommendationRequest:
        """This page's request as the service answers it (already checked by parse_request)."""
        return services.RecommendationRequest(
            reference=self.reference, text=self.text, filters=self.filters, relax=self.relax, user=user
        )

    def next_steps(self) -> list[trail.Step]:
        """The trail a result of this request carries to its product page."""
        if self.reference is None:
            return list(self.steps)
        return [*self.steps, trail.Step(self.reference.pk, self.text)]


@dataclass(frozen=True)
class Chip:
    label: str
    kind: str  # "text" (from the words), "guess" (an unknown word read by meaning), "category" (kept
    # from the reference), "filter"
    remove_url: str
    hard: bool = True


def parse_request(params: QueryDict | Mapping) -> PageRequest:
    """The page's query string, validated; raises RecommendationError or FilterError (a 400)."""
    filters = parse_product_filters(params)
    if filters.size and not filters.in_stock:
        filters = replace(filters, in_stock=True)  # the size chip means "this size, in stock"
    checked = services.RecommendationRequest.checked(
        reference=(params.get("reference") or "").strip() or None,
        text=params.get("text") or "",
        relax=[name for name in CATEGORY_FIELDS if name in _getlist(params, "relax")],
        filters=filters,
    )
    return PageRequest(
        reference=checked.reference,
        text=checked.text,
        relax=checked.relax,
        filters=filters,
        sort=parse_sort(params.get("sort")),
        steps=tuple(trail.parse_steps(_getlist(params, trail.PARAM))),
    )


def _getlist(params: QueryDict | Mapping, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    return [value] if isinstance(value, str) else []


def _tokens(text: str) -> list[str]:
    return text.replace(",", " , ").split()


def _span(tokens: list[str], words: list[str]) -> tuple[int, int] | None:
    """Where `words` stand together in `tokens` (any case): (start, end), or None."""
    lowered, wanted = [t.lower() for t in tokens], [w.lower() for w in words]
    for start in range(len(tokens) - len(words) + 1):
        if wanted and lowered[start : start + len(wanted)] == wanted:
            return start, start + len(wanted)
    return None


def _cut(tokens: list[str], start: int, end: int) -> list[str]:
    """Tokens without [start, end), and without the joining word just before it ("in" navy)."""
    if start > 0 and tokens[start - 1].lower() in JOINERS:
        start -= 1
    return tokens[:start] + tokens[end:]


def text_without(text: str, words: str) -> str:
    """`text` without `words` (a constraint's from_text) and the joining word that led to them:
    "in navy with short sleeves" without "short sleeves" is "in navy", without "navy" it is
    "with short sleeves"."""
    tokens, wanted = _tokens(text), _tokens(words)
    span = _span(tokens, wanted)
    if span is not None:
        tokens = _cut(tokens, *span)
    else:  # the words were not together: take each out once
        for word in wanted:
            single = _span(tokens, [word])
            if single is not None:
                tokens = _cut(tokens, *single)
    while tokens and tokens[0].lower() in LEADING_JOINERS:
        tokens.pop(0)
    while tokens and tokens[-1].lower() in TRAILING:
        tokens.pop()
    return " ".join(tokens).replace(" ,", ",")


def chips(request: PageRequest, recommendation: services.Recommendation) -> list[Chip]:
    """What the answer was read as, each chip with the link that asks again without it."""
    result = []
    for constraint in recommendation.interpretation.constraints:
        if constraint.from_text:
            remove = request.url(text=text_without(request.text, constraint.from_text))
            kind = "text"
        else:
            relax = tuple(sorted({*request.relax, *RELAXES.get(constraint.field, (constraint.field,))}))
            remove = request.url(relax=tuple(n for n in CATEGORY_FIELDS if n in relax))
            kind = "category"
        label = constraint.label
        companion = recommendation.interpretation.companion
        if constraint.field == "article_type" and constraint.op == "in" and companion:
            label = f"to go with it: {label}"
        if constraint.guessed:  # read by meaning, not from the lexicon: the shopper may disagree
            label, kind = f"reading ‘{constraint.guessed}’ as {label}", "guess"
        if any(chip.label == label for chip in result):
            continue  # "not pink" and "less pink" read the same to a shopper: one chip
        result.append(Chip(label, kind, remove, constraint.hard))
    for name in FILTER_LABELS:
        value = getattr(request.filters, name)
        if value is None:
            continue
        cleared = {name: None, **({"in_stock": False} if name == "size" else {})}
        label = FILTER_LABELS[name].format(_whole(value) if isinstance(value, Decimal) else value)
        result.append(Chip(label, "filter", request.url(filters=replace(request.filters, **cleared))))
    return result


def _whole(amount: Decimal) -> Decimal | int:
    return int(amount) if amount == amount.to_integral_value() else amount


def sort_results(results: list[tuple[Product, float]], sort: Sort) -> list[tuple[Product, float]]:
    """The answer in the shopper's order (relevance: as the search ranked it)."""
    if sort == Sort.PRICE:
        return sorted(results, key=lambda r: (r[0].selling_price, r[0].pk))
    if sort == Sort.PRICE_DESC:
        return sorted(results, key=lambda r: (-r[0].selling_price, r[0].pk))
    if sort == Sort.NEWEST:
        return sorted(results, key=lambda r: (r[0].created_at, r[0].pk), reverse=True)
    return results


def signature(*parts: object) -> str:
    """A short fingerprint of what an answer shows: the box's script redraws only on change."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def box_options(reference: Product | None, request: PageRequest | None = None) -> dict:
    """What the box's filter chips and sort offer."""
    sizes = [s.label for s in reference.sizes.all()] if reference is not None else []
    chosen = request.filters.size if request is not None else None
    if chosen and chosen not in sizes:
        sizes.append(chosen)
    return {
        "prices": [Decimal(p) for p in PRICE_CHOICES],
        "sizes": sizes,
        "genders": list(Gender.values),
        "age_groups": list(AgeGroup.values),
        "sorts": Sort.choices,
    }
