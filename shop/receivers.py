"""What the shop does when Django signals something: merge the cart at login, forget the catalog's
filter options when the catalog changes."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.cart import merge_saved_cart
from shop.models import Product, ProductSize
from shop.selectors import forget_catalog_facets
from shop.signals import products_imported


@receiver(user_logged_in, dispatch_uid="shop.merge_saved_cart")
def merge_cart_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        merge_saved_cart(request.session, user)


def catalog_changed(sender, update_fields=None, **kwargs) -> None:
    """A product or size saved or deleted: the filter options are read anew. A size's stock
    alone (every order saves it) changes none of them."""
    if update_fields is not None and set(update_fields) <= {"stock"}:
        return
    forget_catalog_facets()


for model in (Product, ProductSize):
    for signal in (post_save, post_delete):
        uid = f"shop.facets.{'saved' if signal is post_save else 'deleted'}.{model.__name__}"
        signal.connect(catalog_changed, sender=model, dispatch_uid=uid)
products_imported.connect(forget_catalog_facets, dispatch_uid="shop.facets.imported")
