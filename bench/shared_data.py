"""Default locations of the read-only shared data (../shared/data beside the repository) and a
plain-dict catalog reader, for the benchmarks that run without Django (validate_requests,
real_phrasing). Command-line flags override the locations."""

from __future__ import annotations

from pathlib import Path

import catalog_format

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def catalog_dir() -> Path:
    return SHARED_DATA / "catalog"


def fashion_iq_dir() -> Path:
    return SHARED_DATA / "fashion-iq"


def load_products(folder: Path) -> tuple[dict[int, dict], dict[int, str]]:
    """Catalog products by id (products.jsonl dicts) and the split of each id (splits.json)."""
    products = {}
    for line, record in catalog_format.iter_product_lines(folder):
        if isinstance(record, str):
            raise ValueError(f"{catalog_format.products_file(folder)} line {line}: {record}")
        products[record["id"]] = record
    return products, catalog_format.read_splits(folder)
