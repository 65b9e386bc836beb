from django.http import HttpRequest

from shop.cart import Cart


def cart(request: HttpRequest) -> dict:
    """The number of items in the session cart, for the header badge."""
    return {"cart_count": Cart(request.session).count()}
