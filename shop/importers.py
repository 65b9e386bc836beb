"""Catalog import: our ``products.jsonl`` layout and the public Kaggle ``styles.csv`` layout.

The import runs in two passes. The first reads every record and checks every image, so a bad
file is reported (with its line number) before anything is written; the second writes
products, sizes and images in batches, one transaction per batch. Re-running updates products
in place (keyed by catalog id) and keeps the stock of sizes that already exist.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from PIL import Image, UnidentifiedImageError

import catalog_format
from shop.models import Gender, Product, ProductSize, Split

BATCH_SIZE = 500
PRODUCT_FIELDS = [
    "name", "brand", "gender", "age_group", "master_category", "sub_category", "article_type",
    "base_colour", "colour1", "colour2", "season", "year", "usage", "attributes", "description",
    "price", "discounted_price", "image", "split", "is_active",
]  # fmt: skip


class CatalogError(Exception):
    """A catalog that cannot be imported; the message is one line for the operator."""


@dataclass
class ProductRecord:
    id: int
    fields: dict
    sizes: list[str]
    image_path: Path | None
    line: int


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)  # one message per skipped record
    images_copied: int = 0
    product_ids: list[int] = field(default_factory=list)


def detect_layout(path: Path) -> str:
    if not path.is_dir():
        raise CatalogError(f"catalog folder not found: {path}")
    if (path / "products.jsonl").is_file():
        return "jsonl"
    if (path / "styles.csv").is_file():
        return "kaggle"
    raise CatalogError(f"{path} holds neither products.jsonl nor styles.csv")


def _text(value: object, max_length: int) -> str:
    return "" if value is None else str(value).strip()[:max_length]


def _price(value: object, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{name} '{value}' is not a number") from None
    if not price.is_finite() or price < 0:
        raise ValueError(f"{name} must be zero or more")
    return price.quantize(Decimal("0.01"))


def _gender(value: object) -> str:
    text = _text(value, 10)
    for choice in Gender.values:
        if text.lower() == choice.lower():
            return choice
    raise ValueError(f"unknown gender '{text}'")


def _year(value: object) -> int | None:
    text = _text(value, 8)
    if not text:
        return None
    try:
        year = int(float(text))
    except ValueError:
        raise ValueError(f"year '{text}' is not a number") from None
    return year if 1900 <= year <= 2100 else None


def _record_fields(raw: dict, splits: dict[int, str]) -> dict:
    pid = int(raw["id"])
    name = _text(raw.get("name"), 255)
    if not name:
        raise ValueError("name is missing")
    article_type = _text(raw.get("article_type"), 60)
    if not article_type:
        raise ValueError("article_type is missing")
    price = _price(raw.get("price"), "price")
    if price is None:
        raise ValueError("price is missing")
    discounted = _price(raw.get("discounted_price"), "discounted_price")
    if discounted is not None and discounted > price:
        raise ValueError("discounted_price is above price")
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise ValueError("attributes must be an object")
    return {
        "name": name,
        "brand": _text(raw.get("brand"), 120),
        "gender": _gender(raw.get("gender")),
        "age_group": _text(raw.get("age_group"), 40),
        "master_category": _text(raw.get("master_category"), 60),
        "sub_category": _text(raw.get("sub_category"), 60),
        "article_type": article_type,
        "base_colour": _text(raw.get("base_colour"), 40),
        "colour1": _text(raw.get("colour1"), 40),
        "colour2": _text(raw.get("colour2"), 40),
        "season": _text(raw.get("season"), 20),
        "year": _year(raw.get("year")),
        "usage": _text(raw.get("usage"), 40),
        "attributes": {str(k): str(v) for k, v in attributes.items() if v not in (None, "")},
        "description": _text(raw.get("description"), 20000),
        "price": price,
        "discounted_price": discounted,
        "split": splits.get(pid, Split.NONE),
        "is_active": True,
    }


def _read_splits(path: Path) -> dict[int, str]:
    try:
        return catalog_format.read_splits(path)
    except catalog_format.CatalogFormatError as exc:
        raise CatalogError(str(exc)) from None


def _iter_jsonl(path: Path, splits: dict[int, str]) -> Iterator[ProductRecord | str]:
    """Yield records, or an error message naming the line for each malformed line."""
    source = catalog_format.PRODUCTS_FILE
    for number, raw in catalog_format.iter_product_lines(path):
        try:
            if isinstance(raw, str):
                raise ValueError(raw)
            fields_ = _record_fields(raw, splits)
            sizes = raw.get("sizes") or []
            if not isinstance(sizes, list):
                raise ValueError("sizes must be a list")
        except (ValueError, TypeError) as exc:
            yield f"{source} line {number}: {exc}"
            continue
        sizes = [_text(s, 20) for s in sizes if _text(s, 20)]
        yield ProductRecord(raw["id"], fields_, sizes, catalog_format.image_path(path, raw["id"]), number)


KAGGLE_COLUMNS = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour",
                  "season", "year", "usage", "productDisplayName"]  # fmt: skip


def _iter_kaggle(path: Path, splits: dict[int, str], default_price: Decimal) -> Iterator[ProductRecord | str]:
    """The public Kaggle 'Fashion Product Images' layout: styles.csv + images/<id>.jpg.

    Some rows of the public file carry unquoted commas in productDisplayName; the extra
    fields are joined back into the name, as the name is the last column.
    """
    source = path / "styles.csv"
    with source.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[: len(KAGGLE_COLUMNS)]] != KAGGLE_COLUMNS:
            raise CatalogError(f"{source}: header must start with {','.join(KAGGLE_COLUMNS)}")
        extra_columns = [h.strip() for h in header[len(KAGGLE_COLUMNS) :]]
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            try:
                if len(row) < len(KAGGLE_COLUMNS):
                    raise ValueError(f"expected {len(KAGGLE_COLUMNS)} columns, found {len(row)}")
                n_fixed = len(KAGGLE_COLUMNS) - 1
                n_name = len(row) - n_fixed - len(extra_columns)
                values = dict(zip(KAGGLE_COLUMNS[:n_fixed], row[:n_fixed], strict=True))
                values["productDisplayName"] = ",".join(row[n_fixed : n_fixed + max(n_name, 1)])
                values.update(zip(extra_columns, row[n_fixed + max(n_name, 1) :], strict=False))
                pid = int(values["id"])
                raw = {
                    "id": pid,
                    "name": values["productDisplayName"],
                    "gender": values["gender"],
                    "master_category": values["masterCategory"],
                    "sub_category": values["subCategory"],
                    "article_type": values["articleType"],
                    "base_colour": values["baseColour"],
                    "season": values["season"],
                    "year": values["year"],
                    "usage": values["usage"],
                    "price": values.get("price") or default_price,
                    "discounted_price": values.get("discounted_price") or None,
                }
                fields_ = _record_fields(raw, splits)
            except (ValueError, TypeError) as exc:
                yield f"{source.name} line {number}: {exc}"
                continue
            yield ProductRecord(pid, fields_, [], path / "images" / f"{pid}.jpg", number)


def check_image(path: Path) -> str | None:
    """None when the image is a readable picture, else a one-line reason."""
    if not path.is_file():
        return f"image {path.name} is missing"
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        return f"image {path.name} is unreadable ({exc.__class__.__name__})"
    return None


def demo_stock(product_id: int, size: str) -> int:
    """Deterministic demo inventory (the catalog has none): 0..15 units, about 1 in 8 sold out."""
    digest = hashlib.blake2b(f"{product_id}:{size}".encode(), digest_size=2).digest()
    value = int.from_bytes(digest, "big")
    return 0 if value % 8 == 0 else 1 + value % 15


def read_catalog(
    path: Path, *, default_price: Decimal = Decimal("999")
) -> tuple[list[ProductRecord], list[str]]:
    """First pass: parse every record and check every image; return (records, errors)."""
    layout = detect_layout(path)
    splits = _read_splits(path)
    rows = _iter_jsonl(path, splits) if layout == "jsonl" else _iter_kaggle(path, splits, default_price)
    records: list[ProductRecord] = []
    errors: list[str] = []
    seen: dict[int, int] = {}
    for row in rows:
        if isinstance(row, str):
            errors.append(row)
            continue
        if row.id in seen:
            errors.append(f"line {row.line}: duplicate id {row.id} (first on line {seen[row.id]})")
            continue
        seen[row.id] = row.line
        problem = check_image(row.image_path)
        if problem:
            errors.append(f"line {row.line}: {problem}")
            continue
        records.append(row)
    return records, errors


def _copy_image(source: Path, media_root: Path) -> tuple[str, bool]:
    """Copy the image into MEDIA_ROOT/products/ unless an identical file is there already."""
    relative = f"products/{source.name}"
    target = media_root / relative
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return relative, False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)  # atomic: a reader never sees half an image
    return relative, True


def write_catalog(
    records: list[ProductRecord], progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Second pass: upsert products and sizes in batches, one transaction per batch."""
    report = ImportReport()
    media_root = Path(settings.MEDIA_ROOT)
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        existing = set(Product.objects.filter(id__in=[r.id for r in batch]).values_list("id", flat=True))
        products = []
        for record in batch:
            image, copied = _copy_image(record.image_path, media_root)
            report.images_copied += copied
            products.append(Product(id=record.id, image=image, **record.fields))
        with transaction.atomic():
            Product.objects.bulk_create(
                products, update_conflicts=True, unique_fields=["id"], update_fields=PRODUCT_FIELDS
            )
            sizes = [
                ProductSize(product_id=r.id, label=label, position=i, stock=demo_stock(r.id, label))
                for r in batch
                for i, label in enumerate(dict.fromkeys(r.sizes))
            ]
            # Existing sizes keep their stock: a re-import must not undo sales.
            ProductSize.objects.bulk_create(
                sizes, update_conflicts=True, unique_fields=["product", "label"], update_fields=["position"]
            )
        report.created += len(batch) - len(existing)
        report.updated += len(existing)
        report.product_ids.extend(r.id for r in batch)
        if progress:
            progress(len(batch))
    _reset_product_id_sequence()
    return report


def _reset_product_id_sequence() -> None:
    """Products keep their catalog ids; move the id sequence past them for products added later."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Product]):
            cursor.execute(sql)
