"""POST /api/v1/recommendations/ and the staff retraining endpoints."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from recommender.models import ModelVersion
from shop.models import Product
from shop.services import OrderItem, place_order

URL = "/api/v1/recommendations/"


@pytest.fixture
def client():
    return APIClient()


def _shirt():
    return Product.objects.filter(article_type="Shirts").order_by("pk").first()


def test_anonymous_with_reference(client, active_model):
    shirt = _shirt()
    response = client.post(URL, {"reference_product": shirt.pk, "text": "in navy", "limit": 5}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["reference"]["id"] == shirt.pk
    assert body["model_version"] == active_model.name
    assert len(body["results"]) == 5
    assert {"product", "score"} <= set(body["results"][0])
    assert body["results"][0]["product"]["image"].startswith("http://testserver/media/")


def test_filters_in_the_body(client, active_model):
    body = {
        "reference_product": _shirt().pk,
        "text": "",
        "limit": 10,
        "filters": {"gender": "Women", "article_type": "Tops", "max_price": "2000"},
    }
    response = client.post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    for row in response.json()["results"]:
        assert row["product"]["gender"] == "Women" and row["product"]["article_type"] == "Tops"
        assert float(row["product"]["selling_price"]) <= 2000


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": "in navy"}, "reference"),  # anonymous callers must give a reference
        ({"reference_product": 999999999, "text": ""}, "reference_product"),
        ({"reference_product": "abc"}, "reference_product"),
        ({"reference_product": 0, "text": "x" * 501}, "text"),
        ({"reference_product": 0, "limit": 0}, "limit"),
        ({"reference_product": 0, "limit": 101}, "limit"),
        ({"reference_product": 0, "filters": {"gender": "Aliens"}}, "gender"),
        ({"reference_product": 0, "filters": {"min_price": "abc"}}, "min_price"),
        ({"reference_product": 0, "filters": {"min_price": 50, "max_price": 10}}, "max_price"),
        ({"reference_product": 0, "filters": {"colour_of_sky": "blue"}}, "unknown filter"),
        ({"reference_product": 0, "filters": "cheap"}, "filters"),
    ],
)
def test_bad_requests_are_400_json(client, active_model, body, field):
    if body.get("reference_product") == 0:
        body = {**body, "reference_product": _shirt().pk}
    response = client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"] + str(response.json().get("detail", ""))


def test_malformed_json_is_400(client, active_model):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.json()


def test_token_user_defaults_to_last_purchase(client, active_model):
    user = User.objects.create_user("mobile", password="pw-12345678")
    token_response = client.post("/api/v1/auth/token/", {"username": "mobile", "password": "pw-12345678"})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_response.json()['token']}")
    assert client.post(URL, {"text": "in red"}, format="json").status_code == 400  # no purchases yet

    shirt = _shirt()
    size = shirt.sizes.filter(stock__gt=0).first()
    place_order(user, [OrderItem(shirt.pk, size.label if size else "", 1)])
    response = client.post(URL, {"text": "in red"}, format="json")
    assert response.status_code == 200
    assert response.json()["reference"]["id"] == shirt.pk
    assert response.json()["reference_is_last_purchase"] is True
    assert shirt.pk not in [r["product"]["id"] for r in response.json()["results"]]


def test_no_active_model_is_503_json(client, catalog):
    response = client.post(URL, {"reference_product": _shirt().pk}, format="json")
    assert response.status_code == 503
    assert "no model" in response.json()["error"]


def test_retrain_requires_staff(client, catalog):
    assert client.post("/api/v1/admin/retrain/", {}, format="json").status_code == 401
    User.objects.create_user("plain", password="pw-12345678")
    client.login(username="plain", password="pw-12345678")
    response = client.post("/api/v1/admin/retrain/", {}, format="json")
    assert response.status_code == 403 and "error" in response.json()


def test_staff_retrain_queues_one_job_and_reports_progress(
    client, catalog, django_capture_on_commit_callbacks
):
    User.objects.create_user("staff", password="pw-12345678", is_staff=True)
    client.login(username="staff", password="pw-12345678")
    response = client.post("/api/v1/admin/retrain/", {"config": {"epochs": 1}}, format="json")
    assert response.status_code == 202, response.json()
    job = response.json()
    assert job["status"] == "queued" and job["config"] == {"epochs": 1}

    again = client.post("/api/v1/admin/retrain/", {}, format="json")
    assert again.status_code == 409 and again.json()["job"]["id"] == job["id"]
    assert ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).count() == 1

    progress = client.get(f"/api/v1/admin/jobs/{job['id']}/")
    assert progress.status_code == 200 and progress.json()["status"] == "queued"
    assert {"stage", "epoch", "epochs", "step", "total", "eta"} <= set(progress.json())  # as fields
    assert client.get("/api/v1/admin/jobs/999999/").status_code == 404


def test_retrain_rejects_bad_config(client, catalog):
    User.objects.create_user("staff2", password="pw-12345678", is_staff=True)
    client.login(username="staff2", password="pw-12345678")
    response = client.post("/api/v1/admin/retrain/", {"config": {"objective": "magic"}}, format="json")
    assert response.status_code == 400 and "objective" in response.json()["error"]
    response = client.post("/api/v1/admin/retrain/", {"config": {"no_such_field": 1}}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"lr": "abc"}, "lr"),
        ({"projection_dim": 128}, "projection_dim"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"device": "tpu"}, "device"),
        ({"cache_dir": "/tmp"}, "cache_dir"),
    ],
)
def test_retrain_config_is_fully_validated(client, catalog, config, field):
    User.objects.create_user("staff3", password="pw-12345678", is_staff=True)
    client.login(username="staff3", password="pw-12345678")
    response = client.post("/api/v1/admin/retrain/", {"config": config}, format="json")
    assert response.status_code == 400 and field in response.json()["error"]
    assert not ModelVersion.objects.exists()


def test_jobs_are_staff_only(client, catalog):
    job = ModelVersion.objects.create()
    assert client.get(f"/api/v1/admin/jobs/{job.pk}/").status_code == 401
    User.objects.create_user("curious", password="pw-12345678")
    client.login(username="curious", password="pw-12345678")
    response = client.get(f"/api/v1/admin/jobs/{job.pk}/")
    assert response.status_code == 403 and "progress" not in response.json()


def test_session_posts_need_the_csrf_token(active_model):
    """A browser session (not a token) must send the CSRF token: a cross-site form can't post."""
    shopper = User.objects.create_user("sessioned", password="pw-12345678")
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(shopper)
    body = {"reference_product": _shirt().pk, "text": "in red"}
    for url, payload in ((URL, body), ("/api/v1/orders/", {"lines": []})):
        response = browser.post(url, payload, format="json")
        assert response.status_code == 403 and "CSRF" in response.json()["error"]
    browser.get("/")  # the page sets the csrftoken cookie, as a browser visit does
    token = browser.cookies["csrftoken"].value
    assert browser.post(URL, body, format="json", HTTP_X_CSRFTOKEN=token).status_code == 200


def _schema() -> dict:
    import yaml

    return yaml.safe_load(APIClient().get("/api/schema/").content)


def test_the_docs_examples_answer_200(client, active_model, django_user_model):
    """What Swagger's "Try it out" sends: every request example of the schema, on real data."""
    operation = _schema()["paths"]["/api/v1/recommendations/"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    shopper = django_user_model.objects.create_user("tryout", password="pw-12345678")
    place_order(shopper, [OrderItem(_shirt().pk, _shirt().sizes.filter(stock__gt=0).first().label, 1)])
    client.force_authenticate(shopper)  # the "last purchase" example needs a logged-in shopper
    assert len(examples) >= 3
    for name, example in examples.items():
        response = client.post(URL, example["value"], format="json")
        assert response.status_code == 200, (name, response.json())
        assert response.json()["results"], name


def test_results_carry_sizes_with_stock_in_a_bounded_number_of_queries(
    client, active_model, django_assert_max_num_queries
):
    body = {"reference_product": _shirt().pk, "text": "in blue", "limit": 30}
    client.post(URL, body, format="json")  # warm the vocabulary and the model cache
    with django_assert_max_num_queries(12):
        response = client.post(URL, body, format="json")
    rows = response.json()["results"]
    assert len(rows) == 30
    for row in rows:
        product = Product.objects.get(pk=row["product"]["id"])
        sizes = [{"label": s.label, "stock": s.stock, "in_stock": s.stock > 0} for s in product.sizes.all()]
        assert row["product"]["sizes"] == sizes


def test_age_group_filter(client, active_model):
    dress = Product.objects.filter(article_type="Dresses").order_by("pk").first()
    body = {"reference_product": dress.pk, "limit": 5, "filters": {"age_group": "Kids"}}
    response = client.post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    ids = [row["product"]["id"] for row in response.json()["results"]]
    assert ids and all(Product.objects.get(pk=i).age_group.startswith("Kids-") for i in ids)
    bad = client.post(URL, {**body, "filters": {"age_group": "Teens"}}, format="json")
    assert bad.status_code == 400
