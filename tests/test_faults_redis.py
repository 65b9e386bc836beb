"""Redis killed (SIGKILL) while the store's web process serves and its worker runs, then started
again on the same port: meanwhile every endpoint answers 2xx or a 503 JSON within 2 s (request
rates are not counted, and the web log says so), a retrain answers 503 from the API and a
message in the admin and leaves no version; within 15 s of Redis returning the web and the
worker work again, neither restarted. Disposable Redis and processes (tests/faults.py)."""

from __future__ import annotations

import re
import time

import pytest
from rest_framework.authtoken.models import Token

from recommender.models import ModelVersion
from shop.models import ProductSize
from tests.faults import DisposableRedis, Store, create_user

pytestmark = [pytest.mark.django_db(transaction=True)]
ANSWER_WITHIN_S, RECOVER_WITHIN_S = 2.0, 15.0
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def redis_stack(django_db_setup, tmp_path_factory):
    """One Redis, web process and worker for this module's tests (started once: ~20 s)."""
    folder = tmp_path_factory.mktemp("redis-faults")
    from django.db import connection

    db = connection.settings_dict
    redis = DisposableRedis(folder / "redis")
    redis.start()
    store = Store(folder, f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}", redis.url)
    try:
        store.start()
        yield store, redis
    finally:
        store.stop()
        redis.stop()


def timed(call) -> tuple[object, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_2xx_or_json_503(name: str, response, seconds: float) -> None:
    assert seconds < ANSWER_WITHIN_S, f"{name} took {seconds:.1f} s"
    ok = 200 <= response.status_code < 300
    json_503 = response.status_code == 503 and response.headers["Content-Type"].startswith("application/json")
    assert ok or json_503, f"{name}: {response.status_code} {response.text[:300]}"


def tokens() -> tuple[str, str]:
    shopper = create_user("fault-shopper", "pw-shopper-1")
    staff = create_user("fault-staff", "pw-staff-1", is_staff=True, is_superuser=True)
    return Token.objects.create(user=shopper).key, Token.objects.create(user=staff).key


def answers(store: Store, shopper: str, staff: str, product: int, size: str) -> dict[str, tuple]:
    as_shopper = {"Authorization": f"Token {shopper}"}
    order = {"lines": [{"product": product, "size": size, "quantity": 1}]}
    login = {"username": "fault-shopper", "password": "pw-shopper-1"}
    return {
        "health": timed(lambda: store.get("/health/")),
        "catalog page": timed(lambda: store.get("/")),
        "product page": timed(lambda: store.get(f"/products/{product}/")),
        "products": timed(lambda: store.get("/api/v1/products/?page_size=5")),
        "product": timed(lambda: store.get(f"/api/v1/products/{product}/")),
        "token (rate-limited)": timed(lambda: store.post("/api/v1/auth/token/", json=login)),
        "orders (rate-limited)": timed(lambda: store.get("/api/v1/orders/", headers=as_shopper)),
        "place order": timed(lambda: store.post("/api/v1/orders/", json=order, headers=as_shopper)),
        "purchases": timed(lambda: store.get("/api/v1/me/purchases/", headers=as_shopper)),
        "recommendations": timed(
            lambda: store.post("/api/v1/recommendations/", json={"reference_product": product, "text": "x"})
        ),
        "retrain": timed(
            lambda: store.post("/api/v1/admin/retrain/", json={}, headers={"Authorization": f"Token {staff}"})
        ),
    }


def test_redis_killed_then_back_every_answer_in_time_and_both_processes_recover(redis_stack, catalog):
    store, redis = redis_stack
    shopper, staff = tokens()
    size = ProductSize.objects.filter(stock__gt=2).order_by("pk").first()
    redis.kill()

    down = answers(store, shopper, staff, size.product_id, size.label)
    for name, (response, seconds) in down.items():
        assert_2xx_or_json_503(name, response, seconds)
    assert down["health"][0].status_code == 503 and down["products"][0].status_code == 200
    assert down["token (rate-limited)"][0].status_code == 200  # the rate is not counted: let through
    assert down["orders (rate-limited)"][0].status_code == 200 and down["place order"][0].status_code == 201
    assert down["retrain"][0].status_code == 503 and "queue" in down["retrain"][0].json()["error"]
    assert not ModelVersion.objects.exists()
    assert "request rates not counted, the cache is unreachable" in store.web_log.read_text()

    redis.start()
    back = time.monotonic()
    store.recovers(within=RECOVER_WITHIN_S)
    staff_token = {"Authorization": f"Token {staff}"}
    retrain = store.post("/api/v1/admin/retrain/", json={}, headers=staff_token)
    assert retrain.status_code == 202, retrain.text  # queued (the gpu queue: this worker leaves it)
    assert time.monotonic() - back < RECOVER_WITHIN_S
    assert store.web.poll() is None and store.worker.poll() is None  # neither was restarted
    assert ModelVersion.objects.get().status == "queued"
    # The worker retried the broker every 1-3 s (config.celery.QuickReconnectConsumer), not
    # Celery's 2, 4, 6 ... 30 s: it is back within seconds however long Redis was down.
    waits = [float(w) for w in re.findall(r"Trying again in ([0-9.]+) second", store.worker_log.read_text())]
    assert waits and max(waits) <= 3


def admin_session(store: Store, username: str, password: str):
    import requests

    session = requests.Session()
    page = session.get(store.base + "/admin/login/", timeout=10)
    form = {"username": username, "password": password, "next": "/admin/"}
    form["csrfmiddlewaretoken"] = CSRF_FIELD.search(page.text).group(1)
    assert session.post(store.base + "/admin/login/", data=form, timeout=10).url.endswith("/admin/")
    return session


def test_the_admin_retrain_button_with_redis_down_says_so_and_leaves_no_version(redis_stack, catalog):
    store, redis = redis_stack
    create_user("fault-admin", "pw-admin-12", is_staff=True, is_superuser=True)
    session = admin_session(store, "fault-admin", "pw-admin-12")
    changelist = store.base + "/admin/recommender/modelversion/"
    token = CSRF_FIELD.search(session.get(changelist, timeout=10).text).group(1)
    redis.kill()
    try:
        started = time.monotonic()
        response = session.post(changelist + "retrain/", data={"csrfmiddlewaretoken": token}, timeout=10)
        assert time.monotonic() - started < ANSWER_WITHIN_S
        assert response.status_code == 200 and response.url == changelist  # back on the list
        assert "The task queue is unreachable, so nothing was queued" in response.text
        assert not ModelVersion.objects.exists()
    finally:
        redis.start()
