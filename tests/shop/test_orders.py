"""Cart -> address -> review -> order -> confirmation and My purchases, with real stock on the
real small catalog; every form posts and redirects (a reload never posts twice)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shop.cart import SESSION_KEY
from shop.models import Order, OrderLine, ProductSize
from shop.services import OrderItem, place_order
from tests.shop.conftest import ADDRESS, give_address

PASSWORD = "a-long-test-password-42"
CART = reverse("shop:cart")
CHECKOUT = reverse("shop:checkout")
ADDRESS_STEP = reverse("shop:checkout_address")
PURCHASES = reverse("shop:purchases")


def stocked_size(catalog, minimum: int = 3, skip: int = 0) -> ProductSize:
    return (
        ProductSize.objects.filter(product__in=catalog, stock__gte=minimum)
        .select_related("product")
        .order_by("product_id", "position")[skip]
    )


def add(client, size: ProductSize, quantity: int = 1):
    return client.post(
        reverse("shop:cart_add", args=[size.product_id]), {"size": size.label, "quantity": quantity}
    )


def test_cart_add_show_and_remove(client, catalog):
    size = stocked_size(catalog)
    response = add(client, size, 2)
    # The shopper stays on the product page, with a confirmation that links to the cart.
    assert response.status_code == 302 and response.url == size.product.get_absolute_url()
    html = client.get(response.url).content.decode()
    assert "Added 2 × " in html and f'href="{CART}" class="message-action"' in html
    page = client.get(CART)
    assert page.context["cart_count"] == 2
    assert size.product.name in page.content.decode()
    assert page.context["total"] == size.product.selling_price * 2
    client.post(reverse("shop:cart_remove"), {"product_id": size.product_id, "size": size.label})
    page = client.get(CART)
    assert page.context["cart_count"] == 0 and "Your cart is empty" in page.content.decode()


def test_add_to_cart_requires_post_and_an_active_product(client, catalog):
    size = stocked_size(catalog)
    assert client.get(reverse("shop:cart_add", args=[size.product_id])).status_code == 405
    response = client.post(reverse("shop:cart_add", args=[999_999_999]), {"size": "M", "quantity": 1})
    assert response.status_code == 404


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "21", ""])
def test_bad_quantities_are_refused(client, catalog, quantity):
    size = stocked_size(catalog)
    response = client.post(
        reverse("shop:cart_add", args=[size.product_id]), {"size": size.label, "quantity": quantity}
    )
    # Back to the product page with the reason (post/redirect/get), nothing in the cart.
    assert response.status_code == 302 and response.url == size.product.get_absolute_url()
    assert not client.session.get(SESSION_KEY)
    page = client.get(response.url)
    assert page.status_code == 200 and 'class="message error"' in page.content.decode()


def test_sold_out_and_unknown_sizes_are_refused(client, catalog):
    sold_out = ProductSize.objects.filter(product__in=catalog, stock=0).first()
    response = add(client, sold_out)
    assert response.status_code == 302
    assert "sold out" in client.get(response.url).content.decode()
    response = client.post(
        reverse("shop:cart_add", args=[sold_out.product_id]),
        {"size": "XXXXL-NOPE", "quantity": 1},
        follow=True,
    )
    assert "Please choose a size" in response.content.decode()
    assert not client.session.get(SESSION_KEY)


def test_more_than_the_stock_is_refused_and_a_reload_posts_nothing(client, catalog):
    size = stocked_size(catalog, minimum=1)
    ProductSize.objects.filter(pk=size.pk).update(stock=2)
    response = add(client, size, 3)
    # The shopper lands on the product page (GET), not on /cart/add/…: a reload re-posts nothing.
    assert response.status_code == 302 and response.url == size.product.get_absolute_url()
    assert "Only 2 left" in client.get(response.url).content.decode()


def test_quick_add_returns_to_the_page_it_came_from(client, catalog):
    size = stocked_size(catalog)
    back = "/?article_type=Shirts&page=2"
    response = client.post(
        reverse("shop:cart_add", args=[size.product_id]), {"size": size.label, "quantity": 1, "next": back}
    )
    assert response.status_code == 302 and response.url == back
    assert client.session[SESSION_KEY] == {f"{size.product_id}|{size.label}": 1}
    elsewhere = client.post(
        reverse("shop:cart_add", args=[size.product_id]),
        {"size": size.label, "quantity": 1, "next": "https://evil.example/"},
    )
    assert elsewhere.url == size.product.get_absolute_url()  # never to another site


def test_anonymous_checkout_redirects_to_login(client, catalog):
    add(client, stocked_size(catalog))
    for response in (client.get(CHECKOUT), client.post(CHECKOUT)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login")) and "next=/checkout/" in response.url
    assert not Order.objects.exists()
    assert client.get(PURCHASES).status_code == 302


def test_checkout_creates_order_takes_stock_and_shows_on_purchases(client, catalog, alice, mailoutbox):
    first, second = stocked_size(catalog), stocked_size(catalog, skip=5)
    stock_before = {s.pk: s.stock for s in (first, second)}
    add(client, first, 2)
    add(client, second, 1)
    client.force_login(alice)
    assert client.get(CHECKOUT).url == ADDRESS_STEP  # the address comes first
    assert client.get(ADDRESS_STEP).status_code == 200
    assert give_address(client).url == CHECKOUT
    review = client.get(CHECKOUT)
    html = review.content.decode()
    assert review.status_code == 200 and first.product.name in html
    assert ADDRESS["line1"] in html and "Pay on delivery" in html

    response = client.post(CHECKOUT)
    order = Order.objects.get(user=alice)
    assert response.status_code == 302 and response.url == reverse("shop:order_placed", args=[order.pk])
    confirmation = client.get(response.url).content.decode()
    assert f"Order #{order.pk} is placed" in confirmation and ADDRESS["city"] in confirmation
    assert (order.ship_name, order.ship_postcode) == (ADDRESS["name"], ADDRESS["postcode"])
    assert order.email == ADDRESS["email"]
    assert order.payment == Order.Payment.ON_DELIVERY
    [mail] = mailoutbox
    assert mail.to == [ADDRESS["email"]] and f"#{order.pk}" in mail.subject
    assert first.product.name in mail.body and ADDRESS["line1"] in mail.body
    lines = {(line.product_id, line.size): line for line in order.lines.all()}
    assert lines[(first.product_id, first.label)].quantity == 2
    assert lines[(second.product_id, second.label)].quantity == 1
    assert order.total == first.product.selling_price * 2 + second.product.selling_price
    for size, quantity in ((first, 2), (second, 1)):
        size.refresh_from_db()
        assert size.stock == stock_before[size.pk] - quantity
    assert not client.session.get(SESSION_KEY)

    page = client.get(PURCHASES)
    html = page.content.decode()
    assert page.status_code == 200
    assert first.product.name in html and second.product.name in html
    assert first.product.get_absolute_url() in html
    assert "Like one of my purchases, but" in html and 'class="like-this"' in html
    # Any purchase can start "Like …, but": each is a choice of the box's reference.
    assert f'type="radio" name="reference" value="{first.product_id}"' in html


def test_checkout_refuses_stock_sold_meanwhile_and_keeps_the_cart(client, catalog, alice):
    size = stocked_size(catalog)
    add(client, size, 2)
    ProductSize.objects.filter(pk=size.pk).update(stock=1)
    client.force_login(alice)
    give_address(client)
    response = client.post(CHECKOUT, follow=True)
    assert response.redirect_chain[-1][0] == CART
    assert "Only 1 left" in response.content.decode()
    assert not Order.objects.filter(user=alice).exists()
    assert client.session[SESSION_KEY]
    size.refresh_from_db()
    assert size.stock == 1


def test_empty_cart_checkout_redirects_to_cart(client, alice):
    client.force_login(alice)
    assert client.post(CHECKOUT).url == CART
    assert not Order.objects.exists()


def test_users_never_see_each_others_purchases(client, catalog, alice, bob):
    a, b = stocked_size(catalog), stocked_size(catalog, skip=10)
    place_order(alice, [OrderItem(a.product_id, a.label, 1)])
    place_order(bob, [OrderItem(b.product_id, b.label, 1)])
    client.force_login(alice)
    page = client.get(PURCHASES)
    orders = page.context["orders"]
    assert [o.user_id for o in orders] == [alice.pk]
    assert b.product.get_absolute_url() not in page.content.decode()


def test_purchases_newest_first_without_n_plus_one(client, catalog, alice, django_assert_max_num_queries):
    sizes = [stocked_size(catalog, skip=i) for i in range(0, 12, 2)]
    for size in sizes:
        place_order(alice, [OrderItem(size.product_id, size.label, 1)])
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        page = client.get(PURCHASES)
    orders = page.context["orders"]
    assert len(orders) == len(sizes)
    assert [o.pk for o in orders] == sorted((o.pk for o in orders), reverse=True)
    assert OrderLine.objects.filter(order__user=alice).count() == len(sizes)


def test_no_like_this_box_without_purchases(client, alice):
    client.force_login(alice)
    html = client.get(PURCHASES).content.decode()
    assert "not bought anything yet" in html and "Like one of my purchases" not in html


def test_address_step_refuses_bad_input_and_prefills_from_the_last_order(client, catalog, alice):
    add(client, stocked_size(catalog))
    client.force_login(alice)
    response = give_address(client, postcode="12", phone="call me", email="nope")
    assert response.status_code == 200  # the form again, with the reasons
    html = response.content.decode()
    assert "6-digit PIN code" in html and "phone number" in html and "valid email" in html
    assert client.get(CHECKOUT).url == ADDRESS_STEP  # no valid address: no review
    give_address(client)
    client.post(CHECKOUT)
    add(client, stocked_size(catalog, skip=3))
    form = client.get(ADDRESS_STEP).context["form"]
    assert form.initial["line1"] == ADDRESS["line1"]  # the next checkout starts from it


def test_confirmation_pages_are_private(client, catalog, alice, bob):
    size = stocked_size(catalog)
    order = place_order(alice, [OrderItem(size.product_id, size.label, 1)])
    client.force_login(bob)
    assert client.get(reverse("shop:order_placed", args=[order.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("shop:order_placed", args=[order.pk])).status_code == 200


def test_signup_from_the_cart_comes_back_to_checkout(client, catalog):
    add(client, stocked_size(catalog))
    cart = client.get(CART).content.decode()
    signup_link = f"{reverse('signup')}?next={CHECKOUT}"
    assert signup_link in cart and f"{reverse('login')}?next={CHECKOUT}" in cart
    response = client.post(
        signup_link, {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD, "next": CHECKOUT}
    )
    assert response.status_code == 302 and response.url == CHECKOUT
    assert client.get(CHECKOUT).url == ADDRESS_STEP  # logged in, cart kept, on to the address


def test_cart_follows_the_shopper_to_another_browser(client, catalog, alice):
    first, second = stocked_size(catalog), stocked_size(catalog, skip=4)
    add(client, first, 2)  # anonymous in browser A
    client.post(reverse("login"), {"username": alice.username, "password": PASSWORD})
    other = type(client)()  # browser B
    add(other, second, 1)  # anonymous there
    other.post(reverse("login"), {"username": alice.username, "password": PASSWORD})
    keys = {f"{first.product_id}|{first.label}": 2, f"{second.product_id}|{second.label}": 1}
    assert other.session[SESSION_KEY] == keys  # merged: what A saved and what B held
    other.post(reverse("logout"))
    assert client.get(CART).context["cart_count"] == 2  # A's session is its own until it logs in
    third = type(client)()
    third.post(reverse("login"), {"username": alice.username, "password": PASSWORD})
    assert third.get(CART).context["cart_count"] == 3  # the account keeps it after logging out


def test_checkout_forms_need_csrf(catalog, alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(ADDRESS_STEP, ADDRESS).status_code == 403
    assert strict.post(CHECKOUT).status_code == 403


def test_quantity_changes_in_the_cart_within_the_stock(client, catalog):
    size = stocked_size(catalog, minimum=1)
    ProductSize.objects.filter(pk=size.pk).update(stock=4)
    add(client, size, 1)
    line = {"product_id": size.product_id, "size": size.label}
    html = client.get(CART).content.decode()
    assert 'name="quantity"' in html and 'max="4"' in html and reverse("shop:cart_update") in html
    response = client.post(reverse("shop:cart_update"), {**line, "quantity": 3})
    assert response.status_code == 302 and response.url == CART
    assert client.get(CART).context["cart_count"] == 3
    # More than the stock, nonsense, or a line the cart does not hold: a 400 with the reason.
    for bad, reason in (
        ({**line, "quantity": 5}, "Only 4 left"),
        ({**line, "quantity": "0"}, "greater than or equal to 1"),
        ({**line, "quantity": "two"}, "whole number"),
        ({**line, "product_id": "abc", "quantity": 1}, "not in your cart"),
        ({**line, "product_id": 999_999_999, "quantity": 1}, "not in your cart"),
        ({**line, "size": "NOPE", "quantity": 1}, "choose a size"),
    ):
        refused = client.post(reverse("shop:cart_update"), bad)
        assert refused.status_code == 400 and reason in refused.content.decode(), (bad, reason)
    assert client.get(CART).context["cart_count"] == 3
    other = stocked_size(catalog, skip=5)
    not_held = {"product_id": other.product_id, "size": other.label, "quantity": 1}
    refused = client.post(reverse("shop:cart_update"), not_held)
    assert refused.status_code == 400 and "not in your cart" in refused.content.decode()


def test_adding_twice_counts_what_the_cart_holds_against_the_stock(client, catalog):
    size = stocked_size(catalog, minimum=1)
    ProductSize.objects.filter(pk=size.pk).update(stock=3)
    add(client, size, 2)
    response = add(client, size, 2)
    assert "Only 3 left" in client.get(response.url).content.decode()
    assert client.session[SESSION_KEY] == {f"{size.product_id}|{size.label}": 2}


def test_adding_stays_on_the_product_page_with_its_trail_and_continue_shopping_goes_back(client, catalog):
    size = stocked_size(catalog)
    page = f"{size.product.get_absolute_url()}?step=1%3Ain+navy"
    html = client.get(page).content.decode()
    assert f'name="next" value="{size.product.get_absolute_url()}?step=1%3Ain+navy"' in html
    response = client.post(
        reverse("shop:cart_add", args=[size.product_id]), {"size": size.label, "quantity": 1, "next": page}
    )
    assert response.status_code == 302 and response.url == page
    cart = client.get(CART).content.decode()
    assert f'href="{page.replace("&", "&amp;")}" class="button secondary">Continue shopping' in cart
    # Coming to the cart from another shopping page: back to that one.
    from_catalog = client.get(CART, HTTP_REFERER="http://testserver/?q=shirt")
    back = 'href="http://testserver/?q=shirt" class="button secondary">Continue shopping'
    assert back in from_catalog.content.decode()
    # Never back into checkout, nor to another site.
    for referer in ("http://testserver/checkout/", "https://evil.example/"):
        html = client.get(CART, HTTP_REFERER=referer).content.decode()
        assert f'href="{page}" class="button secondary">Continue shopping' in html


def _input(html: str, name: str) -> str:
    """The <input> tag of the field `name`."""
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_address_fields_name_their_autocomplete_and_keyboard(client, catalog, alice):
    client.force_login(alice)
    add(client, stocked_size(catalog))
    html = client.get(ADDRESS_STEP).content.decode()
    tokens = {"name": "name", "line1": "address-line1", "line2": "address-line2", "city": "address-level2",
              "postcode": "postal-code", "phone": "tel", "email": "email"}  # fmt: skip
    for name, token in tokens.items():
        assert f'autocomplete="{token}"' in _input(html, name), name
    assert 'inputmode="numeric"' in _input(html, "postcode")  # a phone opens its digits
    assert 'type="tel"' in _input(html, "phone") and 'inputmode="tel"' in _input(html, "phone")
