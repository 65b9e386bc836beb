"""Serializers of the mobile REST API (/api/v1/).

``ProductSummarySerializer`` is the product shape shared with the recommender API: it needs no
extra queries beyond the product row itself, so it is safe to use on lists.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from shop.models import Order, OrderLine, Product, ProductSize
from shop.services import MAX_LINES_PER_ORDER, MAX_QUANTITY_PER_LINE


def absolute_url(context: dict, url: str) -> str:
    """An absolute URL when the serializer has a request in its context, else the path as is."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


class ProductSummarySerializer(serializers.ModelSerializer):
    """A product as shown in lists: identity, category, prices and picture."""

    selling_price = money(help_text="What the shopper pays: the discounted price when there is one.")
    discount_percent = serializers.IntegerField(read_only=True, help_text="0 when not discounted.")
    image = serializers.SerializerMethodField(help_text="Absolute URL of the product picture, or null.")
    url = serializers.SerializerMethodField(help_text="Absolute URL of the product in this API.")

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "brand",
            "gender",
            "article_type",
            "base_colour",
            "price",
            "discounted_price",
            "selling_price",
            "discount_percent",
            "image",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, product: Product) -> str | None:
        if not product.image:
            return None
        return absolute_url(self.context, product.image.url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product: Product) -> str:
        return absolute_url(self.context, reverse("api-product-detail", args=[product.pk]))


class ProductSizeSerializer(serializers.ModelSerializer):
    in_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProductSize
        fields = ["label", "stock", "in_stock"]
        read_only_fields = fields


@extend_schema_serializer(component_name="CatalogProduct")
class ProductListSerializer(ProductSummarySerializer):
    """A catalog list entry: the summary plus its sizes with stock (prefetched by the view)."""

    sizes = ProductSizeSerializer(many=True, read_only=True)

    class Meta(ProductSummarySerializer.Meta):
        fields = [*ProductSummarySerializer.Meta.fields, "sizes"]
        read_only_fields = fields


CENTS = Decimal("0.01")
_PK_MARK = 987_654_321_987_654_321  # stands for a product's id in its URL (product_cards)
_MONEY_FIELDS = frozenset({"price", "discounted_price", "selling_price"})  # DecimalFields, as text


def _money(value) -> str | None:
    """A price as DecimalField(decimal_places=2) renders it (the context's rounding, as DRF)."""
    return None if value is None else f"{value.quantize(CENTS):f}"


def product_cards(products: list[Product], context: dict, *, sizes: bool = True) -> list[dict]:
    """ProductListSerializer(products, many=True).data (ProductSummarySerializer's without
    `sizes`), built directly: the recommendation API answers up to 100 products a request, and
    DRF's per-field machinery, model instances of every size and an absolute URL built from
    scratch twice a product cost most of its serialising time (bench.serving). The serializers
    stay the schema and name the fields (a field added there appears here); a test keeps the two
    identical. Sizes are read in one query."""
    request = context.get("request")
    origin = request.build_absolute_uri("/")[:-1] if request is not None else ""

    def absolute(url: str) -> str:  # as absolute_url(), without parsing every path again
        is_path = url.startswith("/") and not url.startswith("//")
        return origin + url if is_path else absolute_url(context, url)

    stock = _sizes_of([p.pk for p in products]) if sizes else {}
    # Each product's URL from one reverse() per answer, not one per card (reverse() is slow).
    before_pk, after_pk = reverse("api-product-detail", args=[_PK_MARK]).split(str(_PK_MARK))
    cards = []
    for product in products:
        card = {}
        for name in ProductSummarySerializer.Meta.fields:  # the serializer names the fields
            if name == "id":
                value = product.pk
            elif name in _MONEY_FIELDS:
                value = _money(getattr(product, name))
            elif name == "image":
                value = absolute(product.image.url) if product.image else None
            elif name == "url":
                value = absolute(f"{before_pk}{product.pk}{after_pk}")
            else:  # a model field or property, as the serializer reads it
                value = getattr(product, name)
            card[name] = value
        if sizes:
            card["sizes"] = stock.get(product.pk, [])
        cards.append(card)
    return cards


def _sizes_of(product_ids: list[int]) -> dict[int, list[dict]]:
    """Each product's sizes as ProductSizeSerializer gives them, in their order."""
    rows = ProductSize.objects.filter(product_id__in=product_ids).order_by("product_id", "position", "id")
    sizes: dict[int, list[dict]] = {}
    for product_id, label, stock in rows.values_list("product_id", "label", "stock"):
        sizes.setdefault(product_id, []).append({"label": label, "stock": stock, "in_stock": stock > 0})
    return sizes


@extend_schema_serializer(component_name="ProductDetail")
class ProductDetailSerializer(ProductListSerializer):
    """Everything about one product: sizes with stock, attributes, description."""

    attributes = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Pattern, Sleeve Length, Neck, Fit, ..."
    )

    class Meta(ProductListSerializer.Meta):
        fields = [
            *ProductListSerializer.Meta.fields,
            "colour1",
            "colour2",
            "season",
            "year",
            "usage",
            "attributes",
            "description",
        ]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    product = ProductSummarySerializer(read_only=True)
    line_total = money()

    class Meta:
        model = OrderLine
        fields = ["id", "product", "size", "quantity", "unit_price", "line_total"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "status", "total", "created_at", "lines"]
        read_only_fields = fields


class PurchaseSerializer(serializers.ModelSerializer):
    """One line of the caller's purchase history."""

    order = serializers.IntegerField(source="order_id", read_only=True)
    ordered_at = serializers.DateTimeField(source="order.created_at", read_only=True)
    status = serializers.ChoiceField(source="order.status", choices=Order.Status.choices, read_only=True)
    product = ProductSummarySerializer(read_only=True)
    line_total = money()

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "order",
            "ordered_at",
            "status",
            "product",
            "size",
            "quantity",
            "unit_price",
            "line_total",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="OrderLineInput")
class OrderLineInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, help_text="Product id.")
    size = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Size label; blank for one-size.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY_PER_LINE)


class OrderCreateSerializer(serializers.Serializer):
    """The body of POST /orders/. Product and size are checked here, per line, for clear messages;
    stock is taken (and checked again, under lock) by ``shop.services.place_order``."""

    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES_PER_ORDER)

    def validate_lines(self, lines: list[dict]) -> list[dict]:
        products = (
            Product.objects.filter(is_active=True)
            .prefetch_related("sizes")
            .in_bulk({line["product"] for line in lines})
        )
        # Failing lines by index, in the same shape as DRF's own per-item errors of a list field.
        errors: dict[str, dict[str, list[str]]] = {}
        for index, line in enumerate(lines):
            message = self._line_error(line, products.get(line["product"]))
            if message:
                field, text = message
                errors[str(index)] = {field: [text]}
        if errors:
            raise serializers.ValidationError(errors)
        return lines

    @staticmethod
    def _line_error(line: dict, product: Product | None) -> tuple[str, str] | None:
        """(field, message) for the first problem of one line, or None."""
        if product is None:
            return "product", f"Product {line['product']} does not exist."
        sizes = {s.label: s for s in product.sizes.all()}
        size = line["size"]
        if not sizes:
            return ("size", f"{product.name} comes in one size only; leave size blank.") if size else None
        available = ", ".join(sizes)
        if size not in sizes:
            if not size:
                return "size", f"Choose a size of {product.name} (available: {available})."
            return "size", f"{product.name} has no size '{size}' (available: {available})."
        if sizes[size].stock < line["quantity"]:
            return "quantity", f"Only {sizes[size].stock} left of {product.name} in size {size}."
        return None


class AuthTokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'.")
