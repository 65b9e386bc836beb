"""What the shop does when Django signals something: merge the cart at login."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.cart import merge_saved_cart


@receiver(user_logged_in, dispatch_uid="shop.merge_saved_cart")
def merge_cart_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        merge_saved_cart(request.session, user)
