"""Input that used to answer 500 (DEBUG off and on): bodies over the upload limit, usernames that
PostgreSQL or the password hasher cannot take, thousands of query parameters; and a JSON 404
with the Content-Security-Policy header for unknown /api/ paths in DEBUG too."""

import json
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings

from tests.api.conftest import assert_json_error
from tests.api.test_limits import fresh_address

pytestmark = pytest.mark.django_db
LIMIT = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes"


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/auth/token/", "application/json"),
        ("/api/v1/auth/token/", "application/x-www-form-urlencoded"),
        ("/api/v1/recommendations/", "application/json"),
        ("/api/v1/orders/", "application/json"),
    ],
)
def test_a_body_over_the_limit_is_a_413_naming_the_limit(api, django_user_model, path, content_type, debug):
    api.force_authenticate(django_user_model.objects.create_user("big", password="pw-12345678"))
    if content_type == "application/json":
        body = json.dumps({"username": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "password": "y"})
    else:
        body = "username=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + "&password=y"
    with override_settings(DEBUG=debug):
        response = api.generic("POST", path, body, content_type=content_type)
    assert LIMIT in assert_json_error(response, 413)["error"]


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("u" * 151, "x", "username"),
        ("u" * 300, "x", "username"),
        ("bob\x00", "x", "username"),
        ("\ud800bob", "x", "username"),
        ("bob", "pass\udfffword", "password"),
        ("bob", "pass\x00word", "password"),
    ],
)
@pytest.mark.parametrize("debug", [False, True])
def test_usernames_and_passwords_no_query_can_take_are_400s_before_any_query(
    django_user_model, username, password, field, debug
):
    django_user_model.objects.create_user("bob", password="right-password-1")
    client = Client(REMOTE_ADDR=fresh_address())
    body = json.dumps({"username": username, "password": password})  # \ud800 as a JSON escape
    with override_settings(DEBUG=debug):
        response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    error = assert_json_error(response, 400)
    assert list(error["detail"]) == [field]
    assert not AccessAttempt.objects.exists()  # refused before axes wrote (or read) anything


def test_a_username_of_150_characters_is_an_ordinary_failed_login():
    response = Client(REMOTE_ADDR=fresh_address()).post(
        "/api/v1/auth/token/", {"username": "u" * 150, "password": "x"}, content_type="application/json"
    )
    assert "Unable to log in" in assert_json_error(response, 400)["error"]


@pytest.mark.parametrize("debug", [False, True])
def test_thousands_of_query_parameters_are_a_quick_400(client, catalog, debug):
    query = "&".join(f"p{i}=1" for i in range(2000))
    with override_settings(DEBUG=debug):
        started = time.monotonic()
        api = client.get(f"/api/v1/products/?{query}")
        page = client.get(f"/?{query}")
        seconds = time.monotonic() - started
    assert "at most 100" in assert_json_error(api, 400)["error"]
    assert page.status_code == 400 and b"<html" in page.content.lower()
    assert seconds < 1.0
    assert client.get("/api/v1/products/?" + "&".join(f"p{i}=1" for i in range(100))).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/", "/api/v1/products/abc/", "/api/"])
def test_unknown_api_paths_are_json_404s_with_the_policy_in_debug_too(client, path):
    for debug in (False, True):
        with override_settings(DEBUG=debug):
            response = client.get(path)
        assert assert_json_error(response, 404)["error"] == f"Not found: {path}"
        assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [("u" * 151, "x", "username"), ("u" * 300, "x", "username"), ("bob", "pass\x00word", "password")],
)
def test_the_login_page_refuses_what_no_query_can_take_as_a_form_error(
    django_user_model, username, password, field
):
    """The login page's form had no length check: a username over 255 characters reached the
    lockout's insert and answered 500 (found by bench.fuzz_live against gunicorn)."""
    django_user_model.objects.create_user("bob", password="right-password-1")
    client = Client(REMOTE_ADDR=fresh_address())
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not AccessAttempt.objects.exists()  # refused before authenticate() and the lockout
    right = client.post("/accounts/login/", {"username": "bob", "password": "right-password-1"})
    assert right.status_code == 302
