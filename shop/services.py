"""Write-side operations of the store: placing orders."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from shop.models import Order, OrderLine, Product, ProductSize

MAX_QUANTITY_PER_LINE = 20
MAX_LINES_PER_ORDER = 50


class OrderError(ValueError):
    """An order that cannot be placed; the message is safe to show to the shopper."""


@dataclass(frozen=True)
class OrderItem:
    product_id: int
    size: str
    quantity: int


@transaction.atomic
def place_order(user: AbstractBaseUser, items: list[OrderItem]) -> Order:
    """Create an order from cart items, taking the stock of each size; all or nothing.

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
    order = Order.objects.create(user=user)
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
