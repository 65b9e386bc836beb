"""The large-catalog generator keeps the real catalog's mix and its (article type, gender) clusters."""

from __future__ import annotations

import numpy as np
import pytest

from bench import catalog_gen


def _seed(per_cluster: int = 30, dim: int = 32) -> catalog_gen.Seed:
    """Three clusters of different sizes, far apart, with real-looking records."""
    rng = np.random.default_rng(1)
    kinds = [
        ("Tshirts", "Men", "Blue", 500),
        ("Dresses", "Women", "Red", 1500),
        ("Briefs", "Men", "Black", 300),
    ]
    records, vectors = [], []
    for i, (article_type, gender, colour, price) in enumerate(kinds):
        centre = np.zeros(dim, dtype=np.float32)
        centre[i] = 1.0
        for j in range(per_cluster * (i + 1)):
            records.append({"id": len(records) + 1, "article_type": article_type, "gender": gender,
                            "base_colour": colour if j % 3 else "White", "price": price})  # fmt: skip
            vectors.append(centre + 0.1 * rng.standard_normal(dim).astype(np.float32))
    x = np.stack(vectors)
    return catalog_gen.Seed(records, x / np.linalg.norm(x, axis=1, keepdims=True), "test")


def test_generated_catalog_keeps_the_mix_and_the_clusters():
    seed = _seed()
    catalog = catalog_gen.generate(seed, 6000, rng_seed=0)
    assert len(catalog) == 6000 and catalog.vectors.shape == (6000, 32)
    assert np.allclose(np.linalg.norm(catalog.vectors, axis=1), 1.0, atol=1e-5)
    # the real products come first, unchanged
    assert np.allclose(
        catalog.vectors[: len(seed.records)], seed.vectors[catalog.source[: len(seed.records)]]
    )
    for field in ("gender", "article_type", "base_colour"):
        for real, grown in catalog_gen.mix(seed.records, catalog, field).values():
            assert grown == pytest.approx(real, abs=0.03)
    # every generated vector is nearest to a real product of its own (article type, gender) cluster
    clusters = catalog_gen.clusters_of(seed.records)
    nearest_seed = np.argmax(catalog.vectors @ seed.vectors.T, axis=1)
    assert np.mean(clusters[nearest_seed] == clusters[catalog.source]) > 0.99
    # ... and is not a copy of it: the clusters grow denser
    assert np.max(catalog.vectors[len(seed.records) :] @ seed.vectors.T, axis=1).mean() < 0.9999


def test_a_catalog_smaller_than_the_seed_is_a_subset_of_the_real_products():
    seed = _seed()
    catalog = catalog_gen.generate(seed, 50, rng_seed=3)
    assert len(set(catalog.source.tolist())) == 50
    assert np.allclose(catalog.vectors, seed.vectors[catalog.source])


def test_neighbours_stay_in_their_cluster():
    seed = _seed()
    nbr, dist = catalog_gen.neighbours(seed)
    clusters = catalog_gen.clusters_of(seed.records)
    assert (clusters[nbr] == clusters[:, None]).all()
    assert (nbr != np.arange(len(nbr))[:, None]).all() and (dist > 0).all()


def test_recall_counts_a_row_as_near_as_the_kth_neighbour_as_a_tie():
    """Two exact searches may return different rows at one distance: the tie-aware recall counts
    them, the id recall does not; a row farther than the K-th neighbour counts in neither."""
    from bench.catalog_scale import K, Truth

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((K + 3, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[0] + 0.01
    order = np.argsort(-(vectors @ query))
    top = order[:K]
    vectors = np.concatenate([vectors, vectors[top[-1]][None]])  # a copy of the K-th neighbour
    copy_id = len(vectors)
    kth = float(vectors[top[-1]] @ query)
    truth = Truth([set((top + 1).tolist())], np.array([kth]), query[None], vectors)
    tied = [*(top[:-1] + 1).tolist(), copy_id]
    farther = [*(top[:-1] + 1).tolist(), int(order[K]) + 1]
    assert truth.recall([tied]) == {"recall@20": 0.95, "recall@20_ties": 1.0}
    assert truth.recall([farther]) == {"recall@20": 0.95, "recall@20_ties": 0.95}
    assert Truth([set((top + 1).tolist())]).recall([tied]) == {"recall@20": 0.95}
