"""Smoke runs of bench/retrieval.py and bench/serving.py with tiny sizes, so they cannot rot."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import make_version

REPO = Path(__file__).resolve().parents[2]
FASHION_IQ = REPO.parent / "shared" / "data" / "fashion-iq"


def _bench_env() -> dict:
    """The benchmark subprocesses talk to this run's test database."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['HOST']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ML_CACHE_DIR": str(settings.ML_CACHE_DIR),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_retrieval_benchmark_smoke(catalog, trained_checkpoint, small_catalog_dir, tmp_path):
    make_version(trained_checkpoint)
    out = tmp_path / "retrieval.json"
    _run(
        "bench/retrieval.py", "--catalog", str(small_catalog_dir), "--epochs", "1",
        "--work-dir", str(tmp_path), "--sql", "--json", str(out), "--plot", str(tmp_path / "retrieval.png"),
        env=_bench_env(),
    )  # fmt: skip
    result = json.loads(out.read_text())
    assert set(result["rows"]) >= {
        "production (composed)",
        "seed method (seed scoring)",
        "image_only",
        "text_only",
    }
    assert (tmp_path / "retrieval.png").stat().st_size > 0
    for row in result["sql_path"]["methods"].values():
        assert row["abs_diff_R@10"] <= 0.01

    # The Fashion IQ runner, on stand-in images named like Fashion IQ ASINs.
    images = tmp_path / "fiq-images"
    images.mkdir()
    asins = json.loads((FASHION_IQ / "image_splits" / "split.dress.val.json").read_text())[:40]
    photos = sorted((small_catalog_dir / "images").iterdir())
    for asin, photo in zip(asins, photos, strict=False):
        (images / f"{asin}.jpg").symlink_to(photo.resolve())
    fiq = tmp_path / "fiq.json"
    _run(
        "bench/retrieval.py", "fashion-iq", "--images", str(images), "--categories", "dress",
        "--checkpoint", str(tmp_path / "seed_method"), "--json", str(fiq),
        "--catalog", str(small_catalog_dir),
    )  # fmt: skip
    assert "dress" in json.loads(fiq.read_text())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serving_benchmark_smoke(catalog, trained_checkpoint, tmp_path):
    make_version(trained_checkpoint)
    out = tmp_path / "serving.json"
    _run(
        "bench/serving.py", "--workers", "1", "--requests", "6", "--concurrency", "1", "2",
        "--port", str(_free_port()), "--json", str(out),
        env=_bench_env(),
    )  # fmt: skip
    report = json.loads(out.read_text())
    rows = {(r["scenario"], r["concurrency"]): r for r in report["results"]}
    assert set(rows) == {(s, c) for s in ("baseline", "composed", "new_text", "filters") for c in (1, 2)}
    assert all(r["statuses"] == [200] for r in rows.values())
    assert {"lookup", "encode", "search", "serialize"} <= set(
        rows[("composed", 1)]["server_timing_median_ms"]
    )
