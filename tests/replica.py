"""A real streaming replica of the test database server, for the read-replica tests.

``pg_basebackup -R`` (shipped with the embedded PostgreSQL) copies the running test server into a
temporary folder and writes the standby settings; the copy then runs as a hot standby on its own
socket and port, replaying the primary's WAL as it streams in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection, connections

from tests.conftest import free_port


def _bin_dir() -> Path:
    from config.embedded import _pgserver

    utils = _pgserver().utils
    return utils.POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION]


def _as_server_user() -> dict:
    """The embedded server runs as `pgserver` when tests run as root; so must its replica."""
    return {"user": "pgserver"} if os.geteuid() == 0 else {}


@dataclass
class Replica:
    folder: Path
    port: int
    database: str

    @property
    def conninfo(self) -> str:
        return f"host={self.folder} port={self.port} dbname={self.database} user=postgres"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def wait_for_primary(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        while self.query("SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", (target,))[0][0]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not reach {target} in {timeout} s")
            time.sleep(0.05)

    def django_settings(self) -> dict:
        return {**connection.settings_dict, "HOST": str(self.folder), "PORT": str(self.port)}


@contextmanager
def streaming_replica() -> Iterator[Replica]:
    """Start a hot standby of the test database server; stop and remove it afterwards."""
    primary = connection.settings_dict
    folder = Path(tempfile.mkdtemp(prefix="pgr", dir="/tmp"))  # short: a socket path has ~100 chars
    user = _as_server_user()
    if user:
        shutil.chown(folder, user["user"])
    bin_dir, data, port = _bin_dir(), folder / "data", free_port()
    run = {"check": True, "cwd": folder, "capture_output": True, **user}
    subprocess.run(
        [bin_dir / "pg_basebackup", "-h", primary["HOST"], "-U", "postgres", "-D", data, "-R",
         "-X", "stream", "--checkpoint=fast"], **run,
    )  # fmt: skip
    # Its own socket folder and port; feedback keeps the primary's vacuum from cancelling reads;
    # the test's few products need none of the buffers the copied settings size for a catalog.
    options = (
        f"-h '' -k {folder} -p {port} -c hot_standby=on -c hot_standby_feedback=on -c shared_buffers=128MB"
    )
    pg_ctl = [bin_dir / "pg_ctl", "-D", data]
    subprocess.run([*pg_ctl, "-l", folder / "log", "-o", options, "-w", "start"], **run)
    try:
        yield Replica(folder=folder, port=port, database=primary["NAME"])
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], **{**run, "check": False})
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def replica_alias(alias: str, replica: Replica, django_db_blocker) -> Iterator[str]:
    """Django connections to the replica under `alias` (in every thread) for the block.

    Django's test cases refuse connections to databases a test does not declare, and declaring
    the replica would have it flushed after the test (a standby refuses): its connections get
    the unpatched ``ensure_connection`` instead."""
    ensure_connection = django_db_blocker._real_ensure_connection
    create_connection = connections.create_connection

    def create(name: str):
        wrapper = create_connection(name)
        if name == alias:
            wrapper.ensure_connection = types.MethodType(ensure_connection, wrapper)
        return wrapper

    connections.settings[alias] = replica.django_settings()
    connections.create_connection = create
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections.create_connection
        del connections.settings[alias]
