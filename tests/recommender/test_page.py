"""The "Like this, but …" page on the real stack: interpretation chips that remove themselves,
filter chips, sorting, "not understood", all as plain links (no JavaScript needed)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from recommender.serving.page import text_without
from shop.models import Product

RESULTS = "/recommendations/"


def _shirt() -> Product:
    return Product.objects.filter(article_type="Shirts", gender="Men").order_by("pk").first()


def _chips(response) -> dict[str, dict]:
    """Chip label -> the query of its removal link."""
    return {c.label: parse_qs(urlparse(c.remove_url).query) for c in response.context["chips"]}


@pytest.mark.parametrize(
    ("text", "words", "rest"),
    [
        ("in navy with short sleeves", "short sleeves", "in navy"),
        ("in navy with short sleeves", "navy", "with short sleeves"),
        ("in navy and under 1099", "navy", "under 1099"),
        ("cheaper, not black", "not black", "cheaper"),
        ("IN NAVY with a collar", "navy", "with a collar"),
        ("a blue dress", "blue", "a dress"),
        ("as a t-shirt", "as a t-shirt", ""),
        ("striped in blak", "blak", "striped"),
    ],
)
def test_text_without_the_words_of_a_chip(text, words, rest):
    assert text_without(text, words) == rest


def test_text_chips_rerun_without_their_words(client, active_model):
    shirt = _shirt()
    response = client.get(RESULTS, {"reference": shirt.pk, "text": "in navy under 1099 with short sleeves"})
    chips = _chips(response)
    assert chips["colour: navy blue"]["text"] == ["under 1099 with short sleeves"]
    assert chips["sleeves: short"]["text"] == ["in navy under 1099"]
    assert chips["under ₹1,099"]["text"] == ["in navy with short sleeves"]
    assert all(q["reference"] == [str(shirt.pk)] for q in chips.values())
    html = response.content.decode()
    assert html.count('data-chip aria-label="Remove') == len(chips)

    # Following a chip's link is the same request without it.
    removed = client.get(RESULTS, {k: v[0] for k, v in chips["under ₹1,099"].items()})
    assert "under ₹1,099" not in _chips(removed)
    assert "colour: navy blue" in _chips(removed)
    prices = [p.selling_price for p, _ in response.context["results"]]
    under = [price < Decimal("1099") for price in prices]  # the price chip was a hard condition:
    first_over = under.index(False) if False in under else len(under)  # those under it come first
    assert first_over > 0 and not any(under[first_over:])
    if first_over < len(under):  # fewer in the small catalog: the page says so, then the nearest
        assert "relaxed-note" in html and "under ₹1,099" in html


def test_category_chips_relax_what_the_reference_implied(client, active_model):
    shirt = _shirt()
    response = client.get(RESULTS, {"reference": shirt.pk, "text": "in black"})
    chips = _chips(response)
    type_chip = next(label for label in chips if label.endswith("Shirts"))
    assert chips[type_chip]["relax"] == ["article_type"] and chips[type_chip]["text"] == ["in black"]
    assert {p.article_type for p, _ in response.context["results"]} == {"Shirts"}
    relaxed = client.get(RESULTS, {"reference": shirt.pk, "text": "in black", "relax": "article_type"})
    assert type_chip not in _chips(relaxed)
    assert "gender" in chips["Men"]["relax"] and "age_group" in chips["Men"]["relax"]


def test_filter_chips_size_in_stock_price_and_sort(client, active_model):
    shirt = _shirt()
    size = shirt.sizes.first().label
    params = {"reference": shirt.pk, "text": "in blue", "max_price": "2000", "size": size, "sort": "price"}
    response = client.get(RESULTS, params)
    assert response.status_code == 200
    results = [p for p, _ in response.context["results"]]
    prices = [p.selling_price for p in results]
    assert results and prices == sorted(prices) and max(prices) <= 2000
    for product in results:
        assert any(s.label == size and s.stock > 0 for s in product.sizes.all())
    chips = _chips(response)
    assert "max_price" not in chips["up to ₹2,000"] and chips["up to ₹2,000"]["sort"] == ["price"]
    assert "size" not in chips[f"size {size} in stock"]
    html = response.content.decode()
    assert '<option value="2000" selected>up to ₹2,000</option>' in html


def test_age_group_and_gender_filters(client, active_model):
    dress = Product.objects.filter(article_type="Dresses").order_by("pk").first()
    response = client.get(RESULTS, {"reference": dress.pk, "text": "", "age_group": "Kids"})
    results = [p for p, _ in response.context["results"]]
    assert results and all(p.age_group.startswith("Kids-") for p in results)
    assert client.get(RESULTS, {"reference": dress.pk, "age_group": "elderly"}).status_code == 400


def test_nonsense_says_it_was_not_understood(client, active_model):
    response = client.get(RESULTS, {"reference": _shirt().pk, "text": "asdf"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We didn't understand 'asdf' — showing similar items." in html
    assert len(response.context["results"]) == 20  # more like this
    understood = client.get(RESULTS, {"reference": _shirt().pk, "text": "in black"}).content.decode()
    assert "didn't understand" not in understood


def test_bad_parameters_are_friendly(client, active_model):
    shirt = _shirt()
    assert client.get(RESULTS, {"reference": shirt.pk, "relax": "everything"}).status_code == 200  # ignored
    assert client.get(RESULTS, {"reference": shirt.pk, "sort": "cheapest"}).status_code == 200
    assert client.get(RESULTS, {"reference": shirt.pk, "text": "x" * 501}).status_code == 400
    assert client.get(RESULTS, {"reference": shirt.pk, "text": "a\x00b"}).status_code in (200, 400)
    assert client.get(RESULTS, {"reference": shirt.pk, "max_price": "1e999"}).status_code == 400
