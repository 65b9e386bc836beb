"""Thin views of the mobile REST API: parsing and shaping here, logic in selectors and services."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, permissions, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shop.api.errors import ERROR_400, ERROR_401, ERROR_404, ERROR_429
from shop.api.parsers import BoundedJSONParser
from shop.api.serializers import (
    AuthTokenResponseSerializer,
    OrderCreateSerializer,
    OrderSerializer,
    ProductDetailSerializer,
    ProductListSerializer,
    PurchaseSerializer,
)
from shop.api.throttles import AnonRateThrottle
from shop.models import AgeGroup, Gender, Order, OrderLine
from shop.security import credential_problems, is_locked_out, lockout_response
from shop.selectors import (
    FilterError,
    Sort,
    active_products,
    filter_products,
    parse_product_filters,
    purchase_lines,
    sort_products,
)
from shop.services import OrderError, OrderItem, place_order

EXAMPLE_PRODUCT = settings.API_EXAMPLE_PRODUCT  # the API docs' examples name it (settings)

PRODUCT_FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Keywords matched against name, brand, type and colour."),
    OpenApiParameter("gender", str, enum=list(Gender.values), description="Case-insensitive."),
    OpenApiParameter(
        "age_group", str, enum=list(AgeGroup.values), description="Adults or Kids (of any gender)."
    ),
    OpenApiParameter("article_type", str, description="e.g. Tshirts, Jeans (case-insensitive)."),
    OpenApiParameter("colour", str, description="Base colour, e.g. Blue (case-insensitive)."),
    OpenApiParameter("min_price", OpenApiTypes.DECIMAL, description="Lowest selling price."),
    OpenApiParameter(
        "max_price", OpenApiTypes.DECIMAL, description="Highest selling price; not below min_price."
    ),
    OpenApiParameter("size", str, description="Only products offered in this size label, e.g. M."),
    OpenApiParameter("in_stock", bool, description="Only products with stock (in `size` when given)."),
]

SORT_PARAMETER = OpenApiParameter(
    "sort",
    str,
    enum=list(Sort.values),
    description="relevance (default: keyword rank with `q`, else catalog order), price, -price, newest.",
)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token.

    JSON first (the schema's default); repeated failures for one username from one address
    lock that pair out (429 with Retry-After), and each address has a request rate."""

    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    throttle_classes = [AnonRateThrottle]  # ObtainAuthToken turns throttles off by default
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=AuthTokenSerializer,
        responses={200: AuthTokenResponseSerializer, 400: ERROR_400, 429: ERROR_429},
        auth=[],
        examples=[
            OpenApiExample(
                "Demo shopper", value={"username": "bob", "password": "shopper-bob"}, request_only=True
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        problems = credential_problems(request.data)  # before any query: these would be 500s there
        if problems:
            raise ValidationError(problems)
        username = request.data.get("username") if isinstance(request.data, dict) else None
        if isinstance(username, str) and is_locked_out(request._request, username):
            return lockout_response(request._request)
        return super().post(request, *args, **kwargs)


@extend_schema(tags=["catalog"])
@extend_schema_view(
    get=extend_schema(
        summary="List active products",
        parameters=[*PRODUCT_FILTER_PARAMETERS, SORT_PARAMETER],
        responses={200: ProductListSerializer(many=True), 400: ERROR_400, 404: ERROR_404},
    )
)
class ProductListView(generics.ListAPIView):
    """The catalog with the same filters as the shop pages; unknown query parameters are ignored."""

    serializer_class = ProductListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return active_products().none()
        try:
            filters = parse_product_filters(self.request.query_params)
        except FilterError as exc:
            raise ValidationError(exc.errors) from None
        sort = self.request.query_params.get("sort", Sort.RELEVANCE)
        if sort not in Sort.values:  # the API says so, where a shop page falls back to relevance
            raise ValidationError({"sort": f"Must be one of: {', '.join(Sort.values)}."})
        return sort_products(filter_products(filters).prefetch_related("sizes"), Sort(sort))


@extend_schema(tags=["catalog"])
@extend_schema_view(
    get=extend_schema(summary="One active product", responses={200: ProductDetailSerializer, 404: ERROR_404})
)
class ProductDetailView(generics.RetrieveAPIView):
    serializer_class = ProductDetailSerializer

    def get_queryset(self):
        return active_products().prefetch_related("sizes")


@extend_schema(tags=["account"])
@extend_schema_view(
    get=extend_schema(
        summary="The caller's purchase history, newest first",
        responses={200: PurchaseSerializer(many=True), 400: ERROR_400, 401: ERROR_401, 404: ERROR_404},
    )
)
class PurchaseListView(generics.ListAPIView):
    serializer_class = PurchaseSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrderLine.objects.none()
        return purchase_lines(self.request.user)


class CallerOrdersMixin:
    """Only the caller's own orders exist for them: anyone else's is a 404, never a 403. Listing,
    placing and reading orders share one request rate per account (RATE_ORDERS_USER)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrderSerializer
    throttle_scope = "orders"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return Order.objects.filter(user=self.request.user).prefetch_related("lines__product")


@extend_schema(tags=["orders"])
@extend_schema_view(
    get=extend_schema(
        summary="The caller's orders, newest first",
        responses={
            200: OrderSerializer(many=True), 400: ERROR_400, 401: ERROR_401, 404: ERROR_404, 429: ERROR_429
        },
    ),
    post=extend_schema(
        summary="Place an order",
        request=OrderCreateSerializer,
        responses={201: OrderSerializer, 400: ERROR_400, 401: ERROR_401, 429: ERROR_429},
        examples=[
            OpenApiExample(
                "One shirt in size 40",
                value={"lines": [{"product": EXAMPLE_PRODUCT, "size": "40", "quantity": 1}]},
                request_only=True,
            )
        ],
    ),
)
class OrderListView(CallerOrdersMixin, generics.ListCreateAPIView):
    def create(self, request, *args, **kwargs):
        body = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        items = [
            OrderItem(line["product"], line["size"], line["quantity"])
            for line in body.validated_data["lines"]
        ]
        try:
            order = place_order(request.user, items)
        except OrderError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        order = self.get_queryset().get(pk=order.pk)
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["orders"])
@extend_schema_view(
    get=extend_schema(
        summary="One of the caller's orders",
        responses={200: OrderSerializer, 401: ERROR_401, 404: ERROR_404, 429: ERROR_429},
    )
)
class OrderDetailView(CallerOrdersMixin, generics.RetrieveAPIView):
    pass
