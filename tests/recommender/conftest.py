"""Real Celery workers for the recommender's tests: separate processes on the test broker
(embedded Redis) and the test database, started, killed and restarted by the tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    tail = log.read_text()[-4000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}; worker log:\n{tail}")


class Workers:
    """Starts `celery worker` processes named `name`; a restart under the same name is how a
    crashed machine's worker comes back."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['HOST']}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "MODEL_DIR": str(tmp_path / "models"),
        }

    def start(self, name: str | None = None, pool: str = "solo", **env: str) -> subprocess.Popen:
        name = name or f"test-{uuid.uuid4().hex[:8]}@%h"
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,gpu", "--pool", pool,
            "--concurrency", "1", "-n", name, "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=REPO, env={**self.env, **env}, stdout=out, stderr=subprocess.STDOUT
            )
        process.log, process.worker_name = log, name
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the whole worker (its children too): a machine that lost power."""
        for pid in child_pids(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    self.kill(process)


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.fixture
def workers(tmp_path):
    from config.celery import app

    app.control.purge()  # tasks left in the test broker by earlier tests are not ours
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


@pytest.fixture
def worker(workers):
    """One worker on both queues."""
    return workers.start()
