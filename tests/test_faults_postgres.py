"""PostgreSQL stopped at once (an immediate shutdown: no checkpoint, recovery at the next start)
while the store's web process serves and its worker runs, then started again: meanwhile the API
answers a JSON 503 with Retry-After, pages a 503 page and /health/ says the database failed, all
within 2 s, and the worker lives on; within 15 s of the database returning both serve again,
neither restarted. A disposable copy of the test server (tests/faults.py)."""

from __future__ import annotations

import time

import pytest

from tests.faults import DisposablePostgres, DisposableRedis, Store

pytestmark = [pytest.mark.django_db(transaction=True)]
ANSWER_WITHIN_S, RECOVER_WITHIN_S = 2.0, 15.0


@pytest.fixture
def postgres_stack(catalog, tmp_path):
    postgres = DisposablePostgres()  # a copy taken now: it has the catalog
    redis = DisposableRedis(tmp_path / "redis")
    try:
        postgres.start()
        redis.start()
        store = Store(tmp_path, postgres.url, redis.url)
        try:
            store.start()
            yield store, postgres
        finally:
            store.stop()
    finally:
        redis.stop()
        postgres.remove()


def timed_get(store: Store, path: str):
    started = time.monotonic()
    response = store.get(path)
    assert time.monotonic() - started < ANSWER_WITHIN_S, f"{path} took too long"
    return response


def test_postgres_down_is_a_quick_503_and_both_processes_recover(postgres_stack, catalog):
    store, postgres = postgres_stack
    product = catalog.order_by("pk").first().pk
    assert store.get(f"/api/v1/products/{product}/").status_code == 200  # a connection to go stale
    postgres.kill()

    api = timed_get(store, "/api/v1/products/?page_size=5")
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert "database is unavailable" in api.json()["error"]
    assert timed_get(store, f"/api/v1/products/{product}/").status_code == 503
    page = timed_get(store, f"/products/{product}/")
    assert page.status_code == 503 and "briefly unavailable" in page.text
    health = timed_get(store, "/health/")
    assert health.status_code == 503 and health.json()["checks"]["database"].startswith("failed")
    assert not store.worker_takes_a_task(timeout=5)  # its task fails on the database...
    assert store.worker.poll() is None  # ...and the worker lives on

    postgres.start()
    back = time.monotonic()
    store.recovers(within=RECOVER_WITHIN_S)
    for path in ("/api/v1/products/?page_size=5", f"/api/v1/products/{product}/", f"/products/{product}/"):
        assert store.get(path).status_code == 200, path
    assert time.monotonic() - back < RECOVER_WITHIN_S
    assert store.web.poll() is None and store.worker.poll() is None
