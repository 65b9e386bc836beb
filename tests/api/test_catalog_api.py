"""Catalog API: filters as on the pages, JSON errors, pagination, detail, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F

from shop.models import Product
from shop.selectors import filter_products, parse_product_filters
from tests.api.conftest import assert_json_error

pytestmark = pytest.mark.django_db

LIST = "/api/v1/products/"


def expected_count(**params) -> int:
    return filter_products(parse_product_filters(params)).count()


def test_list_paginates_with_total_count(api, catalog):
    response = api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == catalog.filter(is_active=True).count()
    assert len(body["results"]) == 24
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/v1/products/?page=2")

    second = api.get(body["next"]).json()
    assert second["previous"] is not None
    assert {p["id"] for p in second["results"]}.isdisjoint({p["id"] for p in body["results"]})


def test_list_entry_shape(api, catalog):
    entry = api.get(LIST, {"page_size": 1}).json()["results"][0]
    product = Product.objects.get(pk=entry["id"])
    assert entry["name"] == product.name
    assert Decimal(entry["selling_price"]) == product.selling_price
    assert entry["url"] == f"http://testserver/api/v1/products/{product.pk}/"
    assert entry["image"].startswith("http://testserver/media/products/")
    assert [s["label"] for s in entry["sizes"]] == [s.label for s in product.sizes.all()]


@pytest.mark.parametrize(
    "params",
    [
        {"gender": "women"},
        {"article_type": "tshirts"},
        {"colour": "Blue"},
        {"q": "shirt"},
        {"min_price": "500", "max_price": "1500"},
        {"size": "M", "in_stock": "true"},
        {"gender": "Men", "article_type": "Shirts", "in_stock": "1"},
    ],
)
def test_filters_match_the_pages(api, catalog, params):
    body = api.get(LIST, {**params, "page_size": 100}).json()
    assert body["count"] == expected_count(**params)
    assert body["count"] > 0, "pick filters that the small catalog matches"
    if "gender" in params:
        assert {p["gender"] for p in body["results"]} == {params["gender"].capitalize()}
    if "min_price" in params:
        assert all(Decimal("500") <= Decimal(p["selling_price"]) <= Decimal("1500") for p in body["results"])
    if params.get("in_stock") and params.get("size"):
        for p in body["results"]:
            assert any(s["label"].lower() == "m" and s["stock"] > 0 for s in p["sizes"])


def test_unknown_query_params_are_ignored(api, catalog):
    assert api.get(LIST, {"colour_of_sky": "x", "order_by": "nope"}).json()["count"] == expected_count()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"gender": "aliens"}, "gender"),
        ({"min_price": "abc"}, "min_price"),
        ({"max_price": "-5"}, "max_price"),
        ({"min_price": "100", "max_price": "50"}, "max_price"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"q": "x" * 201}, "q"),
        ({"sort": "cheapest"}, "sort"),
    ],
)
def test_bad_filters_are_400_json(api, catalog, params, field):
    body = assert_json_error(api.get(LIST, params), 400)
    assert field in body["detail"]
    assert isinstance(body["detail"][field], str)
    assert body["error"].startswith(f"{field}: ")


def test_sort_by_price_and_newest(api, catalog):
    def listed(sort: str, **params) -> list[dict]:
        return api.get(LIST, {"sort": sort, "page_size": 100, **params}).json()["results"]

    prices = [Decimal(p["selling_price"]) for p in listed("price")]
    assert prices == sorted(prices) and len(set(prices)) > 1
    highest = [Decimal(p["selling_price"]) for p in listed("-price", gender="Men")]
    assert highest == sorted(highest, reverse=True)
    newest = [p["id"] for p in listed("newest")]
    created = dict(Product.objects.filter(pk__in=newest).values_list("pk", "created_at"))
    assert [created[i] for i in newest] == sorted(created.values(), reverse=True)
    relevance = [p["id"] for p in listed("relevance")]
    assert relevance == sorted(relevance)  # without keywords: catalog order


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_bad_page_is_400_json(api, catalog, params, field):
    body = assert_json_error(api.get(LIST, params), 400)
    assert field in body["detail"]


def test_page_beyond_the_end_is_404_json(api, catalog):
    assert_json_error(api.get(LIST, {"page": "999"}), 404)


def test_filtered_pagination_counts_the_filtered_total(api, catalog):
    params = {"gender": "Men", "page_size": 5}
    first = api.get(LIST, params).json()
    assert first["count"] == expected_count(gender="Men")
    last_page = -(-first["count"] // 5)
    last = api.get(LIST, {**params, "page": last_page}).json()
    assert last["next"] is None
    assert len(last["results"]) == first["count"] - 5 * (last_page - 1)


def test_list_has_no_n_plus_one(api, catalog, django_assert_max_num_queries):
    # count + page + prefetched sizes, whatever the page size
    with django_assert_max_num_queries(3):
        response = api.get(LIST, {"page_size": 100, "in_stock": "true"})
    assert len(response.json()["results"]) == 100


def test_detail(api, catalog):
    product = catalog.filter(discounted_price__lt=F("price")).exclude(attributes={}).first()
    assert product is not None
    body = api.get(f"{LIST}{product.pk}/").json()
    assert body["id"] == product.pk
    assert body["attributes"] == product.attributes
    assert body["description"] == product.description
    assert Decimal(body["price"]) == product.price
    assert Decimal(body["discounted_price"]) == product.discounted_price
    assert Decimal(body["selling_price"]) == product.discounted_price
    assert body["discount_percent"] == product.discount_percent > 0
    assert body["sizes"] == [
        {"label": s.label, "stock": s.stock, "in_stock": s.stock > 0} for s in product.sizes.all()
    ]
    assert product.image
    assert body["image"] == f"http://testserver{product.image.url}"


def test_inactive_and_unknown_products_are_404_json(api, catalog):
    product = catalog.first()
    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert_json_error(api.get(f"{LIST}{product.pk}/"), 404)
    assert_json_error(api.get(f"{LIST}987654321/"), 404)
    ids = {p["id"] for p in api.get(LIST, {"page_size": 100, "q": product.name}).json()["results"]}
    assert product.pk not in ids


def test_product_cards_are_what_the_list_serializer_gives(catalog, rf):
    """The recommendation API's fast cards stay the schema's ProductListSerializer shape, value
    for value: with and without a discount, picture or stock, and as a summary without sizes."""
    from django.db.models import prefetch_related_objects

    from shop.api.serializers import ProductListSerializer, ProductSummarySerializer, product_cards

    products = list(catalog.order_by("pk")[:40])
    products[0].discounted_price = products[0].price * Decimal("0.675")  # a price that must round
    products[1].discounted_price, products[2].image = None, ""
    products[3].sizes.update(stock=0)
    prefetch_related_objects(products, "sizes")  # for the serializer
    assert any(p.discounted_price is not None for p in products[3:])
    context = {"request": rf.get("/api/v1/recommendations/")}
    listed = ProductListSerializer(products, many=True, context=context).data
    assert product_cards(products, context) == listed
    assert product_cards(products, context, sizes=False) == ProductSummarySerializer(
        products, many=True, context=context
    ).data
