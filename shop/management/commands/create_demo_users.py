"""Demo accounts with purchase histories, so "Like my last purchase, but ..." has something to start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shop.models import Order, Product, ProductSize
from shop.services import OrderItem, place_order

PREFERRED_SIZES = ("M", "L", "S", "32", "30", "34", "8", "9", "7")


@dataclass(frozen=True)
class DemoOrder:
    days_ago: int
    article_types: tuple[str, ...]  # one line per entry
    status: str = Order.Status.DELIVERED


@dataclass(frozen=True)
class Shopper:
    username: str
    password: str
    first_name: str
    gender: str
    orders: tuple[DemoOrder, ...]


SHOPPERS = (
    Shopper(
        "alice", "shopper-alice", "Alice", "Women",
        (
            DemoOrder(75, ("Dresses", "Tops")),
            DemoOrder(32, ("Tops", "Tops")),
            DemoOrder(6, ("Dresses",), Order.Status.SHIPPED),
        ),
    ),
    Shopper(
        "bob", "shopper-bob", "Bob", "Men",
        (
            DemoOrder(90, ("Shirts", "Tshirts")),
            DemoOrder(41, ("Tshirts",)),
            DemoOrder(9, ("Shirts", "Tshirts"), Order.Status.SHIPPED),
        ),
    ),
)  # fmt: skip
ADMIN = ("admin", "admin-demo")


class ProductPicker:
    """Deterministic picks: the lowest ids of an article type and gender with a size in stock."""

    def __init__(self, gender: str):
        self.gender = gender
        self.used: set[int] = set()

    def pick(self, article_type: str) -> OrderItem | None:
        in_stock = ProductSize.objects.filter(product=OuterRef("pk"), stock__gt=0)
        has_sizes = ProductSize.objects.filter(product=OuterRef("pk"))
        base = Product.objects.filter(is_active=True).filter(Exists(in_stock) | ~Exists(has_sizes))
        for qs in (
            base.filter(gender=self.gender, article_type=article_type, age_group__startswith="Adults"),
            base.filter(gender=self.gender, article_type=article_type),
            base.filter(gender=self.gender),
            base,
        ):
            product = qs.exclude(pk__in=self.used).order_by("id").prefetch_related("sizes").first()
            if product is not None:
                self.used.add(product.pk)
                return OrderItem(product.pk, _size_for(product), 1)
        return None


def _size_for(product: Product) -> str:
    sizes = [s for s in product.sizes.all() if s.in_stock]
    if not sizes:
        return ""
    by_label = {s.label: s for s in sizes}
    for label in PREFERRED_SIZES:
        if label in by_label:
            return label
    return sizes[0].label


class Command(BaseCommand):
    help = (
        "Create demo accounts: shoppers alice and bob with purchase histories from the imported "
        "catalog, and the staff superuser admin. Safe to re-run: existing orders are kept, never duplicated."
    )

    def handle(self, *args, **options):
        if not Product.objects.filter(is_active=True).exists():
            raise CommandError("the catalog is empty: run `manage.py import_catalog` first", returncode=2)
        User = get_user_model()

        admin_name, admin_password = ADMIN
        admin, created = User.objects.get_or_create(
            username=admin_name, defaults={"email": "admin@example.com"}
        )
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(admin_password)
        admin.save()
        self.stdout.write(f"{'created' if created else 'updated'} staff superuser {admin_name}")

        now = timezone.now()
        for shopper in SHOPPERS:
            with transaction.atomic():
                user, created = User.objects.get_or_create(
                    username=shopper.username,
                    defaults={"first_name": shopper.first_name, "email": f"{shopper.username}@example.com"},
                )
                user.is_active = True
                user.set_password(shopper.password)
                user.save()
                if user.orders.exists():
                    self.stdout.write(f"{shopper.username}: kept {user.orders.count()} existing orders")
                    continue
                picker = ProductPicker(shopper.gender)
                placed = 0
                for demo in shopper.orders:
                    items = [item for t in demo.article_types if (item := picker.pick(t)) is not None]
                    if not items:
                        continue
                    order = place_order(user, items)
                    Order.objects.filter(pk=order.pk).update(
                        created_at=now - timedelta(days=demo.days_ago), status=demo.status
                    )
                    placed += 1
                self.stdout.write(
                    f"{'created' if created else 'updated'} {shopper.username}: {placed} orders"
                )

        self.stdout.write(self.style.SUCCESS("Demo accounts (username / password):"))
        for username, password in [*((s.username, s.password) for s in SHOPPERS), ADMIN]:
            self.stdout.write(f"  {username} / {password}")
