"""Smoke tests of bench/scale.py and bench/indexing.py: tiny sizes, real servers, scratch databases.

Each benchmark runs as a subprocess under config.settings.test (so against var/test/pg, never the
store's database) with its own scratch database name, and must exit 0 with a well-formed JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _scratch_db_exists(name: str) -> bool:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host")
    with psycopg.connect(
        dbname="postgres", host=host, user=db.get("USER") or None, port=db.get("PORT") or None
    ) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def test_scale_smoke(tmp_path):
    out = tmp_path / "scale.json"
    db = f"bench_scale_smoke_{os.getpid()}"
    _run(
        [
            "bench/scale.py",
            "--sizes",
            "2000",
            "--queries",
            "10",
            "--repeats",
            "1",
            "--clusters",
            "50",
            "--no-catalog",
            "--database",
            db,
            "--json",
            str(out),
        ]
    )
    report = json.loads(out.read_text())
    assert report["benchmark"] == "scale" and report["machine"]["pgvector"]
    (dataset,) = report["datasets"]
    assert dataset["n"] == 2000 and dataset["numpy_exact_ms"]["one_thread"]["p50"] > 0
    assert set(dataset["types"]) == {"vector", "halfvec"}
    for kind in dataset["types"].values():
        assert kind["build_s"] > 0 and kind["index_mib"] > 0
        modes = {(r["filter"], r["iterative_scan"]) for r in kind["queries"]}
        assert len(modes) == 8
        for row in kind["queries"]:
            assert 0.0 <= row["recall@20"] <= 1.0 and row["p50"] <= row["p99"]
            assert 0 <= row["returned_min"] <= 20
    assert out.with_suffix(".png").stat().st_size > 0
    assert not _scratch_db_exists(db)


@pytest.mark.slow
def test_indexing_smoke(tmp_path):
    out = tmp_path / "indexing.json"
    db = f"bench_indexing_smoke_{os.getpid()}"
    _run(
        [
            "bench/indexing.py",
            "--images",
            "16",
            "--batch-sizes",
            "8",
            "--repeats",
            "1",
            "--database",
            db,
            "--json",
            str(out),
        ]
    )
    report = json.loads(out.read_text())
    assert report["benchmark"] == "indexing" and report["params"]["images"] == 16
    variants = {r["variant"]: r for r in report["rows"]}
    assert set(variants) == {"raw", "pipeline", "pipeline+overlap"}
    assert all(r["images_per_s"] > 0 and r["batch_size"] == 8 for r in report["rows"])
    assert variants["raw"]["vs_raw"] == 1.0
    assert "decode+resize+normalise (serial)" in report["stages"]
    assert not _scratch_db_exists(db)
