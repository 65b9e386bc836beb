from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shop.importers import CatalogError, read_catalog, write_catalog
from shop.signals import products_imported


class Command(BaseCommand):
    help = (
        "Import a product catalog: our products.jsonl + images/ layout, or the Kaggle "
        "'fashion product images' styles.csv + images/ layout. Re-running updates, never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="catalog folder (default: CATALOG_DIR)")
        parser.add_argument(
            "--on-error",
            choices=["abort", "skip"],
            default="abort",
            help="a malformed line or unreadable image: abort before writing anything (default) "
            "or skip that product and import the rest",
        )
        parser.add_argument(
            "--default-price", default="999", help="price for layouts without one (Kaggle styles.csv)"
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, path=None, on_error="abort", default_price="999", no_progress=False, **options):
        folder = Path(path or settings.CATALOG_DIR).expanduser()
        try:
            price = Decimal(default_price)
        except ArithmeticError:
            raise CommandError(f"--default-price '{default_price}' is not a number", returncode=2) from None
        try:
            records, errors = read_catalog(folder, default_price=price)
        except CatalogError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if errors and on_error == "abort":
            more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
            raise CommandError(
                f"{errors[0]}{more}; nothing imported. Fix the file or pass --on-error skip.", returncode=2
            )
        for message in errors:
            self.stderr.write(f"skipped: {message}")
        if not records:
            raise CommandError(f"no importable products in {folder}", returncode=2)

        bar = tqdm(total=len(records), unit="product", desc="Importing", disable=no_progress)
        report = write_catalog(records, progress=bar.update)
        bar.close()
        products_imported.send(sender=self.__class__, product_ids=report.product_ids)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(records)} products from {folder}: {report.created} new, "
                f"{report.updated} updated, {len(errors)} skipped, {report.images_copied} images copied."
            )
        )
