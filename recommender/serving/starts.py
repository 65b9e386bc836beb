"""Where "Like one of my purchases, but …" can start: any product the shopper bought (newest
first) or has in the cart. The REST API takes any reference already; this is the page's choice.

Shown as radio buttons named ``reference`` in the box's form, so the choice travels as the same
parameter the results page reads (no JavaScript needed); ``?start=<id>`` on My purchases picks
one ("Start from this" beside each order line).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from shop.cart import Cart
from shop.models import Product
from shop.params import is_id
from shop.selectors import purchase_lines

MAX_PURCHASES = 12
MAX_CART = 6
LINES_READ = 200  # enough order lines to find MAX_PURCHASES different products


@dataclass(frozen=True)
class Start:
    product: Product
    note: str  # "bought 3 Jan 2025", "in your cart"
    checked: bool = False


def start_choices(
    user: AbstractBaseUser | AnonymousUser, cart: Cart, chosen: str | None = None
) -> list[Start]:
    """The shopper's purchases (newest first, each product once) and then the cart's other
    products; `chosen` (a product id) is checked when it is one of them, else the newest."""
    if not user.is_authenticated:
        return []
    found: dict[int, tuple[Product, str]] = {}
    for line in purchase_lines(user)[:LINES_READ]:
        if line.product.is_active and line.product_id not in found and len(found) < MAX_PURCHASES:
            found[line.product_id] = (line.product, f"bought {line.order.created_at:%-d %b %Y}")
    cart_ids = [item.product_id for item in cart.order_items() if item.product_id not in found]
    in_cart = Product.objects.filter(pk__in=cart_ids[:MAX_CART], is_active=True).only("id", "name", "image")
    for product in in_cart:
        found[product.pk] = (product, "in your cart")
    wanted = int(chosen) if chosen and is_id(chosen) and int(chosen) in found else next(iter(found), None)
    return [Start(product, note, pk == wanted) for pk, (product, note) in found.items()]
