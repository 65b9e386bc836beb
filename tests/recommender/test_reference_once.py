"""A request is checked once: its reference product is read from the database once per request,
whether it comes through the REST API or the shopper's page."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shop.models import Product


def _reference_reads(queries, pk: int) -> list[str]:
    """Statements that read the product row by its id alone (not the vector search, which
    excludes it or reads its vector)."""
    by_id = re.compile(rf'FROM "shop_product" WHERE [^;]*"shop_product"\."id" = {pk}\b')
    return [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith('SELECT "shop_product"') and by_id.search(q["sql"])
        and "recommender_productembedding" not in q["sql"]
    ]  # fmt: skip


def _reference(catalog) -> Product:
    return catalog.filter(article_type="Tshirts", is_active=True).order_by("pk").first()


def test_the_api_reads_the_reference_once(active_model, catalog):
    reference = _reference(catalog)
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().post(
            "/api/v1/recommendations/", {"reference_product": reference.pk, "text": "in black"}, format="json"
        )
    assert response.status_code == 200 and response.json()["results"]
    assert len(_reference_reads(queries, reference.pk)) == 1, _reference_reads(queries, reference.pk)


def test_the_page_reads_the_reference_once(client, active_model, catalog):
    reference = _reference(catalog)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/recommendations/", {"reference": reference.pk, "text": "in black"})
    assert response.status_code == 200
    assert len(_reference_reads(queries, reference.pk)) == 1, _reference_reads(queries, reference.pk)
