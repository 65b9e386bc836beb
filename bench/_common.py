"""Small helpers shared by the benchmarks: percentiles, repeat timing, tables, JSON, machine info,
and a scratch database on the embedded PostgreSQL server (never the store's tables)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def percentiles(samples_s: Sequence[float], ps=(50, 95, 99)) -> dict[str, float]:
    """{'p50': ms, ...} of samples given in seconds."""
    arr = np.asarray(samples_s, dtype=np.float64) * 1000.0
    return {f"p{p}": round(float(np.percentile(arr, p)), 3) for p in ps} if len(arr) else {}


def median_of(fn: Callable[[], object], repeats: int = 3) -> tuple[float, list[float]]:
    """Run fn `repeats` times; (median seconds, all seconds)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def print_table(rows: list[dict], columns: Sequence[str], title: str | None = None) -> None:
    if title:
        print(f"\n{title}")
    if not rows:
        print("  (no rows)")
        return

    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return "" if v is None else str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  " + "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in cells:
        print("  " + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def write_json(path: str | Path, data: dict) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return p


def machine_info(conn=None) -> dict:
    """CPU model, cores, RAM, torch/numpy versions; postgres/pgvector versions given a connection."""
    info: dict = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "numpy": np.__version__,
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
            platform.processor(),
        )
        mem_kb = next(
            int(ln.split()[1])
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        )
        info["ram_gib"] = round(mem_kb / 2**20, 1)
    except (OSError, StopIteration):
        pass
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


def server_url(database: str) -> str:
    """URL of `database` on the server Django's settings use (embedded var/pg or var/test/pg)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    from psycopg.conninfo import make_conninfo

    return make_conninfo(
        dbname=database,
        host=host,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )


@contextmanager
def scratch_database(name: str):
    """Create database `name` (dropping a leftover one), yield its conninfo, drop it afterwards,
    also on Ctrl-C or an error. Needs pgvector, created in the scratch database only."""
    import psycopg

    admin_url = server_url("postgres")

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    drop()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = server_url(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        yield url
    finally:
        drop()
