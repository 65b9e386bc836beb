"""The trail of refinements: white shirt → "in navy" → a navy shirt → "in red" → this one.

A trail travels in the URL as repeated ``step`` parameters, ``<product id>:<text>``, oldest
first: each result of a request links to its product page with the trail so far plus that
request, and the product page shows the steps, each one clickable. Malformed steps, and steps
whose product is gone, are dropped (a trail is a convenience, never an error).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from recommender.serving.services import MAX_TEXT_LENGTH
from shop.models import Product
from shop.params import is_id

MAX_STEPS = 6
PARAM = "step"


@dataclass(frozen=True)
class Step:
    product_id: int
    text: str

    @property
    def param(self) -> str:
        return f"{self.product_id}:{self.text}"


@dataclass(frozen=True)
class TrailEntry:
    """One step as shown: the product it started from, the words, and where each links."""

    product: Product
    text: str
    product_url: str  # the product page, with the trail before this step
    results_url: str  # the results of this step, with the trail before it


def parse_steps(values: list[str]) -> list[Step]:
    """The valid steps of ``?step=…&step=…``, the last MAX_STEPS of them."""
    steps = []
    for value in values[-MAX_STEPS:]:
        product_id, sep, text = value.partition(":")
        if sep and is_id(product_id) and len(text) <= MAX_TEXT_LENGTH and "\x00" not in text:
            steps.append(Step(int(product_id), " ".join(text.split())))
    return steps


def step_params(steps: list[Step]) -> list[tuple[str, str]]:
    """The URL parameters of a trail (for urlencode, or hidden inputs)."""
    return [(PARAM, step.param) for step in steps[-MAX_STEPS:]]


def product_link(product: Product, steps: list[Step]) -> str:
    """A product page URL carrying the trail."""
    query = urlencode(step_params(steps))
    return product.get_absolute_url() + (f"?{query}" if query else "")


def resolve(steps: list[Step]) -> list[TrailEntry]:
    """The steps whose product is still in the store, with their links (one query)."""
    products = Product.objects.filter(is_active=True).only("id", "name", "image").in_bulk(
        {step.product_id for step in steps}
    )
    entries = []
    for index, step in enumerate(steps):
        product = products.get(step.product_id)
        if product is None:
            continue
        before = steps[:index]
        query = urlencode([("reference", product.pk), ("text", step.text), *step_params(before)])
        entries.append(
            TrailEntry(
                product=product,
                text=step.text,
                product_url=product_link(product, before),
                results_url=f"{reverse('recommender:results')}?{query}",
            )
        )
    return entries
