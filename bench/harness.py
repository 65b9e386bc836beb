"""What every benchmark shares: Django setup, a scratch database, timing, tables, results.

Nothing here runs at import (no Django, no torch): a benchmark decides when to set things up, so
that e.g. ``bench.indexing`` can set ``OMP_WAIT_POLICY`` before torch is loaded.

Results go to ``bench/results/<name>.json`` (with the machine they were measured on) and plots to
``bench/results/<name>.png``, unless a path is given.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- Django and the database ---------------------------------------------------------------------


def setup_django(settings_module: str = "config.settings.base") -> None:
    """Django with the settings of DJANGO_SETTINGS_MODULE (else `settings_module`), and the
    embedded servers those settings point at started (settings import starts nothing).

    SIGTERM then ends the run like Ctrl-C, so scratch databases and versions are cleaned up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from config.startup import start_services

    start_services()
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def store_settings(settings_module: str = "config.settings.base"):
    """The store's settings without setting Django up or starting anything (paths such as
    CATALOG_DIR, for benchmarks that need no database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    from django.conf import settings

    return settings


def server_url(database: str) -> str:
    """Conninfo of `database` on the server Django's settings use (embedded var/pg or var/test/pg)."""
    from django.conf import settings
    from psycopg.conninfo import make_conninfo

    db = settings.DATABASES["default"]
    return make_conninfo(
        dbname=database,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """Create database `name` (dropping a leftover one) with pgvector, yield its conninfo, drop
    it afterwards, also on Ctrl-C, SIGTERM or an error. The store's databases are never touched."""
    import psycopg

    admin_url = server_url("postgres")

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        yield _fresh_database(name)
    finally:
        drop()


def _fresh_database(name: str) -> str:
    """Database `name` created anew (a leftover dropped first) with pgvector; its conninfo."""
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = server_url(name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    return url


@contextmanager
def kept_database(name: str, fingerprint: str) -> Iterator[tuple[str, dict | None]]:
    """Database `name` kept after the run, for the next run that loads the same data: yields
    (conninfo, the state `mark_complete` recorded in it, or None when it must be loaded). A
    leftover made for another fingerprint, or never marked complete, is dropped and created
    again, so a half-loaded or differently-made database is never reused."""
    import psycopg

    admin_url = server_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    left = json.loads(row[0]) if row and row[0] else {}
    if left.get("fingerprint") == fingerprint:
        yield server_url(name), left["state"]
    else:
        yield _fresh_database(name), None


def mark_complete(url: str, name: str, fingerprint: str, state: dict) -> None:
    """Record in database `name` that it holds everything `fingerprint` loads, with `state`
    (what the loading measured), for kept_database()."""
    import psycopg
    from psycopg import sql

    comment = json.dumps({"fingerprint": fingerprint, "state": state})
    with psycopg.connect(url, autocommit=True) as conn:
        statement = sql.SQL("COMMENT ON DATABASE {} IS {}")
        conn.execute(statement.format(sql.Identifier(name), sql.Literal(comment)))


# --- timing --------------------------------------------------------------------------------------


def percentiles(samples_s: Sequence[float], ps: Sequence[int] = (50, 95, 99)) -> dict[str, float]:
    """{'p50': ms, ...} of samples given in seconds (empty for no samples)."""
    arr = np.asarray(samples_s, dtype=np.float64) * 1000.0
    return {f"p{p}": round(float(np.percentile(arr, p)), 3) for p in ps} if len(arr) else {}


def median_of(fn: Callable[[], object], repeats: int = 3) -> tuple[float, list[float]]:
    """Run fn `repeats` times; (median seconds, all seconds)."""
    times = []
    for _ in range(repeats):
        with timed() as clock:
            fn()
        times.append(clock.seconds)
    return statistics.median(times), times


@dataclass
class Stopwatch:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Stopwatch]:
    """``with timed() as clock: ...`` then ``clock.seconds`` (wall time, also when it raised)."""
    clock = Stopwatch()
    started = time.perf_counter()
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - started


# --- output --------------------------------------------------------------------------------------


def print_table(rows: list[dict], columns: Sequence[str], title: str | None = None) -> None:
    if title:
        print(f"\n{title}")
    if not rows:
        print("  (no rows)")
        return

    def fmt(v) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return "" if v is None else str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  " + "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in cells:
        print("  " + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def machine_info(conn=None) -> dict:
    """CPU model, cores, RAM, load, numpy/torch versions; with a psycopg connection also the
    PostgreSQL and pgvector versions and shared_buffers."""
    info: dict = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "numpy": np.__version__,
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        **_cpu_and_memory(),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    if conn is not None:
        info["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
        row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        info["pgvector"] = row[0] if row else None
        info["shared_buffers"] = conn.execute("SHOW shared_buffers").fetchone()[0]
    return info


def _cpu_and_memory() -> dict:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), None)
        mem_kb = next(int(ln.split()[1]) for ln in meminfo if ln.startswith("MemTotal"))
    except (OSError, StopIteration):
        return {}
    return {"cpu": cpu or platform.processor(), "ram_gib": round(mem_kb / 2**20, 1)}


def write_results(name: str, data: dict, path: str | Path | None = None) -> Path:
    """Write `data` as JSON to `path` (default bench/results/<name>.json), with the machine it
    ran on (``data["machine"]`` when the benchmark recorded it itself, else machine_info())."""
    out = Path(path) if path else RESULTS_DIR / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {**data, "machine": data.get("machine") or machine_info()}
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return out


def subplots(*args, **kwargs):
    """matplotlib's ``plt.subplots`` on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)


def save_plot(fig, name: str, path: str | Path | None = None) -> Path:
    """Save a figure to `path` (default bench/results/<name>.png) and close it."""
    import matplotlib.pyplot as plt

    out = Path(path) if path else RESULTS_DIR / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
