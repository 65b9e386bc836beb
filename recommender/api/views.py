"""REST: POST /api/v1/recommendations/ for shoppers and mobile clients; retraining for staff."""

import time

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from recommender.api.serializers import (
    ModelVersionSerializer,
    RecommendationRequestSerializer,
    RecommendationResponseSerializer,
    RetrainConflictSerializer,
    RetrainRequestSerializer,
)
from recommender.lifecycle import retrain, versions
from recommender.models import ModelVersion
from recommender.serving import services
from shop.api.errors import ERROR_400, ERROR_401, ERROR_403, ERROR_404, ERROR_429, ERROR_503
from shop.api.serializers import product_cards
from shop.api.views import EXAMPLE_PRODUCT
from shop.selectors import ProductFilters

CONFLICT = OpenApiResponse(RetrainConflictSerializer, description="A run is already queued or running.")

# Request bodies the API docs offer ("Try it out" sends the first one): real demo products.
RECOMMENDATION_EXAMPLES = [
    OpenApiExample(
        "In navy with short sleeves",
        value={"reference_product": EXAMPLE_PRODUCT, "text": "in navy with short sleeves", "limit": 5},
        request_only=True,
    ),
    OpenApiExample(
        "Cheaper and not black in size 40",
        value={
            "reference_product": EXAMPLE_PRODUCT,
            "text": "cheaper, not black",
            "limit": 10,
            "filters": {"size": "40", "in_stock": True},
        },
        request_only=True,
    ),
    OpenApiExample(
        "As a t-shirt of any gender",
        value={"reference_product": EXAMPLE_PRODUCT, "text": "as a t-shirt", "relax": ["gender"], "limit": 5},
        request_only=True,
    ),
    OpenApiExample(
        "Like my last purchase when logged in", value={"text": "in black", "limit": 5}, request_only=True
    ),
]
RETRAIN_EXAMPLES = [
    OpenApiExample(
        "Five epochs, wait for review", value={"config": {"epochs": 5}, "activate_when_ready": False},
        request_only=True,
    )
]


class RecommendationView(APIView):
    """Products like a reference product (or the caller's last purchase), changed as the text asks."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "recommendations"

    @extend_schema(
        request=RecommendationRequestSerializer,
        responses={200: RecommendationResponseSerializer, 400: ERROR_400, 429: ERROR_429, 503: ERROR_503},
        tags=["recommendations"],
        examples=RECOMMENDATION_EXAMPLES,
    )
    def post(self, request):
        params = RecommendationRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            ask = services.RecommendationRequest.checked(
                reference=data.get("reference_product"),
                text=data["text"],
                user=request.user,
                filters=data.get("filters") or ProductFilters(),
                limit=data["limit"],
                exclude_purchased=data["exclude_purchased"],
                relax=data["relax"],
            )
            recommendation = services.recommend(ask)
        except services.RecommendationError as exc:
            return Response(error_body(exc), status=exc.status_code)
        started = time.perf_counter()
        context = {"request": request}
        # Sizes with stock come with every result (one query for all of them); the cards are
        # built as ProductListSerializer would, without its per-field cost (shop.api.serializers).
        cards = product_cards([p for p, _ in recommendation.results], context)
        body = {
            "reference": product_cards([recommendation.reference], context, sizes=False)[0],
            "reference_is_last_purchase": recommendation.reference_is_last_purchase,
            "text": recommendation.text,
            "model_version": recommendation.model_version.name,
            "interpretation": interpretation_data(recommendation.interpretation),
            "results": [
                {"product": product, "score": round(score, 6)}
                for product, (_, score) in zip(cards, recommendation.results, strict=True)
            ],
        }
        timings = {**recommendation.timings, "serialize": (time.perf_counter() - started) * 1000.0}
        # Server-Timing tells clients (and bench/serving.py) where the time of a request goes.
        server_timing = ", ".join(f"{name};dur={ms:.2f}" for name, ms in timings.items())
        return Response(body, headers={"Server-Timing": server_timing})


# The request's parts as the API names them (services.RecommendationError.field).
API_FIELDS = {"reference": "reference_product"}


def error_body(exc: services.RecommendationError) -> dict:
    """{"error": ..., "detail": {field: [message]}} as the serializers' 400s say it."""
    body: dict = {"error": str(exc)}
    if exc.field:
        body["detail"] = {API_FIELDS.get(exc.field, exc.field): [str(exc)]}
    return body


def interpretation_data(interpretation) -> dict:
    """The API's shape of what was understood (InterpretationSerializer)."""
    data = interpretation.to_dict()
    names = ("understood", "constraints", "ignored", "mentioned", "relaxed", "companion")
    return {name: data[name] for name in names}


class RetrainView(APIView):
    """Queue the train -> embed -> activate pipeline (staff only)."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(
        request=RetrainRequestSerializer,
        responses={
            202: ModelVersionSerializer, 400: ERROR_400, 401: ERROR_401, 403: ERROR_403, 409: CONFLICT,
            503: ERROR_503,
        },
        tags=["admin"],
        examples=RETRAIN_EXAMPLES,
    )
    def post(self, request):
        params = RetrainRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            version = retrain.start_retrain(user=request.user, **params.validated_data)
        except versions.AlreadyRunning as exc:
            return Response(
                {"error": str(exc), "job": ModelVersionSerializer(exc.version).data},
                status=status.HTTP_409_CONFLICT,
            )
        except retrain.QueueUnavailable as exc:
            return Response({"error": str(exc)}, status=exc.status_code)
        return Response(ModelVersionSerializer(version).data, status=status.HTTP_202_ACCEPTED)


class JobView(APIView):
    """Progress, metrics and status of one model version (staff only)."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(
        responses={200: ModelVersionSerializer, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
        tags=["admin"],
    )
    def get(self, request, pk: int):
        return Response(ModelVersionSerializer(get_object_or_404(ModelVersion, pk=pk)).data)
