"""Catalog (products, sizes with stock) and orders. Order lines are the purchase history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

SEARCH_CONFIG = "english"
# Keyword search ranks by where a word is found: the article type first ("shirt" finds Shirts
# before T-shirts), then colour and brand, then the name and the other words of the product.
SEARCH_DOCUMENT = (
    SearchVector("article_type", weight="A", config=SEARCH_CONFIG)
    + SearchVector("base_colour", "brand", weight="B", config=SEARCH_CONFIG)
    + SearchVector("name", "colour1", "colour2", "usage", "season", weight="C", config=SEARCH_CONFIG)
)


class Gender(models.TextChoices):
    MEN = "Men"
    WOMEN = "Women"
    BOYS = "Boys"
    GIRLS = "Girls"
    UNISEX = "Unisex"


class AgeGroup(models.TextChoices):
    """What the age-group filter offers: the catalog's age_group values start with one of these
    ("Adults-Men", "Kids-Girls", ...)."""

    ADULTS = "Adults"
    KIDS = "Kids"


# Who a kids' product is for, in the words a shopper uses (the catalog files girls' skirts
# under gender "Women" with age group "Kids-Girls").
KIDS_AUDIENCE = {"Kids-Boys": "Boys", "Kids-Girls": "Girls", "Kids-Unisex": "Kids"}


class Split(models.TextChoices):
    """The fixed train/val/test split of the demo catalog; blank for products added later."""

    TRAIN = "train"
    VAL = "val"
    TEST = "test"
    NONE = "", "none"


class Product(models.Model):
    name = models.CharField(max_length=255)
    brand = models.CharField(max_length=120, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, db_index=True)
    age_group = models.CharField(max_length=40, blank=True)
    master_category = models.CharField(max_length=60, blank=True, db_index=True)
    sub_category = models.CharField(max_length=60, blank=True)
    article_type = models.CharField(max_length=60, db_index=True)
    base_colour = models.CharField(max_length=40, blank=True, db_index=True)
    colour1 = models.CharField(max_length=40, blank=True)
    colour2 = models.CharField(max_length=40, blank=True)
    season = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    usage = models.CharField(max_length=40, blank=True)
    attributes = models.JSONField(
        default=dict, blank=True, help_text="Pattern, Sleeve Length, Neck, Fit, ..."
    )
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    discounted_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    image = models.ImageField(upload_to="products/", blank=True)
    split = models.CharField(max_length=5, choices=Split.choices, blank=True, default="", db_index=True)
    is_active = models.BooleanField(default=True, help_text="Inactive products are hidden from shoppers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SEARCH_DOCUMENT, output_field=SearchVectorField(), db_persist=True, editable=False
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["gender", "article_type"]),
            # Filters match an article type in any case (article_type__iexact: UPPER(...) = ...).
            models.Index(Upper("article_type"), name="product_article_type_ci"),
            GinIndex(fields=["search_vector"], name="product_search_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discounted_price__isnull=True)
                | models.Q(discounted_price__lte=models.F("price")),
                name="discount_not_above_price",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (#{self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("shop:product", args=[self.pk])

    @property
    def selling_price(self) -> Decimal:
        """What the shopper pays: the discounted price when there is one."""
        return self.discounted_price if self.discounted_price is not None else self.price

    @property
    def sizes_in_stock(self) -> list[ProductSize]:
        """The sizes that can be bought now (uses prefetched sizes when there are)."""
        return [size for size in self.sizes.all() if size.in_stock]

    @property
    def audience(self) -> str:
        """Who it is for: "Boys", "Girls" or "Kids" for kids' products, else the gender."""
        return KIDS_AUDIENCE.get(self.age_group, self.gender)

    @property
    def discount_percent(self) -> int:
        if self.discounted_price is None or not self.price:
            return 0
        return round(100 * (1 - self.discounted_price / self.price))


class ProductSize(models.Model):
    product = models.ForeignKey(Product, related_name="sizes", on_delete=models.CASCADE)
    label = models.CharField(max_length=20)
    stock = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "label"], name="unique_size_per_product")]
        indexes = [models.Index(fields=["label", "stock"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.stock} in stock)"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed"
        SHIPPED = "shipped"
        DELIVERED = "delivered"
        CANCELLED = "cancelled"

    class Payment(models.TextChoices):
        ON_DELIVERY = "on_delivery", "Pay on delivery"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="orders", on_delete=models.PROTECT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLACED)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    payment = models.CharField(max_length=20, choices=Payment.choices, default=Payment.ON_DELIVERY)
    # Where it goes: a copy of the address the shopper gave at checkout (blank for API orders).
    ship_name = models.CharField("name", max_length=120, blank=True)
    ship_line1 = models.CharField("address", max_length=200, blank=True)
    ship_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    ship_city = models.CharField("city", max_length=100, blank=True)
    ship_postcode = models.CharField("PIN code", max_length=12, blank=True)
    ship_phone = models.CharField("phone", max_length=20, blank=True)
    email = models.EmailField(blank=True, help_text="Where the confirmation was sent.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Order #{self.pk} by {self.user}"

    @property
    def address_lines(self) -> list[str]:
        """The shipping address as printed on a label (empty for orders without one)."""
        city = " ".join(part for part in (self.ship_city, self.ship_postcode) if part)
        lines = (self.ship_name, self.ship_line1, self.ship_line2, city, self.ship_phone)
        return [line for line in lines if line]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, related_name="order_lines", on_delete=models.PROTECT)
    size = models.CharField(max_length=20, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} ({self.size})"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class SavedCart(models.Model):
    """A signed-in shopper's cart, kept with the account so it follows them to other browsers.

    The session holds the working copy (shop.cart.Cart); this row is written when a signed-in
    shopper's cart changes and merged into the session at login.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="saved_cart", on_delete=models.CASCADE)
    items = models.JSONField(default=dict, blank=True, help_text='{"<product id>|<size>": quantity}')
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user}"
