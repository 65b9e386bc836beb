"""Idempotent demo setup: import the demo catalog when the store is empty, create demo users."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from shop.management.commands.create_demo_users import ADMIN, SHOPPERS
from shop.models import Product


class Command(BaseCommand):
    help = "Import the demo catalog if the store is empty and create the demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="only print the URL and demo logins")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, print_logins=False, url="http://127.0.0.1:8000/", **options):
        if print_logins:
            self.stdout.write(self.style.SUCCESS(f"\nThe store is at {url}"))
            self.stdout.write(f"API docs: {url}api/docs/    admin: {url}admin/")
            for shopper in SHOPPERS:
                kinds = sorted({kind for order in shopper.orders for kind in order.article_types})
                self.stdout.write(
                    f"  {shopper.username:<6} / {shopper.password:<14} shopper, bought {', '.join(kinds)}"
                )
            self.stdout.write(f"  {ADMIN[0]:<6} / {ADMIN[1]:<14} staff: admin site and model retraining")
            self.stdout.write("")
            return
        if Product.objects.exists():
            self.stdout.write(f"Catalog present ({Product.objects.count()} products); not re-importing.")
        else:
            call_command("import_catalog", str(settings.CATALOG_DIR))
        call_command("create_demo_users")
