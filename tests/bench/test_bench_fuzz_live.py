"""Smoke run of bench.fuzz_live with tiny numbers against this run's test database: real
gunicorn, real schemathesis over HTTP, the malformed requests, and the store left as it was."""

import json

import pytest

from shop.models import Order, ProductSize
from tests.conftest import free_port, make_version


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fuzz_live_benchmark_smoke(catalog, trained_checkpoint, tmp_path, run_bench, test_database_env):
    from django.contrib.auth.models import User

    from recommender.models import ModelVersion

    make_version(trained_checkpoint)
    stock_before = dict(ProductSize.objects.values_list("pk", "stock"))
    orders_before, versions_before = Order.objects.count(), ModelVersion.objects.count()
    out = tmp_path / "fuzz_live.json"
    done = run_bench(
        "fuzz_live", "--requests", "60", "--workers", "1", "--port", str(free_port()), "--json", str(out),
        env=test_database_env,
    )  # fmt: skip
    report = json.loads(out.read_text())
    fuzz, malformed = report["fuzz"], report["malformed"]
    assert fuzz["requests"] >= 60 and fuzz["5xx"] == 0 and fuzz["no_answer"] == 0
    assert {row["operation"] for row in fuzz["by_operation"]} >= {"POST /api/v1/recommendations/"}
    assert malformed["5xx"] == 0 and malformed["unexpected"] == [] and malformed["requests"] >= 30
    assert "413" in malformed["statuses"] and report["machine"]["cores"] >= 1
    assert "fuzz:" in done.stdout
    # The store is as it was: the run's order is gone, its units back, no accounts, no version.
    assert Order.objects.count() == orders_before and ModelVersion.objects.count() == versions_before
    assert dict(ProductSize.objects.values_list("pk", "stock")) == stock_before
    assert not User.objects.filter(username__startswith="fuzzlive-").exists()
