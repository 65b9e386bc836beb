"""The embedded Redis (make demo's broker) keeps queued tasks across a crash: a task queued a
moment before the server is SIGKILLed is still queued once it starts again (the append-only
file; the snapshot alone is written once a minute). A server of its own in a temporary folder."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from config.embedded import _redis_server_binary, start_redis, stop_redis


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="rds", dir="/tmp"))  # a unix socket path has ~100 characters
    yield path
    try:
        stop_redis(path)
    finally:
        if (path / "redis.pid").exists():  # never leave a server behind, whatever SHUTDOWN said
            kill(path)
        shutil.rmtree(path, ignore_errors=True)


def kill(folder: Path) -> None:
    pid = int((folder / "redis.pid").read_text())
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_task_queued_before_a_crash_is_still_queued_after_the_restart(folder):
    sock = start_redis(folder)
    client = redis.Redis(unix_socket_path=str(sock))
    client.lpush("default", "a queued task")
    time.sleep(1.5)  # the append-only file is synced every second
    kill(folder)
    start_redis(folder)
    assert client.lrange("default", 0, -1) == [b"a queued task"]


def test_a_server_started_without_the_append_only_file_gets_it(folder):
    sock = folder / "redis.sock"
    subprocess.run(
        [_redis_server_binary(), "--port", "0", "--unixsocket", str(sock), "--dir", str(folder),
         "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(folder / "redis.pid")],
        check=True,
    )  # fmt: skip
    client = redis.Redis(unix_socket_path=str(sock))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not sock.exists():
        time.sleep(0.05)
    assert start_redis(folder) == sock  # reused, not restarted
    assert client.config_get("appendonly") == {"appendonly": "yes"}
