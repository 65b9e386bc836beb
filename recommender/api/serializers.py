from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from recommender.lifecycle import versions
from recommender.models import ModelVersion
from recommender.serving.services import MAX_LIMIT, MAX_TEXT_LENGTH
from recommender.serving.understanding import CATEGORY_FIELDS
from shop.api.serializers import ProductListSerializer, ProductSummarySerializer
from shop.models import AgeGroup, Gender
from shop.selectors import FilterError, parse_product_filters


@extend_schema_serializer(component_name="RecommendationFilters")
class RecommendationFiltersSerializer(serializers.Serializer):
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    age_group = serializers.ChoiceField(
        choices=AgeGroup.choices, required=False, help_text="Adults or Kids (of any gender)."
    )
    article_type = serializers.CharField(required=False, max_length=60)
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    max_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    size = serializers.CharField(required=False, max_length=20)
    in_stock = serializers.BooleanField(required=False, default=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("filters must be an object.")
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(f"unknown filter(s): {', '.join(unknown)}.")
        return super().to_internal_value(data)

    def validate(self, attrs):
        try:
            return parse_product_filters(attrs)
        except FilterError as exc:
            raise serializers.ValidationError(exc.errors) from None


class ClosedFiltersSchema(OpenApiSerializerExtension):
    """The schema says what the serializer enforces: no filter beyond the listed ones (a typo in
    a filter name is a 400, not a filter silently ignored)."""

    target_class = RecommendationFiltersSerializer

    def map_serializer(self, auto_schema, direction):
        return {**auto_schema._map_basic_serializer(self.target, direction), "additionalProperties": False}


@extend_schema_serializer(component_name="Recommendation")
class RecommendationRequestSerializer(serializers.Serializer):
    reference_product = serializers.IntegerField(
        required=False, allow_null=True, help_text="Product id; default: the caller's last purchase."
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,  # cleaned in one place: services.RecommendationRequest.checked
        help_text=(
            "What should differ, e.g. 'in navy with short sleeves'. Empty: more like this. "
            f"At most {MAX_TEXT_LENGTH} characters once runs of whitespace are collapsed."
        ),
    )
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=MAX_LIMIT)
    filters = RecommendationFiltersSerializer(required=False)
    exclude_purchased = serializers.BooleanField(required=False, default=True)
    relax = serializers.ListField(
        child=serializers.ChoiceField(choices=CATEGORY_FIELDS),
        required=False,
        default=list,
        max_length=len(CATEGORY_FIELDS),
        help_text=(
            "Category fields not to keep from the reference (by default the results keep its article "
            "type, gender and age group unless the text changes them): what removing a category chip sends."
        ),
    )



class ConstraintSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="A product field (article_type, gender, age_group, base_colour, brand, season, usage), "
        "`price` (what the shopper pays, INR), `discount` (percent) or an attribute (Pattern, Neck, ...)."
    )
    op = serializers.ChoiceField(choices=["in", "not_in", "lt", "lte", "gt", "gte"])
    value = serializers.JSONField(
        help_text="Catalog values (a list of strings) for in/not_in, else a number."
    )
    from_text = serializers.CharField(
        allow_blank=True,
        help_text="The words of the request it came from; empty when implied by the reference.",
    )
    hard = serializers.BooleanField(
        help_text="true: every result meets it; false: a wish that ranks results."
    )
    label = serializers.CharField(help_text="Short text for a chip, e.g. 'colour: navy blue', 'under ₹800'.")


class RelaxedSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The condition's chip text, e.g. 'under ₹50'.")
    reason = serializers.CharField(help_text="Why, e.g. 'nothing matches it; showing from ₹199'.")


class InterpretationSerializer(serializers.Serializer):
    understood = serializers.BooleanField(
        help_text="false when nothing in the text was understood: the results are then 'more like this'."
    )
    constraints = ConstraintSerializer(many=True)
    ignored = serializers.ListField(
        child=serializers.CharField(),
        help_text="Words that were not understood (or named a product type the request did not change to).",
    )
    mentioned = serializers.ListField(
        child=serializers.CharField(),
        help_text="Words naming a value the request only mentions ('red' in 'a red-carpet look').",
    )
    relaxed = RelaxedSerializer(
        many=True,
        help_text="Conditions of the request the answer does not hold to: a contradiction settled (the later "
        "words stand), or conditions relaxed because together they left fewer than `limit` products.",
    )
    companion = serializers.ListField(
        child=serializers.CharField(),
        help_text="Article types of a companion item asked for ('matching trousers'); empty otherwise.",
    )


class RecommendationResultSerializer(serializers.Serializer):
    product = ProductListSerializer(help_text="The product with its sizes and their stock.")
    score = serializers.FloatField(help_text="Cosine similarity to the composed query (higher is closer).")


class RecommendationResponseSerializer(serializers.Serializer):
    reference = ProductSummarySerializer()
    reference_is_last_purchase = serializers.BooleanField()
    text = serializers.CharField()
    model_version = serializers.CharField()
    interpretation = InterpretationSerializer(help_text="What the text was read as.")
    results = RecommendationResultSerializer(many=True)


class ModelVersionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    created_by = serializers.CharField(
        source="created_by.username",
        read_only=True,
        allow_null=True,
        help_text="Username of the staff member who asked for the run; null for runs the store started.",
    )

    class Meta:
        model = ModelVersion
        fields = [
            "id", "name", "status", "progress", "progress_message", "stage", "epoch", "epochs", "step",
            "total", "eta", "error", "metrics", "config",
            "activate_when_ready", "created_by", "created_at", "started_at", "finished_at", "activated_at",
        ]  # fmt: skip
        read_only_fields = fields


class RetrainConflictSerializer(serializers.Serializer):
    """409 of a retrain request: the run that is already queued or running."""

    error = serializers.CharField(help_text="One line for humans.")
    job = ModelVersionSerializer()


@extend_schema_serializer(component_name="Retrain")
class RetrainRequestSerializer(serializers.Serializer):
    config = serializers.DictField(
        required=False,
        default=dict,
        help_text='ml TrainConfig overrides, e.g. {"epochs": 8, "lr": 0.0005}; checked before queueing.',
    )
    activate_when_ready = serializers.BooleanField(required=False, default=True)

    def validate_config(self, value):
        try:
            return versions.check_train_config(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
