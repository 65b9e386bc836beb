"""The shopping cart, kept in the session so anonymous shoppers can fill it before logging in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shop.models import Product
from shop.services import MAX_QUANTITY_PER_LINE, OrderItem

SESSION_KEY = "cart"


@dataclass
class CartLine:
    product: Product
    size: str
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return self.product.selling_price * self.quantity


class Cart:
    def __init__(self, session):
        self.session = session
        self.items: dict[str, int] = dict(session.get(SESSION_KEY, {}))

    @staticmethod
    def _key(product_id: int, size: str) -> str:
        return f"{product_id}|{size}"

    def add(self, product_id: int, size: str, quantity: int = 1) -> None:
        key = self._key(product_id, size)
        self.items[key] = min(self.items.get(key, 0) + quantity, MAX_QUANTITY_PER_LINE)
        self._save()

    def remove(self, product_id: int, size: str) -> None:
        self.items.pop(self._key(product_id, size), None)
        self._save()

    def clear(self) -> None:
        self.items = {}
        self._save()

    def count(self) -> int:
        return sum(self.items.values())

    def order_items(self) -> list[OrderItem]:
        result = []
        for key, quantity in self.items.items():
            product_id, size = key.split("|", 1)
            result.append(OrderItem(product_id=int(product_id), size=size, quantity=quantity))
        return result

    def lines(self) -> list[CartLine]:
        items = self.order_items()
        products = Product.objects.in_bulk([i.product_id for i in items])
        return [
            CartLine(products[i.product_id], i.size, i.quantity) for i in items if i.product_id in products
        ]

    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines()), Decimal("0"))

    def _save(self) -> None:
        self.session[SESSION_KEY] = self.items
        self.session.modified = True
