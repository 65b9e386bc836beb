"""Smoke run of bench.load with tiny numbers (a few shoppers, seconds) against this run's test
database: real gunicorn, real locust, the stock checks, and the store left as it was."""

import json

import pytest

from bench.load import PRODUCTION
from shop.models import Order, ProductSize
from tests.conftest import free_port, make_version


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_load_benchmark_smoke(catalog, trained_checkpoint, tmp_path, run_bench, test_database_env):
    from django.contrib.auth.models import User

    make_version(trained_checkpoint)
    stock_before = dict(ProductSize.objects.values_list("pk", "stock"))
    orders_before = Order.objects.count()
    out = tmp_path / "load.json"
    done = run_bench(
        "load", "--users", "3", "--spawn-rate", "3", "--duration", "10", "--workers", "1",
        "--hot-sizes", "4", "--port", str(free_port()), "--json", str(out),
        "--min-orders-per-shopper-minute", "0",  # seconds of traffic: an order may not land
        env=test_database_env,
    )  # fmt: skip
    report = json.loads(out.read_text())
    rows = {row["request"]: row for row in report["requests"]}
    assert rows["login"]["requests"] == 3 and rows["login"]["statuses"] == {"302": 3}
    assert rows["all"]["requests"] >= 9 and rows["all"]["5xx"] == 0 and rows["all"]["no_answer"] == 0
    assert all(0 < row["p50_ms"] <= row["p99_ms"] for row in rows.values())
    # Where the time went, from the store's Server-Timing (on for the run): every answer had one.
    spent = rows["all"]["server"]["all"]
    assert 0 < spent["app_ms"] <= spent["client_ms"] and spent["db_ms"] > 0 and spent["waiting_ms"] >= 0
    assert report["gunicorn_threads"] == PRODUCTION["threads"] and 0 < report["logins_done_s"] < 10
    stock = report["stock"]
    assert stock["oversold"] == [] and stock["stock_mismatch"] == [] and stock["sizes_below_zero"] == 0
    orders = report["orders"]  # every Place order either landed (and its page showed it) or was refused
    requests = {name: row["requests"] for name, row in rows.items()}
    assert orders["orders_placed"] + orders["orders_refused"] == requests.get("place order", 0)
    assert requests.get("order placed page", 0) == orders["orders_placed"]
    assert "load" in done.stdout and report["machine"]["cores"] >= 1
    # The store is as it was: the run's orders are gone, their units back in stock, no accounts left.
    assert Order.objects.count() == orders_before
    assert dict(ProductSize.objects.values_list("pk", "stock")) == stock_before
    assert not User.objects.filter(username__startswith="loadtest-").exists()
