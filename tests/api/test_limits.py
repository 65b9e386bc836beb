"""Bad input never yields a 500; request rates and failed-login lockout (real Redis, real DB)."""

import json
import re
import secrets

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import get_resolver

from config.settings import base as base_settings
from shop.api.throttles import parse_rate
from tests.api.conftest import assert_json_error

pytestmark = pytest.mark.django_db


def fresh_address() -> str:
    """A client address no other test (or run) used: rate counters live in Redis for a window."""
    return f"10.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/products/?min_price=1E%2B1000000",
        "/api/v1/products/?max_price=-5",
        "/api/v1/products/?page=%C2%B2",
        "/api/v1/products/?page_size=%C2%B2",
        "/api/v1/products/?page=99999999999999999999999",
        "/api/v1/me/purchases/?page=%C2%B2",
    ],
)
def test_bad_query_parameters_are_json_400s(api, catalog, url):
    if "purchases" in url:
        api.force_authenticate(User.objects.create_user("p", password="pw-12345678"))
    assert_json_error(api.get(url), 400)


@pytest.mark.parametrize(
    "url", ["/?min_price=1E%2B1000000", "/?page=%C2%B2", "/recommendations/?reference=%C2%B2&text=x"]
)
def test_bad_query_parameters_on_pages_are_not_500s(client, catalog, url):
    assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/orders/", "/api/v1/recommendations/"])
def test_deeply_nested_json_is_a_400(api, catalog, path):
    api.force_authenticate(User.objects.create_user("deep", password="pw-12345678"))
    body = "[" * 5000 + "]" * 5000
    response = api.generic("POST", path, body, content_type="application/json")
    assert_json_error(response, 400)
    assert "nested too deeply" in response.json()["error"]


def test_unrouted_api_paths_are_json_404s(client):
    for path in ("/api/v1/products/abc/", "/api/v1/nothing-here/", "/api/v2/"):
        assert_json_error(client.get(path), 404)


def test_unknown_pages_are_friendly_html_404s(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and b"<html" in response.content.lower()


def test_wrong_methods_are_json_405s(api):
    assert_json_error(api.put("/api/v1/products/"), 405)
    assert_json_error(api.get("/api/v1/auth/token/"), 405)


def test_default_rates_never_slow_a_benchmark_client():
    for scope in ("recommendations.anon", "recommendations.user"):
        count, seconds = parse_rate(base_settings.API_RATES[scope])
        assert count / seconds >= 50


def test_recommendation_rate_gives_429_with_retry_after(catalog):
    client = Client(REMOTE_ADDR=fresh_address())
    with override_settings(API_RATES={**settings.API_RATES, "recommendations.anon": "3/min"}):
        statuses = [
            client.post("/api/v1/recommendations/", {"reference_product": 1}, content_type="application/json")
            for _ in range(4)
        ]
    assert all(r.status_code != 429 for r in statuses[:3])
    assert_json_error(statuses[3], 429)
    assert 1 <= int(statuses[3]["Retry-After"]) <= 60
    # another client is not affected
    other = Client(REMOTE_ADDR=fresh_address())
    with override_settings(API_RATES={**settings.API_RATES, "recommendations.anon": "3/min"}):
        response = other.post(
            "/api/v1/recommendations/", {"reference_product": 1}, content_type="application/json"
        )
    assert response.status_code != 429


def _token(client: Client, username: str, password: str):
    return client.post(
        "/api/v1/auth/token/",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


@override_settings(AXES_FAILURE_LIMIT=4)
def test_failed_api_logins_lock_the_username_at_that_address():
    User.objects.create_user("victim", password="right-password-1")
    client = Client(REMOTE_ADDR=fresh_address())
    for _ in range(4):
        assert _token(client, "victim", "wrong").status_code == 400
    locked = _token(client, "victim", "right-password-1")
    assert_json_error(locked, 429)
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    # the same username from another address, and another username from this one, still log in
    assert _token(Client(REMOTE_ADDR=fresh_address()), "victim", "right-password-1").status_code == 200
    User.objects.create_user("bystander", password="right-password-2")
    assert _token(client, "bystander", "right-password-2").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failed_page_logins_lock_with_a_friendly_page():
    User.objects.create_user("shopper", password="right-password-1")
    client = Client(REMOTE_ADDR=fresh_address())
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "shopper", "password": "nope"})
        assert response.status_code in (200, 429)
    response = client.post("/accounts/login/", {"username": "shopper", "password": "right-password-1"})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content and response["Retry-After"]


def test_login_rate_per_address():
    client = Client(REMOTE_ADDR=fresh_address())
    with override_settings(API_RATES={**settings.API_RATES, "login.anon": "2/min"}):
        statuses = [_token(client, f"nobody{i}", "x").status_code for i in range(3)]
    assert statuses == [400, 400, 429]


# --- the rest of the table: every case has its test --------------------------------------


def test_an_overflowing_min_price_is_a_400_on_the_recommendations_page_and_api(client, api, catalog):
    product = catalog.first()
    page = client.get(f"/recommendations/?reference={product.pk}&text=x&min_price=1E%2B1000000")
    assert page.status_code == 400 and b"min_price" in page.content
    body = {"reference_product": product.pk, "filters": {"min_price": "1E+1000000"}}
    assert_json_error(api.post("/api/v1/recommendations/", body, format="json"), 400)


def test_a_unicode_digit_page_is_a_400_on_every_list_endpoint(api, catalog):
    api.force_authenticate(User.objects.create_user("lister", password="pw-12345678"))
    for path in ("/api/v1/products/", "/api/v1/orders/", "/api/v1/me/purchases/"):
        assert_json_error(api.get(f"{path}?page=%C2%B2"), 400)


def test_deeply_nested_json_is_a_400_on_the_staff_retrain_too(api, catalog):
    api.force_authenticate(User.objects.create_user("deep-staff", password="pw-12345678", is_staff=True))
    body = "[" * 5000 + "]" * 5000
    response = api.generic("POST", "/api/v1/admin/retrain/", body, content_type="application/json")
    assert "nested too deeply" in assert_json_error(response, 400)["error"]


def test_server_errors_are_a_friendly_page_or_json_under_the_api(rf):
    handler = get_resolver().resolve_error_handler(500)  # what Django calls on an unhandled error
    page = handler(rf.get("/products/1/"))
    assert page.status_code == 500 and b"Sorry, something went wrong" in page.content
    api_error = handler(rf.get("/api/v1/products/"))
    assert api_error.status_code == 500 and json.loads(api_error.content) == {
        "error": "Internal server error."
    }


@pytest.mark.parametrize(
    "path", ["/", "/cart/", "/accounts/login/", "/no-such-page/", "/recommendations/?text=x"]
)
def test_pages_carry_the_content_security_policy_and_no_inline_script(client, catalog, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", response.content), "inline scripts break the CSP"
