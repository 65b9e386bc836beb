"""Fixtures for the ml package tests: real catalog subsets, a tmp feature cache, and one tiny
trained checkpoint shared by the whole session (real encoders on ~200 images)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from ml.data import load_catalog

CATALOG = Path(settings.CATALOG_DIR)
FASHION_IQ = CATALOG.parent / "fashion-iq"


@pytest.fixture(scope="session")
def catalog():
    if not (CATALOG / "products.jsonl").is_file():
        pytest.skip(f"catalog not available at {CATALOG}")
    return load_catalog(CATALOG)


@pytest.fixture(scope="session")
def small_products(catalog):
    """~200 real products of two dense groups (men's t-shirts and shirts): 150 train, 60 val."""
    groups = {("Tshirts", "Men"), ("Shirts", "Men")}
    pick = [p for p in catalog if (p.article_type, p.gender) in groups]
    train = [p for p in pick if p.split == "train"][:150]
    val = [p for p in pick if p.split == "val"][:60]
    return train + val


@pytest.fixture(scope="session")
def small_catalog_dir(small_products, tmp_path_factory) -> Path:
    """A catalog folder holding only the small product set (images symlinked)."""
    import json

    d = tmp_path_factory.mktemp("catalog")
    (d / "images").mkdir()
    keep = {p.id for p in small_products}
    with open(CATALOG / "products.jsonl") as src, open(d / "products.jsonl", "w") as dst:
        for line in src:
            if line.strip() and json.loads(line)["id"] in keep:
                dst.write(line)
    for p in small_products:
        (d / "images" / p.image_path.name).symlink_to(p.image_path)
    splits = {s: [p.id for p in small_products if p.split == s] for s in ("train", "val")}
    (d / "splits.json").write_text(json.dumps(splits))
    return d


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ml-cache")
    return d


@pytest.fixture(scope="session")
def tiny_run(small_products, cache_dir, tmp_path_factory):
    """One fast end-to-end training run (default objective) on the small product set."""
    from ml.config import TrainConfig
    from ml.train import train

    out = tmp_path_factory.mktemp("ckpt")
    config = TrainConfig(epochs=3, cache_dir=str(cache_dir), seed=0)
    metrics = train(small_products, config, out)
    return out, metrics
