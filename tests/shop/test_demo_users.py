"""create_demo_users: shoppers with dated purchase histories, a staff admin, idempotent re-runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from shop.models import Order, OrderLine, Product, ProductSize


def run() -> str:
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    return out.getvalue()


def test_creates_shoppers_with_histories_and_is_idempotent(catalog, django_user_model):
    stock_before = sum(ProductSize.objects.values_list("stock", flat=True))
    out = run()
    for username, password in (("alice", "shopper-alice"), ("bob", "shopper-bob"), ("admin", "admin-demo")):
        assert f"{username} / {password}" in out
        assert authenticate(username=username, password=password) is not None
    assert django_user_model.objects.get(username="admin").is_superuser

    alice_orders = list(Order.objects.filter(user__username="alice"))
    bob_orders = list(Order.objects.filter(user__username="bob"))
    assert len(alice_orders) >= 2 and len(bob_orders) >= 2
    for orders in (alice_orders, bob_orders):
        dates = [o.created_at for o in orders]
        assert len(set(dates)) == len(dates) and all(d < timezone.now() for d in dates)
    alice_types = set(
        OrderLine.objects.filter(order__user__username="alice").values_list(
            "product__article_type", flat=True
        )
    )
    bob_types = set(
        OrderLine.objects.filter(order__user__username="bob").values_list("product__article_type", flat=True)
    )
    assert alice_types <= {"Dresses", "Tops"} and alice_types
    assert bob_types <= {"Shirts", "Tshirts"} and bob_types
    assert (
        not OrderLine.objects.filter(order__user__username="alice").exclude(product__gender="Women").exists()
    )
    assert not OrderLine.objects.filter(order__user__username="bob").exclude(product__gender="Men").exists()
    bought = sum(OrderLine.objects.values_list("quantity", flat=True))
    assert (
        sum(ProductSize.objects.values_list("stock", flat=True)) == stock_before - bought
    )  # place_order took stock

    counts = (Order.objects.count(), OrderLine.objects.count(), django_user_model.objects.count())
    run()
    assert (Order.objects.count(), OrderLine.objects.count(), django_user_model.objects.count()) == counts


def test_demo_shopper_sees_purchases(client, catalog):
    run()
    assert client.login(username="alice", password="shopper-alice")
    html = client.get("/purchases/").content.decode()
    assert "Like one of my purchases, but" in html
    assert html.count('class="order"') == Order.objects.filter(user__username="alice").count()


def test_empty_catalog_exits_2(db):
    Product.objects.update(is_active=False)
    with pytest.raises(CommandError) as exc:
        run()
    assert exc.value.returncode == 2
    assert "import_catalog" in str(exc.value)
