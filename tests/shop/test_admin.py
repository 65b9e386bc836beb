"""Admin changelists and change pages for products and orders load for staff, with thumbnails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shop.models import ProductSize
from shop.services import OrderItem, place_order


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        "root-test", "root@example.com", "a-long-test-password-42"
    )
    client.force_login(admin)
    return client


def test_product_changelist_with_thumbnails(staff_client, catalog):
    response = staff_client.get(reverse("admin:shop_product_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="product-thumb"' in html
    product = response.context["cl"].result_list[0]
    assert product.image.url in html


@pytest.mark.parametrize(
    "query",
    [
        "q=shirt",
        "q=10005",
        "gender__exact=Women",
        "article_type=Dresses",
        "split__exact=train",
        "is_active__exact=1",
    ],
)
def test_product_search_and_filters(staff_client, catalog, query):
    assert staff_client.get(reverse("admin:shop_product_changelist") + "?" + query).status_code == 200


def test_product_search_by_id(staff_client, catalog):
    product = catalog.order_by("-id").first()
    response = staff_client.get(reverse("admin:shop_product_changelist"), {"q": str(product.pk)})
    assert product in response.context["cl"].result_list


def test_product_change_page_with_sizes_inline(staff_client, catalog):
    product = ProductSize.objects.filter(product__in=catalog).first().product
    response = staff_client.get(reverse("admin:shop_product_change", args=[product.pk]))
    assert response.status_code == 200
    assert "sizes-TOTAL_FORMS" in response.content.decode()


def test_order_changelist_and_read_only_lines(staff_client, catalog, django_user_model):
    shopper = django_user_model.objects.create_user("shopper-test", password="a-long-test-password-42")
    size = ProductSize.objects.filter(product__in=catalog, stock__gt=0).first()
    order = place_order(shopper, [OrderItem(size.product_id, size.label, 1)])
    changelist = reverse("admin:shop_order_changelist")
    year = order.created_at.year
    for query in ("", "?status__exact=placed", "?q=shopper-test", f"?created_at__year={year}"):
        response = staff_client.get(changelist + query)
        assert response.status_code == 200, query
    assert order in staff_client.get(changelist, {"q": "shopper-test"}).context["cl"].result_list
    response = staff_client.get(reverse("admin:shop_order_change", args=[order.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert size.product.name in html and 'name="lines-0-quantity"' not in html


def test_admin_needs_staff(client, db, django_user_model):
    client.force_login(
        django_user_model.objects.create_user("plain-test", password="a-long-test-password-42")
    )
    response = client.get(reverse("admin:shop_product_changelist"))
    assert response.status_code == 302
