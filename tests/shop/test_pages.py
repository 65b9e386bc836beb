"""Storefront pages with the real small catalog: grid, filters, pagination, product page, auth."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shop.models import Product, ProductSize

CATALOG = reverse("shop:catalog")
PASSWORD = "a-long-test-password-42"


def test_catalog_grid_renders_first_page(client, catalog):
    response = client.get(CATALOG)
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.object_list) == 24
    assert page.paginator.count == catalog.filter(is_active=True).count()
    first = page.object_list[0]
    html = response.content.decode()
    assert html.count('class="card"') == 24
    assert first.name in html and first.get_absolute_url() in html
    assert 'name="q"' in html and "Fashion" in html and "Store" in html


def test_catalog_filters_by_gender_type_and_colour(client, catalog):
    dress = catalog.filter(article_type="Dresses").exclude(base_colour="").first()
    response = client.get(
        CATALOG, {"gender": "women", "article_type": "dresses", "colour": dress.base_colour}
    )
    assert response.status_code == 200
    products = list(response.context["page"].object_list)
    assert dress in products
    assert all(p.article_type == "Dresses" and p.gender == "Women" for p in products)
    assert all(
        p.base_colour == dress.base_colour for p in Product.objects.filter(pk__in=[p.pk for p in products])
    )
    html = response.content.decode()  # the filter form shows what it filters by, in the catalog's words
    for value in ("Women", "Dresses", dress.base_colour):
        assert f'<option value="{value}" selected>' in html, value


def test_keyword_search(client, catalog):
    brand = catalog.exclude(brand="").first().brand
    response = client.get(CATALOG, {"q": brand})
    products = list(response.context["page"].object_list)
    assert products and all(brand.lower() in (p.name + p.brand).lower() for p in products)
    assert response.context["filters"].q == brand


def test_price_range_compares_what_the_shopper_pays(client, catalog):
    response = client.get(CATALOG, {"min_price": "500", "max_price": "1000"})
    products = response.context["page"].paginator.object_list
    assert products.exists()
    assert all(500 <= p.selling_price <= 1000 for p in products)


def test_size_and_in_stock_filters(client, catalog):
    response = client.get(CATALOG, {"size": "M", "in_stock": "1"})
    products = response.context["page"].paginator.object_list
    assert products.exists()
    for product in products:
        assert ProductSize.objects.filter(product=product, label__iexact="M", stock__gt=0).exists()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"min_price": "abc"}, "min_price"),
        ({"max_price": "-5"}, "max_price"),
        ({"min_price": "900", "max_price": "100"}, "max_price"),
        ({"gender": "Martian"}, "gender"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"size": "X" * 300}, "size"),
        ({"q": "shirt " * 100}, "q"),
    ],
)
def test_bad_filter_values_show_a_message_never_a_500(client, catalog, params, field):
    response = client.get(CATALOG, {**params, "article_type": "Tshirts"})
    assert response.status_code == 200
    assert field in response.context["filter_errors"]
    assert "could not be used" in response.content.decode()
    # The valid filters still apply.
    assert all(p.article_type == "Tshirts" for p in response.context["page"].object_list)


def test_nonsense_query_strings_never_500(client, catalog):
    for query in ("page=abc", "page=-1", "page=99999", "min_price=NaN", "min_price=Infinity", "colour=%00"):
        assert client.get(f"{CATALOG}?{query}").status_code == 200, query


def test_pagination_keeps_filters(client, catalog):
    tshirts = catalog.filter(article_type="Tshirts").count()
    assert tshirts > 24
    first = client.get(CATALOG, {"article_type": "Tshirts"})
    second = client.get(CATALOG, {"article_type": "Tshirts", "page": "2"})
    assert second.status_code == 200
    assert second.context["page"].number == 2
    ids_1 = {p.pk for p in first.context["page"].object_list}
    ids_2 = {p.pk for p in second.context["page"].object_list}
    assert ids_2 and not ids_1 & ids_2
    assert all(p.article_type == "Tshirts" for p in second.context["page"].object_list)
    assert "?article_type=Tshirts&amp;page=2" in first.content.decode()
    # Out-of-range pages fall back to the last page.
    last = client.get(CATALOG, {"article_type": "Tshirts", "page": "999"})
    assert last.context["page"].number == last.context["page"].paginator.num_pages


def test_catalog_query_count_is_bounded(client, catalog, django_assert_max_num_queries):
    """A full page of filtered cards, sizes and all, in a fixed number of queries (not one a card)."""
    with django_assert_max_num_queries(8):
        response = client.get(CATALOG, {"in_stock": "1", "min_price": "100"})
    assert response.status_code == 200
    page = response.context["page"]
    expected = [p for p in catalog.filter(is_active=True).prefetch_related("sizes")
                if p.selling_price >= 100 and any(s.stock > 0 for s in p.sizes.all())]  # fmt: skip
    assert page.paginator.count == len(expected) and len(page.object_list) == min(24, len(expected)) == 24
    assert {p.pk for p in page.object_list} <= {p.pk for p in expected}
    html = response.content.decode()
    assert html.count('class="card"') == 24
    assert html.count('class="card-sizes"') == sum(1 for p in page.object_list if p.sizes.all())


def test_catalog_filter_options_are_kept_and_forgotten_when_the_catalog_changes(
    client, catalog, django_assert_max_num_queries
):
    """The three DISTINCT scans behind the filter options run once, not on every catalog page
    (two thirds of the page's time on the demo catalog); a saved product or size shows at once,
    an order's stock change keeps them."""
    client.get(CATALOG)
    with django_assert_max_num_queries(5):  # the count, the page, its sizes (and the session)
        kept = client.get(CATALOG)
    assert "Dresses" in kept.context["choices"]["article_types"]
    product = catalog.filter(is_active=True).first()
    product.article_type = "Ponchos"
    product.save()
    ProductSize.objects.create(product=product, label="XXXL-TALL", stock=3)
    fresh = client.get(CATALOG).context
    assert "Ponchos" in fresh["choices"]["article_types"] and "XXXL-TALL" in fresh["size_labels"]
    size = ProductSize.objects.get(product=product, label="XXXL-TALL")
    size.stock = 2
    size.save(update_fields=["stock"])  # as every order does: the options are kept
    with django_assert_max_num_queries(5):
        client.get(CATALOG)


def test_product_page_shows_the_product_first_then_like_this(client, catalog):
    size = ProductSize.objects.filter(product__in=catalog, stock=0).select_related("product").first()
    product = size.product
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert product.name in html
    assert "Like this, but" in html and 'class="like-this"' in html
    assert f'name="reference" value="{product.pk}"' in html
    # The product comes first: image, price and Add to cart, then "Like this, but …", then details.
    assert html.index('class="product-image"') < html.index("Add to cart") < html.index('class="like-this"')
    assert html.index('class="like-this"') < html.index('class="details"')
    for s in product.sizes.all():
        assert f'value="{s.label}"' in html
    assert "sold out" in html and "disabled" in html
    assert "csrfmiddlewaretoken" in html
    for value in product.attributes.values():
        assert value in html


def test_a_shoppers_product_page_takes_four_queries(client, catalog, alice, django_assert_num_queries):
    """The session, the shopper, the product and its sizes: the page is cheap (bench.load's
    Server-Timing: about 10 ms of CPU), so under load its time is waiting, not work."""
    client.force_login(alice)
    product = catalog.filter(is_active=True).first()
    client.get(product.get_absolute_url())  # the session's first read after login settles it
    with django_assert_num_queries(4):
        assert client.get(product.get_absolute_url()).status_code == 200


def test_unknown_and_inactive_products_are_404(client, catalog):
    assert client.get(reverse("shop:product", args=[999_999_999])).status_code == 404
    product = catalog.first()
    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert product not in client.get(CATALOG).context["page"].object_list


def test_signup_logs_the_user_in(client, db, django_user_model):
    response = client.post(
        reverse("signup"), {"username": "carol", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="carol")
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get(CATALOG).content.decode()
    assert "My purchases" in page and "Log out" in page


def test_signup_with_bad_password_shows_errors(client, db, django_user_model):
    response = client.post(reverse("signup"), {"username": "dave", "password1": "x", "password2": "y"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not django_user_model.objects.filter(username="dave").exists()


def test_login_and_logout(client, db, django_user_model):
    django_user_model.objects.create_user("erin", password=PASSWORD)
    assert client.get(reverse("login")).status_code == 200
    bad = client.post(reverse("login"), {"username": "erin", "password": "wrong"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "erin", "password": PASSWORD})
    assert response.status_code == 302 and response.url == CATALOG
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_link_only_for_staff(client, db, django_user_model):
    user = django_user_model.objects.create_user("frank", password=PASSWORD)
    client.force_login(user)
    assert reverse("admin:index") not in client.get(CATALOG).content.decode()
    user.is_staff = True
    user.save()
    assert reverse("admin:index") in client.get(CATALOG).content.decode()
