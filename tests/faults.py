"""Disposable servers for the fault tests, which kill and restart them: a Redis on its own port, a
copy of the test PostgreSQL server on its own socket and port, and the store's processes on them
(gunicorn serving the web, a Celery worker), started as production starts them (base settings,
DEBUG off, persistent database connections). The suite's own servers are never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from celery import Celery
from django.db import connection

from config.embedded import _redis_server_binary, redis_is_reachable
from tests.conftest import free_port
from tests.replica import _as_server_user, _bin_dir

REPO = Path(__file__).resolve().parent.parent


def wait_until(predicate: Callable[[], object], timeout: float, what: str, logs: tuple[Path, ...] = ()):
    """Poll `predicate` every 0.2 s (an error counts as not yet: the server may be starting); its
    first true value, else fail with the processes' logs and the last error."""
    deadline, error = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, requests.RequestException) as exc:
            value, error = None, exc
        if value:
            return value
        time.sleep(0.2)
    tails = "\n".join(f"--- {log}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last error: {error})\n{tails}")


def create_user(username: str, password: str, **fields):
    """A user the store's processes can log in: their settings hash with PBKDF2, the tests' with
    MD5 (fast), so the password is hashed as theirs, with few iterations (fast too)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import User

    hashed = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt(), iterations=1000)
    return User.objects.create(username=username, password=hashed, **fields)


class DisposableRedis:
    """redis-server (the embedded one's binary) on a loopback port, with the append-only file on
    as the demo's: SIGKILL it, start it again on the same port and data."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            _redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.folder), "--appendonly", "yes", "--save", "",
            "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: redis_is_reachable(self.url), 10, "redis to start", (self.folder / "redis.log",))

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: a crash, not a shutdown
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()


class DisposablePostgres:
    """A standalone copy of the test database server (pg_basebackup, without standby settings) on
    its own socket folder and port: `kill` is an immediate shutdown (no checkpoint, like a crash:
    the next start recovers from the WAL)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="pgf", dir="/tmp"))  # a socket path has ~100 chars
        self.port, self.database, self.user = free_port(), connection.settings_dict["NAME"], _as_server_user()
        if self.user:
            shutil.chown(self.folder, self.user["user"])
        self.data = self.folder / "data"
        self.run(_bin_dir() / "pg_basebackup", "-h", connection.settings_dict["HOST"], "-U", "postgres",
                 "-D", self.data, "-X", "stream", "--checkpoint=fast")  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql://postgres@:{self.port}/{self.database}?host={self.folder}"

    def run(self, *command, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(command, check=check, cwd=self.folder, capture_output=True, **self.user)

    def start(self) -> None:
        options = f"-h '' -k {self.folder} -p {self.port} -c shared_buffers=128MB"
        log = self.folder / "log"
        self.run(_bin_dir() / "pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "start")

    def kill(self) -> None:
        self.run(_bin_dir() / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")

    def remove(self) -> None:
        self.run(_bin_dir() / "pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


class Store:
    """gunicorn and a Celery worker (queue `default` only: a retrain the web queues stays in the
    broker instead of training) on the given database and Redis, as production runs them."""

    def __init__(self, folder: Path, database_url: str, redis_url: str):
        self.folder, self.port, self.processes = folder, free_port(), []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "0", "SECRET_KEY": "f" * 60,
            "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1",
            "VAR_DIR": str(folder), "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "RATE_LOGIN": "30/min", "TORCH_THREADS": "1", "HF_HUB_OFFLINE": "1",
        }  # fmt: skip
        self.web_log, self.worker_log = folder / "web.log", folder / "worker.log"
        self.base = f"http://127.0.0.1:{self.port}"
        self.broker = Celery("fault-probe", broker=redis_url, backend=redis_url)
        self.broker.conf.broker_connection_timeout = 1

    def _start(self, command: list[str], log: Path) -> subprocess.Popen:
        with log.open("a") as out:
            process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process

    def start(self) -> None:
        bin_dir = Path(sys.executable).parent
        self.web = self._start(
            [str(bin_dir / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "4", "--timeout", "60"],
            self.web_log,
        )  # fmt: skip
        self.worker = self._start(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default", "--pool", "solo",
             "-n", f"fault-{self.port}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            self.worker_log,
        )  # fmt: skip
        wait_until(lambda: self.get("/health/", timeout=5).status_code == 200, 120, "the web", self.logs)
        wait_until(lambda: self.worker_takes_a_task(timeout=5), 120, "the worker", self.logs)

    @property
    def logs(self) -> tuple[Path, ...]:
        return (self.web_log, self.worker_log)

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.base + path, timeout=kwargs.pop("timeout", 10), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.base + path, timeout=kwargs.pop("timeout", 10), **kwargs)

    def recovers(self, within: float) -> None:
        """Both serve again within `within` seconds: /health/ is 200 and the worker takes a task."""
        wait_until(lambda: self.get("/health/").status_code == 200, within, "a healthy web", self.logs)
        wait_until(lambda: self.worker_takes_a_task(timeout=2), within, "the worker", self.logs)

    def worker_takes_a_task(self, timeout: float) -> bool:
        """A task sent now runs on the worker: the embedding of product 1, which reads the
        database and answers 0 (no model serves)."""
        try:
            task = "recommender.tasks.embed_new_products"
            return self.broker.send_task(task, args=[[1]], queue="default").get(timeout=timeout) == 0
        except Exception:  # the broker or the worker is not (yet) there
            return False

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
