"""The shopping cart, kept in the session so anonymous shoppers can fill it before logging in.

A signed-in shopper's cart is also kept with the account (``SavedCart``): every change is
written there, and logging in merges it with what the session holds, so the cart follows the
shopper to another browser and survives logging out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from shop.models import Product, SavedCart
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

    @property
    def max_quantity(self) -> int:
        """The most this line may hold: the size's stock (a one-size product has no count), capped."""
        size = next((s for s in self.product.sizes.all() if s.label == self.size), None)
        return min(size.stock, MAX_QUANTITY_PER_LINE) if size is not None else MAX_QUANTITY_PER_LINE


def _valid_items(items: object) -> dict[str, int]:
    """Cart items as stored ({"<product id>|<size>": quantity}), anything malformed dropped."""
    if not isinstance(items, dict):
        return {}
    valid = {}
    for key, quantity in items.items():
        product_id = key.split("|", 1)[0] if isinstance(key, str) and "|" in key else ""
        if product_id.isascii() and product_id.isdigit() and isinstance(quantity, int) and quantity > 0:
            valid[key] = min(quantity, MAX_QUANTITY_PER_LINE)
    return valid


class Cart:
    def __init__(self, session, user: AbstractBaseUser | AnonymousUser | None = None):
        self.session = session
        self.user = user if user is not None and user.is_authenticated else None
        self.items: dict[str, int] = _valid_items(session.get(SESSION_KEY, {}))

    @classmethod
    def of(cls, request: HttpRequest) -> Cart:
        return cls(request.session, getattr(request, "user", None))

    @staticmethod
    def _key(product_id: int, size: str) -> str:
        return f"{product_id}|{size}"

    def add(self, product_id: int, size: str, quantity: int = 1) -> None:
        key = self._key(product_id, size)
        self.items[key] = min(self.items.get(key, 0) + quantity, MAX_QUANTITY_PER_LINE)
        self._save()

    def quantity(self, product_id: int, size: str) -> int:
        return self.items.get(self._key(product_id, size), 0)

    def set_quantity(self, product_id: int, size: str, quantity: int) -> None:
        """A line's new quantity (checked against the stock by CartQuantityForm)."""
        self.items[self._key(product_id, size)] = min(quantity, MAX_QUANTITY_PER_LINE)
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
        products = Product.objects.prefetch_related("sizes").in_bulk([i.product_id for i in items])
        return [
            CartLine(products[i.product_id], i.size, i.quantity) for i in items if i.product_id in products
        ]

    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines()), Decimal("0"))

    def _save(self) -> None:
        self.session[SESSION_KEY] = self.items
        self.session.modified = True
        if self.user is not None:
            SavedCart.objects.update_or_create(user=self.user, defaults={"items": self.items})


def merge_saved_cart(session, user: AbstractBaseUser) -> None:
    """At login: the session's cart and the account's saved cart become one, in both places.
    A line in both keeps the larger quantity (the same item added twice is not bought twice)."""
    saved = SavedCart.objects.filter(user=user).values_list("items", flat=True).first()
    merged = _valid_items(saved)
    for key, quantity in _valid_items(session.get(SESSION_KEY, {})).items():
        merged[key] = max(merged.get(key, 0), quantity)
    cart = Cart(session, user)
    cart.items = merged
    cart._save()
