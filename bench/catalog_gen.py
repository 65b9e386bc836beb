"""A realistic large catalog grown from the real one, for the scale benchmarks (bench.catalog_scale).

The real catalog's products are the seeds: each generated product copies a real product's
metadata (gender, article type, age group, colour, categories, brand; price within +-15%), so the
real mix of all of them is kept, and gets a vector in its (article type, gender) cluster: a point
between the real product's vector and one of its nearest real neighbours of the same type and
gender, plus noise at the scale of that product's nearest-neighbour distance. The clusters
therefore have the real ones' positions, sizes and shapes, and grow denser with the catalog (as a
larger catalog of the same kinds of products does), instead of isotropic gaussian blobs.

Seed vectors come from a model checkpoint (computed with ``ml``, image features from the feature
cache), from the store database's active version (as bench.scale reads it), or, for smoke tests
only, from random per-cluster centres.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

NEIGHBOURS = 8  # a generated vector lies between a seed and one of its nearest same-cluster seeds
NOISE = 0.5  # noise norm, in units of the seed's nearest-neighbour distance


@dataclass
class Seed:
    """The real catalog: one record per product (products.jsonl) and its unit vector."""

    records: list[dict]
    vectors: np.ndarray  # [n, dim] float32, unit length
    source: str  # where the vectors came from
    checkpoint: str | None = None  # the model that computed them (the store's query encodes with it)


@dataclass
class Catalog:
    """A generated catalog: row i is product id i + 1, copied from seed row `source[i]`."""

    source: np.ndarray  # [n] int, seed row per product
    vectors: np.ndarray  # [n, dim] float32, unit length
    gender: np.ndarray  # [n] str
    article_type: np.ndarray  # [n] str

    def __len__(self) -> int:
        return len(self.source)


def _normalise(x: np.ndarray) -> np.ndarray:
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x


def read_records(catalog_dir: Path) -> list[dict]:
    import catalog_format

    return [r for _, r in catalog_format.iter_product_lines(catalog_dir) if isinstance(r, dict)]


def clusters_of(records: list[dict]) -> np.ndarray:
    """Cluster number per record: one per (article type, gender)."""
    keys = [(r.get("article_type") or "", r.get("gender") or "") for r in records]
    numbers = {k: i for i, k in enumerate(sorted(set(keys)))}
    return np.array([numbers[k] for k in keys])


def seed_from_checkpoint(catalog_dir: Path, checkpoint: Path, cache_dir: str | None) -> Seed:
    """Every product's vector computed by a checkpoint (cached image features make it seconds)."""
    from ml.checkpoint import load_model
    from ml.data import load_catalog

    model = load_model(checkpoint, device="cpu", cache_dir=cache_dir)
    vectors, skipped = model.embed_products(load_catalog(catalog_dir))
    records = [r for r in read_records(catalog_dir) if r["id"] not in set(skipped)]
    return Seed(records, _normalise(vectors.astype(np.float32)), f"checkpoint {checkpoint}", str(checkpoint))


def seed_from_store(catalog_dir: Path) -> Seed:
    """The store's active version's vectors of the catalog's products (read only)."""
    from recommender.models import ProductEmbedding
    from recommender.serving.services import active_version

    version = active_version()
    stored = dict(
        ProductEmbedding.objects.filter(model_version=version).values_list("product_id", "embedding")
    )
    records = [r for r in read_records(catalog_dir) if r["id"] in stored]
    vectors = np.stack([np.asarray(stored[r["id"]], dtype=np.float32) for r in records])
    return Seed(records, _normalise(vectors), f"store version {version.pk}", version.checkpoint_path)


def seed_random(catalog_dir: Path, dim: int = 256, seed: int = 0) -> Seed:
    """Smoke tests only: real metadata, a random centre per cluster plus noise."""
    records = read_records(catalog_dir)
    rng = np.random.default_rng(seed)
    cluster = clusters_of(records)
    centres = _normalise(rng.standard_normal((cluster.max() + 1, dim)).astype(np.float32))
    noise = rng.standard_normal((len(records), dim)).astype(np.float32) * np.float32(0.6 / np.sqrt(dim))
    return Seed(records, _normalise(centres[cluster] + noise), "random (smoke)")


def neighbours(seed: Seed) -> tuple[np.ndarray, np.ndarray]:
    """Per seed row: its NEIGHBOURS nearest rows of the same cluster ([n, k], itself where the
    cluster is smaller) and the distance to the nearest one ([n])."""
    cluster = clusters_of(seed.records)
    nbr = np.repeat(np.arange(len(cluster))[:, None], NEIGHBOURS, axis=1)
    dist = np.zeros(len(cluster), dtype=np.float32)
    for c in np.unique(cluster):
        rows = np.flatnonzero(cluster == c)
        if len(rows) < 2:
            continue
        sims = seed.vectors[rows] @ seed.vectors[rows].T
        np.fill_diagonal(sims, -np.inf)
        k = min(NEIGHBOURS, len(rows) - 1)
        order = np.argsort(-sims, axis=1)[:, :k]
        nbr[rows, :k] = rows[order]
        nbr[rows, k:] = rows[order[:, :1]]
        dist[rows] = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * sims[np.arange(len(rows)), order[:, 0]]))
    return nbr, dist


def generate(seed: Seed, n: int, rng_seed: int = 0, chunk: int = 100_000) -> Catalog:
    """`n` products: the real ones first (a random subset when n is smaller), then generated ones
    copied from uniformly drawn seeds (so every mix of the real catalog is kept)."""
    rng = np.random.default_rng(rng_seed)
    n_real = min(n, len(seed.records))
    real = np.sort(rng.choice(len(seed.records), n_real, replace=False))
    source = np.concatenate([real, rng.integers(0, len(seed.records), n - n_real)])
    nbr, dist = neighbours(seed)
    vectors = np.empty((n, seed.vectors.shape[1]), dtype=np.float32)
    vectors[:n_real] = seed.vectors[real]
    dim = seed.vectors.shape[1]
    for start in range(n_real, n, chunk):
        a = source[start : start + chunk]
        b = nbr[a, rng.integers(0, NEIGHBOURS, len(a))]
        lam = rng.uniform(0.5, 1.0, (len(a), 1)).astype(np.float32)
        sigma = (NOISE * dist[a] / np.sqrt(dim)).astype(np.float32)[:, None]
        noise = rng.standard_normal((len(a), dim), dtype=np.float32) * sigma
        vectors[start : start + len(a)] = lam * seed.vectors[a] + (1 - lam) * seed.vectors[b] + noise
    _normalise(vectors[n_real:])
    gender = np.array([r.get("gender") or "" for r in seed.records])[source]
    article_type = np.array([r.get("article_type") or "" for r in seed.records])[source]
    return Catalog(source, vectors, gender, article_type)


def mix(records: list[dict], catalog: Catalog, field: str, top: int = 5) -> dict[str, list]:
    """Share of the `top` commonest values of `field` in the seed and in the generated catalog."""
    seed_values = np.array([str(r.get(field) or "") for r in records])
    values, counts = np.unique(seed_values, return_counts=True)
    grown = seed_values[catalog.source]
    common = values[np.argsort(-counts)[:top]]
    return {
        str(v): [round(float(np.mean(seed_values == v)), 4), round(float(np.mean(grown == v)), 4)]
        for v in common
    }
