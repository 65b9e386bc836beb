"""Smoke runs of bench.retrieval and bench.serving with tiny sizes, so they cannot rot."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port, make_version

FASHION_IQ = Path(settings.CATALOG_DIR).parent / "fashion-iq"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_retrieval_benchmark_smoke(
    catalog, trained_checkpoint, small_catalog_dir, tmp_path, run_bench, test_database_env
):
    make_version(trained_checkpoint)
    out = tmp_path / "retrieval.json"
    run_bench(
        "retrieval", "--catalog", str(small_catalog_dir), "--epochs", "1",
        "--work-dir", str(tmp_path), "--sql", "--json", str(out), "--plot", str(tmp_path / "retrieval.png"),
        env=test_database_env,
    )  # fmt: skip
    result = json.loads(out.read_text())
    assert set(result["rows"]) >= {
        "production (composed)",
        "seed method (seed scoring), same inputs",
        "seed method, no product text",
        "image_only",
        "text_only",
    }
    assert (tmp_path / "retrieval.png").stat().st_size > 0
    assert set(result["sql_path"]["methods"]) == {"vector_only", "image_only", "seed"}
    for row in result["sql_path"]["methods"].values():
        assert row["sql"]["n"] == row["in_memory"]["n"] > 0
        assert row["abs_diff_R@10"] <= 0.01
    assert result["machine"]["cores"] >= 1

    # The Fashion IQ runner, on stand-in images named like Fashion IQ ASINs.
    images = tmp_path / "fiq-images"
    images.mkdir()
    asins = json.loads((FASHION_IQ / "image_splits" / "split.dress.val.json").read_text())[:40]
    photos = sorted((small_catalog_dir / "images").iterdir())
    for asin, photo in zip(asins, photos, strict=False):
        (images / f"{asin}.jpg").symlink_to(photo.resolve())
    fiq = tmp_path / "fiq.json"
    run_bench(
        "retrieval", "fashion-iq", "--images", str(images), "--categories", "dress",
        "--checkpoint", str(tmp_path / "seed,_no_product_text"), "--json", str(fiq),
        "--catalog", str(small_catalog_dir),
    )  # fmt: skip
    assert "dress" in json.loads(fiq.read_text())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serving_benchmark_smoke(catalog, trained_checkpoint, tmp_path, run_bench, test_database_env):
    make_version(trained_checkpoint)
    out = tmp_path / "serving.json"
    run_bench(
        "serving", "--workers", "1", "--requests", "6", "--concurrency", "1", "2",
        "--port", str(free_port()), "--json", str(out),
        env=test_database_env,
    )  # fmt: skip
    report = json.loads(out.read_text())
    rows = {(r["scenario"], r["concurrency"]): r for r in report["results"]}
    scenarios = ("baseline", "composed", "new_text", "filters", "new_text_filters")
    assert set(rows) == {(s, c) for s in scenarios for c in (1, 2)}
    assert all(r["statuses"] == [200] for r in rows.values())
    assert all(0 < r["p50_ms"] <= r["p99_ms"] for r in rows.values())
    assert {"lookup", "encode", "search", "serialize"} <= set(
        rows[("composed", 1)]["server_timing_median_ms"]
    )
