"""OpenAPI schema (valid, no warnings, every path) and offline docs (assets from the sidecar wheel)."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve as serve_static
from django.core.management import call_command
from django.test import RequestFactory, override_settings

API_PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/products/": {"get"},
    "/api/v1/products/{id}/": {"get"},
    "/api/v1/me/purchases/": {"get"},
    "/api/v1/orders/": {"get", "post"},
    "/api/v1/orders/{id}/": {"get"},
}
PRODUCT_FILTERS = {"q", "gender", "article_type", "colour", "min_price", "max_price", "size", "in_stock"}


def test_spectacular_validates_without_warnings(tmp_path):
    out, err = StringIO(), StringIO()
    target = tmp_path / "schema.yaml"
    # Raises SchemaGenerationError on any warning or error; validates against the OpenAPI 3 spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=out, stderr=err)
    assert "Warning" not in err.getvalue(), err.getvalue()
    schema = yaml.safe_load(target.read_text())
    assert set(API_PATHS) <= set(schema["paths"])


@pytest.mark.django_db
def test_schema_endpoint_serves_yaml_with_all_paths(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path, methods in API_PATHS.items():
        assert methods <= set(schema["paths"][path]), path


@pytest.mark.django_db
def test_schema_endpoint_serves_json(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert set(API_PATHS) <= set(schema["paths"])

    product_list = schema["paths"]["/api/v1/products/"]["get"]
    params = {p["name"] for p in product_list["parameters"]}
    assert PRODUCT_FILTERS | {"page", "page_size"} <= params
    page_ref = product_list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][page_ref.rsplit("/", 1)[1]]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])

    create = schema["paths"]["/api/v1/orders/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401"}
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/OrderCreateRequest"
    )
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AuthTokenResponse"
    )
    summary = schema["components"]["schemas"]["ProductSummary"]["properties"]
    assert {"id", "name", "brand", "selling_price", "discounted_price", "image", "url"} <= set(summary)
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def _local_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/drf_spectacular_sidecar/[^"]+)"', html)


@pytest.mark.django_db
def test_docs_page_uses_local_sidecar_assets(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # The Swagger page loads its script from ?script: no inline script, as the CSP requires.
    assert "/api/schema/" in api.get("/api/docs/?script").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline scripts break the CSP"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assets = _local_assets(html)
    assert any("swagger-ui-bundle.js" in a for a in assets), assets
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "no asset may come from the internet"
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


@pytest.mark.django_db
def test_redoc_is_replaced_by_swagger(api):
    """Redoc's worker needs blob: scripts, which the CSP refuses: its old address opens Swagger."""
    response = api.get("/api/redoc/")
    assert response.status_code == 301 and response["Location"] == "/api/docs/"


@override_settings(DEBUG=True)
def test_sidecar_assets_are_served_by_staticfiles_in_debug():
    """What runserver does for /static/ in DEBUG (django.contrib.staticfiles serves from the finders)."""
    path = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    request = RequestFactory().get(f"/static/{path}")
    response = serve_static(request, path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert b"SwaggerUIBundle" in body


def test_component_names_are_clean():
    """No doubled words (RecommendationRequestRequest, PaginatedProductListList)."""
    from drf_spectacular.generators import SchemaGenerator

    names = set(SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"])
    expected = {"RecommendationRequest", "RetrainRequest", "PaginatedCatalogProductList", "CatalogProduct"}
    assert expected <= names
    for name in names:
        words = re.findall(r"[A-Z][a-z0-9]*", name)
        assert all(a != b for a, b in zip(words, words[1:], strict=False)), name
        assert not re.search(r"(Request|List)(Request|List)$", name), name


def test_examples_use_a_product_of_the_demo_catalog():
    """The docs' examples name a product the demo catalog has (so "Try it out" answers 200)."""
    from pathlib import Path

    from django.conf import settings

    from shop.api.views import EXAMPLE_PRODUCT

    lines = (Path(str(settings.CATALOG_DIR)) / "products.jsonl").read_text().splitlines()
    ids = {json.loads(line)["id"] for line in lines if line.strip()}
    assert EXAMPLE_PRODUCT in ids


@pytest.mark.django_db
def test_token_endpoint_takes_json_first(api, django_user_model):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    body = schema["paths"]["/api/v1/auth/token/"]["post"]["requestBody"]["content"]
    assert next(iter(body)) == "application/json"  # what Swagger offers first
    django_user_model.objects.create_user("bob", password="shopper-bob")
    example = body["application/json"]["examples"]
    response = api.post("/api/v1/auth/token/", next(iter(example.values()))["value"], format="json")
    assert response.status_code == 200 and response.json()["token"]


@pytest.mark.django_db
def test_every_rate_limited_operation_documents_its_429(api):
    """Views with a throttle_scope (shop/api/throttles.py) can answer 429: the schema says so."""
    from django.urls import get_resolver

    schema = json.loads(api.get("/api/schema/", {"format": "json"}).content)
    limited = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for route in (p for include in pattern.url_patterns for p in include.url_patterns):
            view = getattr(route.callback, "view_class", None)
            if getattr(view, "throttle_scope", None):
                path = "/api/v1/" + re.sub(r"<int:(\w+)>", "{id}", str(route.pattern))
                methods = {m for m in ("get", "post") if hasattr(view, m)}
                limited |= {(path, method) for method in methods}
    assert {("/api/v1/orders/", "get"), ("/api/v1/orders/", "post"), ("/api/v1/orders/{id}/", "get"),
            ("/api/v1/auth/token/", "post"), ("/api/v1/recommendations/", "post")} <= limited  # fmt: skip
    responses = {(path, method): schema["paths"][path][method]["responses"] for path, method in limited}
    assert sorted(f"{m.upper()} {p}" for (p, m), codes in responses.items() if "429" not in codes) == []
