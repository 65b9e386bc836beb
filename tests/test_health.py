"""GET /health/ and the services a process needs when it starts, against real addresses that do
not answer (port 1 on loopback), never mocks: Redis down is a 503, an unreachable REDIS_URL stops
manage.py with one line, and REDIS_FALLBACK=embedded is the only way to the embedded Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from tests.conftest import broker_at

REPO = Path(__file__).resolve().parent.parent
DEAD_REDIS = "redis://127.0.0.1:1/0"
DEAD_DATABASE = "postgres://store:x@127.0.0.1:1/store"


def this_runs_database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['HOST']}"


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """`python args` from the repository root under the test settings and `env`."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_health_is_200_with_every_service_and_names_the_active_model(client, active_model):
    response = client.get("/health/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "active_model": active_model.name},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_503_when_redis_is_down(client):
    cache = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    with override_settings(CACHES=cache), broker_at(DEAD_REDIS):
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("failed") and body["checks"]["broker"].startswith("failed")
    assert client.get("/health/").status_code == 200  # and healthy again once Redis is back


def test_health_is_503_when_the_database_is_down():
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/health/')\n"
        "print(r.status_code, r.json()['checks']['database'], r.json()['checks']['cache'])\n"
    )
    done = run_python(["-c", code], DATABASE_URL=DEAD_DATABASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["503", "failed:", "OperationalError", "ok"]


@pytest.mark.django_db
def test_an_unreachable_redis_url_stops_manage_py_with_one_line():
    done = run_python(
        ["manage.py", "showmigrations", "shop"], DATABASE_URL=this_runs_database_url(), REDIS_URL=DEAD_REDIS
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"manage.py: error: REDIS_URL {DEAD_REDIS} is not reachable "
        "(set REDIS_FALLBACK=embedded to use the embedded Redis instead)"
    ]


@pytest.mark.django_db
def test_redis_fallback_embedded_uses_the_embedded_redis():
    code = (
        "from django.conf import settings\n"
        "from django.core.cache import cache\n"
        "from config.celery import app\n"
        "cache.set('fallback-probe', 'here', 30)\n"
        "print(settings.CACHES['default']['LOCATION'], app.conf.broker_url, cache.get('fallback-probe'))"
    )
    done = run_python(
        ["manage.py", "shell", "--no-imports", "-c", code],
        DATABASE_URL=this_runs_database_url(),
        REDIS_URL=DEAD_REDIS,
        REDIS_FALLBACK="embedded",
    )
    assert done.returncode == 0, done.stderr
    cache_location, broker, probe = done.stdout.split()
    embedded = Path(settings.VAR_DIR) / "redis" / "redis.sock"
    assert cache_location == f"unix://{embedded}?db=0" and broker == f"redis+socket://{embedded}"
    assert probe == "here"


def test_production_never_falls_back_to_the_embedded_redis(tmp_path):
    done = run_python(
        ["manage.py", "showmigrations"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DEBUG="0",
        SECRET_KEY="k" * 60,
        DATABASE_URL=DEAD_DATABASE,
        REDIS_URL=DEAD_REDIS,
        REDIS_FALLBACK="embedded",
        VAR_DIR=str(tmp_path),
    )
    assert done.returncode == 2 and "REDIS_URL" in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "redis").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_probes_all_answer_200(live_server):
    """8 probers at once, as an orchestrator and a load balancer probe together: each probe
    writes and reads a cache key of its own, so no probe reads another's write (a false 503)."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.error import HTTPError
    from urllib.request import urlopen

    def probe(_: int) -> int:
        try:
            with urlopen(f"{live_server.url}/health/", timeout=10) as response:
                return response.status
        except HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(probe, range(160)))
    assert statuses.count(200) == 160, statuses
