"""ef_search chosen from the version's size (recommender.vectors), on real Postgres + pgvector."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from recommender import vectors
from recommender.models import ModelVersion
from shop.models import Product
from shop.selectors import ProductFilters, filter_products


def test_ef_search_grows_with_the_catalog():
    assert vectors.ef_search_for(0) == vectors.ef_search_for(9_583) == 100  # today's store: unchanged
    sizes = [1_000, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, 50_000_000]
    chosen = [vectors.ef_search_for(n) for n in sizes]
    assert chosen == sorted(chosen) and chosen[-1] == vectors.EF_SEARCH_MAX <= 1000  # pgvector's limit
    limits = [up_to for up_to, _ in vectors.EF_SEARCH_BY_SIZE]
    assert limits == sorted(limits)
    for up_to, ef_search in vectors.EF_SEARCH_BY_SIZE:
        assert vectors.ef_search_for(up_to) == ef_search


def _indexed_version(products: list[Product]) -> ModelVersion:
    version = ModelVersion.objects.create(status=ModelVersion.Status.READY)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((len(products), 256)).astype(np.float32)
    vectors.write_embeddings(version, [p.pk for p in products], x / np.linalg.norm(x, axis=1, keepdims=True))
    return version


@pytest.mark.django_db
def test_nearest_sets_ef_search_from_the_index_size(catalog, monkeypatch):
    products = list(catalog)
    version = _indexed_version(products)
    assert vectors.index_rows(version) == 0  # no index yet: not cached, asked again
    vectors.build_index(version)
    assert vectors.index_rows(version) == len(products)
    monkeypatch.setattr(vectors, "EF_SEARCH_BY_SIZE", ((len(products) - 1, 11), (len(products), 37)))
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    query = np.ones(256, dtype=np.float32)
    with connection.execute_wrapper(record):
        found = vectors.nearest(filter_products(ProductFilters()), version, query, 5)
        vectors.nearest(filter_products(ProductFilters()), version, query, 5, ef_search=300)
    assert len(found) == 5
    assert "SET LOCAL hnsw.ef_search = 37" in statements and "SET LOCAL hnsw.ef_search = 300" in statements
