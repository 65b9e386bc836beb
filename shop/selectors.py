"""Read-side queries of the catalog and purchase history, shared by pages, the API and the recommender."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet, TextChoices
from django.db.models.functions import Coalesce

from shop import search
from shop.models import AgeGroup, Gender, Order, OrderLine, Product, ProductSize
from shop.params import ParamError, parse_bool, parse_decimal

MAX_QUERY_LENGTH = 200


class FilterError(ValueError):
    """Invalid filter values; ``errors`` maps each field to a message for the shopper or client."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    gender: str | None = None
    age_group: str | None = None  # an AgeGroup: "Adults" or "Kids"
    article_type: str | None = None
    colour: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    size: str | None = None
    in_stock: bool = False

    def as_query_params(self) -> dict[str, str]:
        """The non-empty filters as URL parameters (to keep them across pages)."""
        params = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, "", False):
                continue
            params[f.name] = "1" if value is True else str(value)
        return params


class _Text(forms.Field):
    """Optional text: a string, NUL-free, stripped, at most `max_length` characters (None when blank)."""

    def __init__(self, max_length: int = 60, choices: list[str] | None = None):
        super().__init__(required=False)
        self.max_length, self.allowed = max_length, choices

    def to_python(self, raw: object) -> str | None:
        if raw in (None, ""):
            return None
        if not isinstance(raw, str):
            raise forms.ValidationError("must be a string.")
        if "\x00" in raw:  # PostgreSQL rejects NUL bytes in text: refuse them here, not with a 500
            raise forms.ValidationError("contains characters that are not allowed.")
        value = raw.strip()
        if len(value) > self.max_length:
            raise forms.ValidationError(f"must be at most {self.max_length} characters.")
        if value and self.allowed is not None:  # one of them, matched case-insensitively
            by_lower = {c.lower(): c for c in self.allowed}
            if value.lower() not in by_lower:
                raise forms.ValidationError(f"must be one of {', '.join(self.allowed)}.")
            return by_lower[value.lower()]
        return value or None


class _Parsed(forms.Field):
    """An optional value read by one of shop.params' parsers (`default` when blank)."""

    def __init__(self, parser, default=None):
        super().__init__(required=False)
        self.parser, self.default = parser, default

    def to_python(self, raw: object):
        if raw in (None, ""):
            return self.default
        try:
            return self.parser(raw, "value")
        except ParamError as exc:
            raise forms.ValidationError(exc.message) from None


class ProductFilterForm(forms.Form):
    """The product filters of a query string or a JSON body. Values arrive as sent (a JSON body's
    numbers and lists too), so a wrong type is an error, never coerced."""

    q = _Text(MAX_QUERY_LENGTH)
    gender = _Text(choices=Gender.values)
    age_group = _Text(choices=AgeGroup.values)
    article_type = _Text()
    colour = _Text()
    min_price = _Parsed(parse_decimal)
    max_price = _Parsed(parse_decimal)
    size = _Text(20)
    in_stock = _Parsed(parse_bool, default=False)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "must not be below min_price.")
        return cleaned

    def message_by_field(self) -> dict[str, str]:
        return {name: str(messages[0]) for name, messages in self.errors.items()}

    def valid_filters(self) -> ProductFilters:
        """The filters of the fields that are valid (an invalid one is left out)."""
        self.is_valid()
        values = {k: v for k, v in self.cleaned_data.items() if v is not None and k not in self.errors}
        return ProductFilters(**{**values, "q": values.get("q") or ""})


def parse_product_filters(params: Mapping[str, object]) -> ProductFilters:
    """Validate raw filter values (query string or JSON); raise FilterError on bad input."""
    form = ProductFilterForm(data=params)
    if not form.is_valid():
        raise FilterError(form.message_by_field())
    return form.valid_filters()


def active_products() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).annotate(
        selling_price_value=Coalesce("discounted_price", "price")
    )


def filter_products(filters: ProductFilters, queryset: QuerySet[Product] | None = None) -> QuerySet[Product]:
    """Apply keyword search and filters; prices compare against what the shopper pays."""
    qs = active_products() if queryset is None else queryset
    if filters.q:
        qs = search.matching(qs, filters.q)
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.age_group:
        qs = qs.filter(age_group__istartswith=filters.age_group)
    if filters.article_type:
        qs = qs.filter(article_type__iexact=filters.article_type)
    if filters.colour:
        qs = qs.filter(base_colour__iexact=filters.colour)
    if filters.min_price is not None or filters.max_price is not None:
        if "selling_price_value" not in qs.query.annotations:
            qs = qs.annotate(selling_price_value=Coalesce("discounted_price", "price"))
        if filters.min_price is not None:
            qs = qs.filter(selling_price_value__gte=filters.min_price)
        if filters.max_price is not None:
            qs = qs.filter(selling_price_value__lte=filters.max_price)
    if filters.size or filters.in_stock:
        sizes = ProductSize.objects.filter(product=OuterRef("pk"))
        if filters.size:
            sizes = sizes.filter(label__iexact=filters.size)
        if filters.in_stock:
            sizes = sizes.filter(stock__gt=0)
        qs = qs.filter(Exists(sizes))
    return qs


class Sort(TextChoices):
    """How a list of products is ordered (catalog and recommendation results)."""

    RELEVANCE = "relevance", "Relevance"
    PRICE = "price", "Price: low to high"
    PRICE_DESC = "-price", "Price: high to low"
    NEWEST = "newest", "Newest"


def parse_sort(raw: object) -> Sort:
    """A sort order from a query string; anything unknown is relevance (like an unknown parameter)."""
    return Sort(raw) if isinstance(raw, str) and raw in Sort.values else Sort.RELEVANCE


def sort_products(products: QuerySet[Product], sort: Sort) -> QuerySet[Product]:
    """Order products; relevance is the keyword search's rank when there is one, else catalog order."""
    if sort == Sort.PRICE:
        return products.order_by(Coalesce("discounted_price", "price"), "id")
    if sort == Sort.PRICE_DESC:
        return products.order_by(Coalesce("discounted_price", "price").desc(), "id")
    if sort == Sort.NEWEST:
        return products.order_by("-created_at", "-id")
    if "search_rank" in products.query.annotations:
        return products.order_by("-search_rank", "id")
    return products.order_by("id")


def keyword_results(filters: ProductFilters) -> tuple[QuerySet[Product], ProductFilters, str | None]:
    """Products for a catalog page: (products, the filters used, what was corrected).

    When the words match nothing and the catalog has close words ("shrt" -> "shirt"), the
    corrected words are searched instead and returned as the third value."""
    products = filter_products(filters)
    if not filters.q or products.exists():
        return products, filters, None
    suggestion = search.did_you_mean(filters.q)
    if suggestion is None:
        return products, filters, None
    corrected = replace(filters, q=suggestion)
    return filter_products(corrected), corrected, suggestion


# The catalog page's filter options are three DISTINCT scans of the catalog: about two thirds of
# the page's time on the demo catalog (42 of 66 ms), for lists that change only with the catalog.
# Each process keeps them this long; a product or size saved or deleted in the process, or a
# catalog import, forgets them at once (shop/receivers.py), so other processes lag by at most this.
FACETS_MAX_AGE_SECONDS = 60.0
_facets: tuple[float, dict[str, list[str]]] | None = None


def catalog_facets() -> dict[str, list[str]]:
    """filter_choices() and the size labels of active products ("size_labels"), at most
    FACETS_MAX_AGE_SECONDS old. The caller gets its own copy."""
    global _facets
    kept = _facets
    if kept is None or time.monotonic() - kept[0] > FACETS_MAX_AGE_SECONDS:
        sizes = ProductSize.objects.filter(product__is_active=True).order_by("label")
        labels = sizes.values_list("label", flat=True)
        kept = (time.monotonic(), {**filter_choices(), "size_labels": list(labels.distinct())})
        _facets = kept
    return {name: list(values) for name, values in kept[1].items()}


def forget_catalog_facets(**_kwargs) -> None:
    """The catalog changed: the next catalog_facets() reads it anew (a signal receiver)."""
    global _facets
    _facets = None


def filter_choices() -> dict[str, list[str]]:
    """Values offered by the catalog filter form, from the products that exist."""
    base = Product.objects.filter(is_active=True)
    return {
        "genders": list(Gender.values),
        "age_groups": list(AgeGroup.values),
        "article_types": list(
            base.order_by("article_type").values_list("article_type", flat=True).distinct()
        ),
        "colours": list(
            base.exclude(base_colour="")
            .order_by("base_colour")
            .values_list("base_colour", flat=True)
            .distinct()
        ),
    }


def _purchased(user: AbstractBaseUser) -> QuerySet[OrderLine]:
    """The user's order lines that count as purchases: cancelled orders excluded."""
    return OrderLine.objects.filter(order__user=user).exclude(order__status=Order.Status.CANCELLED)


def purchase_lines(user: AbstractBaseUser) -> QuerySet[OrderLine]:
    """The user's purchase history, newest first."""
    return (
        _purchased(user).select_related("order", "product").order_by("-order__created_at", "-order_id", "-id")
    )


def purchased_product_ids(user: AbstractBaseUser) -> QuerySet[OrderLine]:
    """The ids of the products the user bought (a subquery: ``.exclude(pk__in=...)``)."""
    return _purchased(user).values("product_id")


def last_purchased_product(user: AbstractBaseUser) -> Product | None:
    line = purchase_lines(user).first()
    return line.product if line else None
