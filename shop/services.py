"""Write-side operations of the store: placing orders and confirming them by email."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from shop.models import Order, OrderLine, Product, ProductSize

logger = logging.getLogger(__name__)

MAX_QUANTITY_PER_LINE = 20
MAX_LINES_PER_ORDER = 50


class OrderError(ValueError):
    """An order that cannot be placed; the message is safe to show to the shopper."""


@dataclass(frozen=True)
class OrderItem:
    product_id: int
    size: str
    quantity: int


@dataclass(frozen=True)
class Shipping:
    """Where an order goes and whom to tell (the checkout's address step)."""

    name: str
    line1: str
    city: str
    postcode: str
    phone: str
    email: str
    line2: str = ""

    def order_fields(self) -> dict[str, str]:
        fields = {f"ship_{name}": value for name, value in asdict(self).items() if name != "email"}
        return {**fields, "email": self.email}


@transaction.atomic
def place_order(user: AbstractBaseUser, items: list[OrderItem], shipping: Shipping | None = None) -> Order:
    """Create an order from cart items, taking the stock of each size; all or nothing.
    Payment is on delivery; `shipping` is the address (API orders may have none).

    Sizes are locked (SELECT ... FOR UPDATE) so two shoppers can never buy the last item twice.
    """
    if not items:
        raise OrderError("The order has no items.")
    if len(items) > MAX_LINES_PER_ORDER:
        raise OrderError(f"An order can hold at most {MAX_LINES_PER_ORDER} lines.")
    merged: dict[tuple[int, str], int] = {}
    for item in items:
        if item.quantity < 1 or item.quantity > MAX_QUANTITY_PER_LINE:
            raise OrderError(f"Quantity must be between 1 and {MAX_QUANTITY_PER_LINE}.")
        key = (item.product_id, item.size)
        merged[key] = merged.get(key, 0) + item.quantity

    products = Product.objects.in_bulk({pid for pid, _ in merged})
    order = Order.objects.create(user=user, **(shipping.order_fields() if shipping else {}))
    total = Decimal("0")
    for (product_id, size_label), quantity in sorted(merged.items()):
        product = products.get(product_id)
        if product is None or not product.is_active:
            raise OrderError(f"Product {product_id} does not exist.")
        sizes = list(ProductSize.objects.select_for_update().filter(product=product))
        if sizes:
            size = next((s for s in sizes if s.label == size_label), None)
            if size is None:
                raise OrderError(f"{product.name} has no size '{size_label}'.")
            if size.stock < quantity:
                raise OrderError(f"Only {size.stock} left of {product.name} in size {size_label}.")
            size.stock -= quantity
            size.save(update_fields=["stock"])
        elif size_label:
            raise OrderError(f"{product.name} comes in one size only.")
        line = OrderLine.objects.create(
            order=order, product=product, size=size_label, quantity=quantity, unit_price=product.selling_price
        )
        total += line.line_total
    order.total = total
    order.save(update_fields=["total"])
    return order


def send_order_confirmation(order: Order) -> bool:
    """Email the shopper what they ordered and where it goes (settings.EMAIL_*; the console in
    development). The order stands whatever happens to the mail: a failure is logged, False."""
    recipient = order.email or order.user.email
    if not recipient:
        return False
    context = {"order": order, "lines": list(order.lines.select_related("product"))}
    try:
        send_mail(
            subject=f"Your order #{order.pk} is placed",
            message=render_to_string("shop/email/order_confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient],
        )
    except Exception:  # a mail server that is down must not turn a placed order into an error
        logger.exception("could not send the confirmation of order %s", order.pk)
        return False
    return True
