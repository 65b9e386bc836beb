"""Storefront pages. Thin views: queries live in shop.selectors, writes in shop.services.

Every form posts, then redirects (post/redirect/get): a reload never posts twice, and a refused
form comes back as a message on the page it came from.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shop import search
from shop.api.throttles import over_limit
from shop.cart import Cart
from shop.forms import (
    AddressForm,
    AddToCartForm,
    CartQuantityForm,
    LoginForm,
    RemoveFromCartForm,
    SignupForm,
)
from shop.models import Order, OrderLine, Product
from shop.params import is_id
from shop.security import client_ip
from shop.selectors import (
    ProductFilterForm,
    ProductFilters,
    Sort,
    catalog_facets,
    keyword_results,
    parse_sort,
    sort_products,
)
from shop.services import OrderError, Shipping, place_order, send_order_confirmation

GRID_FIELDS = (
    "id", "name", "brand", "gender", "age_group", "article_type", "price", "discounted_price", "image",
)  # fmt: skip
ADDRESS_SESSION_KEY = "checkout_address"
CONTINUE_SESSION_KEY = "continue_shopping"  # the page the shopper last added to the cart from
NOT_SHOPPING = ("/cart/", "/checkout/", "/orders/", "/accounts/")  # where "Continue shopping" never goes
ADDED_TAG = "added-to-cart"  # a message the page shows with a link to the cart


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    """`url` when it points into this site (a `next` parameter), else None."""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return None


def _parse_filters(params) -> tuple[ProductFilters, dict[str, str]]:
    """The valid filters of a query string, and a message for each invalid one (which is ignored)."""
    form = ProductFilterForm(data=params)
    return form.valid_filters(), form.message_by_field()


def catalog(request: HttpRequest) -> HttpResponse:
    asked, filter_errors = _parse_filters(request.GET)
    products, filters, corrected = keyword_results(asked)
    sort = parse_sort(request.GET.get("sort"))
    products = sort_products(products.only(*GRID_FIELDS).prefetch_related("sizes"), sort)
    page = Paginator(products, settings.PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    query = {**filters.as_query_params(), **({"sort": sort.value} if sort != Sort.RELEVANCE else {})}
    choices = catalog_facets()
    size_labels = choices.pop("size_labels")
    return render(
        request,
        "shop/catalog.html",
        {
            "page": page,
            "filters": filters,
            "asked_q": asked.q,
            "corrected": corrected,
            "filter_errors": filter_errors,
            "filter_query": urlencode(query),
            "active_filter_count": len(set(filters.as_query_params()) - {"q"}),
            "sort": sort,
            "sorts": Sort.choices,
            "choices": choices,
            "size_labels": size_labels,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


SUGGESTION_FILTERS = {"type": "article_type", "colour": "colour"}  # a brand is searched as words
MAX_SUGGEST_LENGTH = 60


def search_suggestions(request: HttpRequest) -> JsonResponse:
    """GET ?q=<letters>: the catalog's product types, colours and brands as the shopper types,
    each with the catalog page it opens (the header's combobox; the keyword search stays the
    fallback). A query that is too long or not text is a 400."""
    typed = request.GET.get("q", "")
    if len(typed) > MAX_SUGGEST_LENGTH or "\x00" in typed:
        message = f"q must be at most {MAX_SUGGEST_LENGTH} characters of text."
        return JsonResponse({"error": message}, status=400)
    catalog = reverse("shop:catalog")
    found = []
    for kind, label in search.suggestions(typed):
        query = urlencode({SUGGESTION_FILTERS.get(kind, "q"): label})
        found.append({"kind": kind, "label": label, "url": f"{catalog}?{query}"})
    response = JsonResponse({"q": typed, "suggestions": found})
    response["Cache-Control"] = "max-age=300"  # the catalog's words change with an import, not by the minute
    return response


def _active_product(pk: int) -> Product:
    return get_object_or_404(Product.objects.filter(is_active=True).prefetch_related("sizes"), pk=pk)


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _active_product(pk)
    form = AddToCartForm(product=product)
    details = [
        ("Brand", product.brand),
        ("For", product.audience),
        ("Type", product.article_type),
        ("Colour", ", ".join(c for c in (product.base_colour, product.colour1, product.colour2) if c)),
        ("Season", product.season),
        ("Year", product.year or ""),
        ("Usage", product.usage),
    ]
    details += sorted((product.attributes or {}).items())
    context = {"product": product, "form": form, "sizes": form.sizes, "details": [d for d in details if d[1]]}
    return render(request, "shop/product.html", context)


@require_POST
def cart_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the cart from the product page or a card's quick add, then back to the page it came
    from (`next`, trail and all; else the product page) with a confirmation or the reason it was
    refused: the shopper stays where they were shopping, with or without JavaScript."""
    product = _active_product(pk)
    cart = Cart.of(request)
    form = AddToCartForm(request.POST, product=product, cart=cart)
    back = safe_next(request, request.POST.get("next")) or product.get_absolute_url()
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{product.name}: {error}")
        return redirect(back)
    size, quantity = form.cleaned_data["size"], form.cleaned_data["quantity"]
    cart.add(product.pk, size, quantity)
    request.session[CONTINUE_SESSION_KEY] = back
    sized = f" (size {size})" if size else ""
    messages.success(request, f"Added {quantity} × {product.name}{sized} to your cart.", extra_tags=ADDED_TAG)
    return redirect(back)


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    """A new quantity for a line of the cart, within its size's stock; a refused one is a 400
    with the reason on the cart page."""
    cart = Cart.of(request)
    product = Product.objects.filter(pk=_posted_id(request), is_active=True).prefetch_related("sizes").first()
    form = CartQuantityForm(request.POST, product=product, cart=cart) if product is not None else None
    if form is None or not form.is_valid():
        errors = form.errors.values() if form is not None else [["That item is not in your cart."]]
        for error in (e for field_errors in errors for e in field_errors):
            messages.error(request, error)
        return _cart_page(request, cart, status=400)
    size, quantity = form.cleaned_data["size"], form.cleaned_data["quantity"]
    cart.set_quantity(product.pk, size, quantity)
    messages.success(request, f"{product.name}: quantity now {quantity}.")
    return redirect("shop:cart")


def _posted_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("product_id", "")
    return int(raw) if is_id(raw) else None


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    form = RemoveFromCartForm(request.POST)
    if form.is_valid():
        Cart.of(request).remove(form.cleaned_data["product_id"], form.cleaned_data["size"])
        messages.info(request, "Removed from your cart.")
    return redirect("shop:cart")


def continue_shopping_url(request: HttpRequest) -> str:
    """Where "Continue shopping" goes: the shopping page the shopper came from (the referring
    product, results or catalog page), else the page they last added from, else the catalog."""
    referer = safe_next(request, request.headers.get("referer"))
    if referer:
        path = urlsplit(referer).path
        if not path.startswith(NOT_SHOPPING):
            return referer
    return safe_next(request, request.session.get(CONTINUE_SESSION_KEY)) or reverse("shop:catalog")


def _cart_page(request: HttpRequest, cart: Cart, status: int = 200) -> HttpResponse:
    context = {"lines": cart.lines(), "total": cart.total(), "continue_url": continue_shopping_url(request)}
    return render(request, "shop/cart.html", context, status=status)


def cart_view(request: HttpRequest) -> HttpResponse:
    return _cart_page(request, Cart.of(request))


def _last_address(request: HttpRequest) -> dict[str, str]:
    """The address of this checkout, else of the shopper's last order (to fill the form in)."""
    if request.session.get(ADDRESS_SESSION_KEY):
        return request.session[ADDRESS_SESSION_KEY]
    last = request.user.orders.exclude(ship_line1="").first()
    if last is None:
        return {"email": request.user.email}
    names = ("name", "line1", "line2", "city", "postcode", "phone")
    return {**{name: getattr(last, f"ship_{name}") for name in names}, "email": last.email}


@login_required
def checkout_address(request: HttpRequest) -> HttpResponse:
    """Checkout, step 1: where it goes."""
    if not Cart.of(request).count():
        messages.info(request, "Your cart is empty.")
        return redirect("shop:cart")
    form = AddressForm(request.POST or None, initial=_last_address(request))
    if request.method == "POST" and form.is_valid():
        request.session[ADDRESS_SESSION_KEY] = {name: form.cleaned_data[name] for name in form.fields}
        return redirect("shop:checkout")
    return render(request, "shop/checkout_address.html", {"form": form, "step": 1})


def _checkout_shipping(request: HttpRequest) -> Shipping | None:
    """The address of step 1, when this session has a valid one."""
    form = AddressForm(request.session.get(ADDRESS_SESSION_KEY) or None)
    return form.shipping() if form.is_bound and form.is_valid() else None


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    """Checkout, step 2: review and place the order (pay on delivery)."""
    cart = Cart.of(request)
    if not cart.count():
        messages.info(request, "Your cart is empty.")
        return redirect("shop:cart")
    shipping = _checkout_shipping(request)
    if shipping is None:
        return redirect("shop:checkout_address")
    if request.method == "POST":
        try:
            order = place_order(request.user, cart.order_items(), shipping)
        except OrderError as exc:
            messages.error(request, str(exc))
            return redirect("shop:cart")
        cart.clear()
        request.session.pop(ADDRESS_SESSION_KEY, None)
        send_order_confirmation(order)
        return redirect("shop:order_placed", pk=order.pk)
    context = {"lines": cart.lines(), "total": cart.total(), "shipping": shipping, "step": 2}
    return render(request, "shop/checkout.html", context)


@login_required
def order_placed(request: HttpRequest, pk: int) -> HttpResponse:
    """Checkout, done: the confirmation of one of the shopper's own orders."""
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
    order = get_object_or_404(request.user.orders.prefetch_related(lines), pk=pk)
    context = {"order": order, "step": 3, "continue_url": continue_shopping_url(request)}
    return render(request, "shop/order_placed.html", context)


@login_required
def purchases(request: HttpRequest) -> HttpResponse:
    lines = OrderLine.objects.select_related("product").only(
        "id", "order_id", "size", "quantity", "unit_price", "product__id", "product__name",
        "product__image", "product__brand", "product__is_active",
    )  # fmt: skip
    orders = list(request.user.orders.prefetch_related(Prefetch("lines", queryset=lines)))
    has_purchases = any(o.status != Order.Status.CANCELLED for o in orders)
    return render(request, "shop/purchases.html", {"orders": orders, "has_purchases": has_purchases})


def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next")) or ""
    if request.user.is_authenticated:
        return redirect(next_url or "shop:catalog")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        return redirect(next_url or reverse("shop:catalog"))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    """The login page, counted against the same login rate per client address as the token
    endpoint: one address trying many usernames (which the per-username lockout never sees
    twice) is slowed down either way."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = over_limit("login", "anon", f"addr:{client_ip(request)}")
        if wait is not None:
            message = "Too many login attempts from your address. Please wait a moment and try again."
            response = render(request, "registration/locked.html", {"message": message}, status=429)
            response["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        return super().post(request, *args, **kwargs)
