"""Shared by the benchmark smoke tests: run ``python -m bench.<name>`` as a subprocess under the
test settings (var/test servers), optionally against this run's test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run_bench(
    name: str, *args: str, env: dict | None = None, timeout: int = 900
) -> subprocess.CompletedProcess:
    """`python -m bench.<name> args` from the repository root; fails the test unless it exits 0.
    Without `env`: the test settings and their own database server (var/test), no test database."""
    env = env or {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture
def run_bench():
    return _run_bench


@pytest.fixture
def test_database_env(db) -> dict:
    """The environment that points a benchmark at this run's test database, media and caches
    (the test needs django_db(transaction=True) so the subprocess sees the rows)."""
    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{database['USER']}:@/{database['NAME']}?host={database['HOST']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ML_CACHE_DIR": str(settings.ML_CACHE_DIR),
    }
