"""Auth, purchase history and orders: boundaries, end-to-end placement, bad bodies (never a 500)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.models import Order, ProductSize
from shop.services import MAX_QUANTITY_PER_LINE, OrderItem, place_order
from tests.api.conftest import assert_json_error

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PURCHASES = "/api/v1/me/purchases/"
ORDERS = "/api/v1/orders/"
PASSWORD = "a-long-test-password-42"


@pytest.fixture
def alice_api(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    return client


@pytest.fixture
def size_in_stock(catalog):
    size = ProductSize.objects.filter(product__is_active=True, stock__gte=3).select_related("product").first()
    assert size is not None
    return size


# --- auth ------------------------------------------------------------------------------------


def test_token_for_good_credentials(api, alice):
    response = api.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=alice).key}


@pytest.mark.parametrize(
    "body",
    [{"username": "alice", "password": "wrong"}, {"username": "nobody", "password": PASSWORD}, {}],
)
def test_token_for_bad_credentials_is_400_json(api, alice, body):
    error = assert_json_error(api.post(TOKEN, body, format="json"), 400)
    assert "detail" in error


@pytest.mark.parametrize("url", [PURCHASES, ORDERS, f"{ORDERS}1/"])
def test_anonymous_is_401_json(api, catalog, url):
    response = api.get(url)
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_cannot_order(api, size_in_stock):
    body = {"lines": [{"product": size_in_stock.product_id, "size": size_in_stock.label, "quantity": 1}]}
    assert_json_error(api.post(ORDERS, body, format="json"), 401)


def test_bad_token_is_401_json(api, catalog):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_json_error(api.get(PURCHASES), 401)


def test_token_from_the_endpoint_authenticates(api, alice):
    key = api.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(PURCHASES).status_code == 200


def test_session_auth_works(api, alice):
    assert api.login(username="alice", password=PASSWORD)
    response = api.get(ORDERS)
    assert response.status_code == 200
    assert response.json()["count"] == 0


# --- orders and purchases --------------------------------------------------------------------


def test_place_order_end_to_end(alice_api, size_in_stock):
    product, stock = size_in_stock.product, size_in_stock.stock
    response = alice_api.post(
        ORDERS,
        {"lines": [{"product": product.pk, "size": size_in_stock.label, "quantity": 2}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "placed"
    assert Decimal(order["total"]) == product.selling_price * 2
    [line] = order["lines"]
    assert line["product"]["id"] == product.pk
    assert line["product"]["url"].endswith(f"/api/v1/products/{product.pk}/")
    assert (line["size"], line["quantity"]) == (size_in_stock.label, 2)
    assert Decimal(line["unit_price"]) == product.selling_price

    size_in_stock.refresh_from_db()
    assert size_in_stock.stock == stock - 2

    purchases = alice_api.get(PURCHASES).json()
    assert purchases["count"] == 1
    [purchase] = purchases["results"]
    assert purchase["order"] == order["id"]
    assert purchase["product"]["id"] == product.pk
    assert (purchase["size"], purchase["quantity"]) == (size_in_stock.label, 2)
    assert Decimal(purchase["unit_price"]) == product.selling_price
    assert purchase["ordered_at"] == order["created_at"]

    assert alice_api.get(f"{ORDERS}{order['id']}/").json() == order
    assert [o["id"] for o in alice_api.get(ORDERS).json()["results"]] == [order["id"]]


def test_purchases_newest_first_and_paginated(alice, alice_api, catalog):
    sizes = list(ProductSize.objects.filter(product__is_active=True, stock__gte=1)[:3])
    orders = [place_order(alice, [OrderItem(s.product_id, s.label, 1)]) for s in sizes]
    body = alice_api.get(PURCHASES, {"page_size": 2}).json()
    assert body["count"] == 3
    assert [p["order"] for p in body["results"]] == [orders[2].pk, orders[1].pk]
    assert body["next"] is not None
    assert_json_error(alice_api.get(PURCHASES, {"page": "x"}), 400)


def test_other_users_orders_never_leak(alice_api, bob, size_in_stock):
    bobs = place_order(bob, [OrderItem(size_in_stock.product_id, size_in_stock.label, 1)])
    assert_json_error(alice_api.get(f"{ORDERS}{bobs.pk}/"), 404)
    assert alice_api.get(ORDERS).json()["count"] == 0
    assert alice_api.get(PURCHASES).json()["count"] == 0


def test_order_list_has_no_n_plus_one(alice, alice_api, catalog, django_assert_max_num_queries):
    for size in ProductSize.objects.filter(product__is_active=True, stock__gte=1)[:5]:
        place_order(alice, [OrderItem(size.product_id, size.label, 1)])
    # auth token + count + page + prefetched lines + their products
    with django_assert_max_num_queries(5):
        assert alice_api.get(ORDERS).json()["count"] == 5
    with django_assert_max_num_queries(3):
        assert alice_api.get(PURCHASES).json()["count"] == 5


def _line(stocked: ProductSize, /, **overrides) -> dict:
    return {"product": stocked.product_id, "size": stocked.label, "quantity": 1, **overrides}


@pytest.mark.parametrize(
    ("make_body", "where"),
    [
        (lambda s: {}, "lines"),
        (lambda s: {"lines": []}, "lines"),
        (lambda s: {"lines": "nope"}, "lines"),
        (lambda s: {"lines": [_line(s, quantity=0)]}, "quantity"),
        (lambda s: {"lines": [_line(s, quantity=MAX_QUANTITY_PER_LINE + 1)]}, "quantity"),
        (lambda s: {"lines": [_line(s, quantity="two")]}, "quantity"),
        (lambda s: {"lines": [_line(s, product=987654321)]}, "product"),
        (lambda s: {"lines": [_line(s, product="abc")]}, "product"),
        (lambda s: {"lines": [_line(s, size="XXXXXL-nope")]}, "size"),
        (lambda s: {"lines": [_line(s, size="")]}, "size"),
        (lambda s: {"lines": [_line(s, quantity=s.stock + 1)]}, "quantity"),
        (lambda s: {"lines": [_line(s), {"size": "M"}]}, "product"),
        (lambda s: {"lines": [_line(s)] * 51}, "lines"),
    ],
)
def test_bad_order_bodies_are_400_json(alice_api, size_in_stock, make_body, where):
    stock = min(size_in_stock.stock, MAX_QUANTITY_PER_LINE - 1)
    size_in_stock.stock = stock
    size_in_stock.save()
    body = assert_json_error(alice_api.post(ORDERS, make_body(size_in_stock), format="json"), 400)
    assert where in body["error"]
    assert "lines" in body["detail"]
    assert Order.objects.count() == 0
    size_in_stock.refresh_from_db()
    assert size_in_stock.stock == stock  # a refused order takes nothing


def test_malformed_json_is_400_json(alice_api, catalog):
    response = alice_api.generic("POST", ORDERS, "{not json", content_type="application/json")
    assert_json_error(response, 400)


def test_inactive_product_cannot_be_ordered(alice_api, size_in_stock):
    size_in_stock.product.is_active = False
    size_in_stock.product.save()
    body = assert_json_error(alice_api.post(ORDERS, {"lines": [_line(size_in_stock)]}, format="json"), 400)
    assert "does not exist" in body["error"]


def test_service_refusal_is_400_json(alice_api, size_in_stock):
    """Stock checked per line passes, but the same size twice exceeds it: place_order refuses."""
    size_in_stock.stock = 3
    size_in_stock.save()
    lines = [_line(size_in_stock, quantity=2), _line(size_in_stock, quantity=2)]
    body = assert_json_error(alice_api.post(ORDERS, {"lines": lines}, format="json"), 400)
    assert body["error"].startswith("Only 3 left of ")
    assert body["detail"] == {"non_field_errors": [body["error"]]}
    size_in_stock.refresh_from_db()
    assert size_in_stock.stock == 3
    assert Order.objects.count() == 0


def test_line_errors_point_at_the_failing_line(alice_api, size_in_stock):
    lines = [_line(size_in_stock), _line(size_in_stock, size="NOPE")]
    body = assert_json_error(alice_api.post(ORDERS, {"lines": lines}, format="json"), 400)
    assert body["error"].startswith("lines[1].size: ")
    assert "has no size 'NOPE'" in body["error"]
    assert list(body["detail"]["lines"]) == ["1"]
    assert body["detail"]["lines"]["1"]["size"] == [body["error"].removeprefix("lines[1].size: ")]
