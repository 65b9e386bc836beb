"""Two shoppers buying the last unit at once, through the API and through the checkout page,
on the real database (each buyer on its own connection, released together)."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.models import Order, OrderLine, Product, ProductSize
from tests.shop.conftest import give_address

pytestmark = pytest.mark.django_db(transaction=True)


def last_unit(catalog) -> ProductSize:
    size = ProductSize.objects.filter(product__in=catalog, stock__gt=0).order_by("pk").first()
    ProductSize.objects.filter(pk=size.pk).update(stock=1)
    return size


def race(buy, shoppers: list[User]) -> list:
    """Run buy(shopper) for every shopper at the same moment; their outcomes, sorted."""
    barrier = threading.Barrier(len(shoppers))
    statuses: list = []

    def run(shopper: User) -> None:
        try:
            barrier.wait()
            statuses.append(buy(shopper))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in shoppers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(statuses)


def shoppers(n: int) -> list[User]:
    return [User.objects.create_user(f"buyer{i}", password="pw-12345678") for i in range(n)]


def test_two_api_shoppers_and_the_last_unit(catalog):
    size = last_unit(catalog)

    def buy(shopper: User) -> int:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=shopper).key}")
        line = {"product": size.product_id, "size": size.label, "quantity": 1}
        return api.post("/api/v1/orders/", {"lines": [line]}, format="json").status_code

    assert race(buy, shoppers(2)) == [201, 400]
    size.refresh_from_db()
    assert size.stock == 0 and OrderLine.objects.filter(product_id=size.product_id).count() == 1


def test_two_checkout_pages_and_the_last_unit(catalog):
    size = last_unit(catalog)

    def buy(shopper: User) -> str:
        client = Client()
        client.force_login(shopper)
        client.post(f"/cart/add/{size.product_id}/", {"size": size.label, "quantity": 1})
        give_address(client)
        return client.post("/checkout/")["Location"]

    # exactly one order; the other shopper is sent back to the cart (with a message), not charged
    outcomes = race(buy, shoppers(2))
    order = Order.objects.get()
    assert outcomes == ["/cart/", f"/orders/{order.pk}/placed/"]
    size.refresh_from_db()
    assert size.stock == 0 and Order.objects.count() == 1


def test_a_product_without_sizes_is_bought_as_one_size(client, catalog):
    product = Product.objects.filter(pk__in=catalog).first()
    product.sizes.all().delete()
    shopper = shoppers(1)[0]
    client.force_login(shopper)
    assert b"One size" in client.get(product.get_absolute_url()).content
    refused = client.post(f"/cart/add/{product.pk}/", {"size": "M", "quantity": 1}, follow=True)
    assert b"comes in one size only" in refused.content and not client.session.get("cart")
    client.post(f"/cart/add/{product.pk}/", {"quantity": 2})
    give_address(client)
    assert client.post("/checkout/").status_code == 302
    line = OrderLine.objects.get(order__user=shopper)
    assert (line.product_id, line.size, line.quantity) == (product.pk, "", 2)
