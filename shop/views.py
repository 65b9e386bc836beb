"""Storefront pages. Thin views: queries live in shop.selectors, writes in shop.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shop.cart import Cart
from shop.forms import AddToCartForm, RemoveFromCartForm, SignupForm
from shop.models import OrderLine, Product, ProductSize
from shop.selectors import FilterError, ProductFilters, filter_choices, filter_products, parse_product_filters
from shop.services import OrderError, place_order

PAGE_SIZE = 24
GRID_FIELDS = ("id", "name", "brand", "gender", "article_type", "price", "discounted_price", "image")
FILTER_PARAMS = ("q", "gender", "article_type", "colour", "min_price", "max_price", "size", "in_stock")


def _parse_filters(params) -> tuple[ProductFilters, dict[str, str]]:
    """The valid filters of a query string, and a message for each invalid one (which is ignored)."""
    raw = {name: params.get(name, "") for name in FILTER_PARAMS}
    errors: dict[str, str] = {}
    for _ in range(len(FILTER_PARAMS)):
        try:
            return parse_product_filters(raw), errors
        except FilterError as exc:
            errors.update(exc.errors)
            for name in exc.errors:
                raw[name] = ""
    return ProductFilters(), errors


def _size_labels() -> list[str]:
    return list(
        ProductSize.objects.filter(product__is_active=True)
        .order_by("label")
        .values_list("label", flat=True)
        .distinct()
    )


def catalog(request: HttpRequest) -> HttpResponse:
    filters, filter_errors = _parse_filters(request.GET)
    products = filter_products(filters).only(*GRID_FIELDS).order_by("id")
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(filters.as_query_params())
    return render(
        request,
        "shop/catalog.html",
        {
            "page": page,
            "filters": filters,
            "filter_errors": filter_errors,
            "filter_query": query,
            "choices": filter_choices(),
            "size_labels": _size_labels(),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


def _active_product(pk: int) -> Product:
    return get_object_or_404(Product.objects.filter(is_active=True).prefetch_related("sizes"), pk=pk)


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _active_product(pk)
    return render(request, "shop/product.html", _product_context(product, AddToCartForm(product=product)))


def _product_context(product: Product, form: AddToCartForm) -> dict:
    details = [
        ("Brand", product.brand),
        ("Gender", product.gender),
        ("Type", product.article_type),
        ("Colour", ", ".join(c for c in (product.base_colour, product.colour1, product.colour2) if c)),
        ("Season", product.season),
        ("Year", product.year or ""),
        ("Usage", product.usage),
    ]
    details += sorted((product.attributes or {}).items())
    return {"product": product, "form": form, "sizes": form.sizes, "details": [d for d in details if d[1]]}


@require_POST
def cart_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = _active_product(pk)
    form = AddToCartForm(request.POST, product=product)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return render(request, "shop/product.html", _product_context(product, form), status=400)
    size, quantity = form.cleaned_data["size"], form.cleaned_data["quantity"]
    Cart(request.session).add(product.pk, size, quantity)
    sized = f" (size {size})" if size else ""
    messages.success(request, f"Added {quantity} × {product.name}{sized} to your cart.")
    return redirect("shop:cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    form = RemoveFromCartForm(request.POST)
    if form.is_valid():
        Cart(request.session).remove(form.cleaned_data["product_id"], form.cleaned_data["size"])
        messages.info(request, "Removed from your cart.")
    return redirect("shop:cart")


def cart_view(request: HttpRequest) -> HttpResponse:
    cart = Cart(request.session)
    lines = cart.lines()
    return render(request, "shop/cart.html", {"lines": lines, "total": cart.total()})


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    cart = Cart(request.session)
    if not cart.count():
        messages.info(request, "Your cart is empty.")
        return redirect("shop:cart")
    if request.method == "POST":
        try:
            order = place_order(request.user, cart.order_items())
        except OrderError as exc:
            messages.error(request, str(exc))
            return redirect("shop:cart")
        cart.clear()
        messages.success(request, f"Thank you! Order #{order.pk} is placed.")
        return redirect("shop:purchases")
    return render(request, "shop/checkout.html", {"lines": cart.lines(), "total": cart.total()})


@login_required
def purchases(request: HttpRequest) -> HttpResponse:
    lines = OrderLine.objects.select_related("product").only(
        "id", "order_id", "size", "quantity", "unit_price", "product__id", "product__name",
        "product__image", "product__brand", "product__is_active",
    )  # fmt: skip
    orders = list(request.user.orders.prefetch_related(Prefetch("lines", queryset=lines)))
    has_purchases = any(o.status != o.Status.CANCELLED for o in orders)
    return render(request, "shop/purchases.html", {"orders": orders, "has_purchases": has_purchases})


def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "shop:catalog")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        return redirect(next_url or reverse("shop:catalog"))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})
