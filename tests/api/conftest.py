"""Shared by the API tests: a DRF client, and the check that an error is JSON with a message."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    return body
