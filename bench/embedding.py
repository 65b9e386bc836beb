"""Embedding a model version in chunks with 1 vs N real Celery workers.

    python -m bench.embedding [--products 300] [--workers 1 2] [--chunk-size 25] [--repeats 1]
                              [--json bench/results/embedding.json]

Everything runs in a scratch database on the server of the current settings (the store's own
data is never touched): migrations, the first N products of the shared catalog (a few article
types), and a checkpoint trained for one epoch on them. Then, per worker count, a version is
embedded exactly as in production: ``embed_catalog`` plans the chunks and queues one
``embed_chunk`` task per chunk on the `gpu` queue, the workers take them, the last chunk to land
builds the HNSW index. Timed: from queuing ``embed_catalog`` to the version being ready, with the
workers already started (each still loads the checkpoint in its first chunk). Each worker is one
process with one torch thread (a stand-in for one device). Two feature caches: `cold` (empty, so
the CNN and the text encoder really run: the work a GPU does) and `warm` (every feature cached:
what is left when the encoders cost nothing: reading, claims, progress, vector writes, index).
Also reported: the tail after the last chunk (index build, activation) and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import log, machine_info, print_table, scratch_database, setup_django, write_results
from bench.shared_data import catalog_dir
from catalog_format import write_subset

REPO = Path(__file__).resolve().parent.parent
TYPES = ("Tshirts", "Shirts", "Tops", "Dresses", "Jeans", "Casual Shoes", "Trousers", "Handbags")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.embedding", description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk-size", type=int, default=25)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", default=None, help="default bench/results/embedding.json")
    return parser.parse_args(argv)


def bench_catalog(target: Path, n: int) -> Path:
    """The first `n` products of a few article types (images as symlinks, splits kept)."""
    write_subset(catalog_dir(), target, TYPES, n)
    return target


def prepare_store(database: str, folder: Path, n: int) -> Path:
    """Point Django at the scratch database, migrate, import the products, train a checkpoint."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from ml.config import TrainConfig
    from ml.data import load_catalog
    from ml.train import train
    from shop.importers import read_catalog, write_catalog

    connection.close()
    connection.settings_dict["NAME"] = database
    settings.MEDIA_ROOT = str(folder / "media")
    call_command("migrate", verbosity=0)
    catalog = bench_catalog(folder / "catalog", n)
    records, errors = read_catalog(catalog)
    if errors:
        raise SystemExit(f"catalog errors: {errors[:3]}")
    write_catalog(records)
    checkpoint = folder / "checkpoint"
    log(f"training a one-epoch checkpoint on {n} products")
    train(load_catalog(catalog), TrainConfig(epochs=1, cache_dir=str(settings.ML_CACHE_DIR)), checkpoint)
    return checkpoint


def start_workers(count: int, env: dict[str, str], folder: Path) -> list[subprocess.Popen]:
    """`count` gpu-queue workers, each one process with one torch thread; returns when all answer."""
    from config.celery import app

    processes = []
    for number in range(count):
        name = f"bench-embed-{number}@%h"
        log_file = (folder / f"worker-{number}.log").open("w")
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "gpu", "--pool", "solo",
            "--concurrency", "1", "-n", name, "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        processes.append(
            subprocess.Popen(command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        )
    names = {f"bench-embed-{n}@{os.uname().nodename}" for n in range(count)}
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        answered = {name for reply in app.control.ping(timeout=1.0) or [] for name in reply}
        if names <= answered:
            return processes
    stop_workers(processes)
    raise SystemExit(f"workers did not start; see {folder}/worker-*.log")


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def embed_once(checkpoint: Path, workers: int, env: dict[str, str], folder: Path) -> dict:
    """One version embedded by `workers` fresh workers: seconds to ready, and the serial tail."""
    from config.celery import app
    from recommender.lifecycle import tasks, versions
    from recommender.models import ModelVersion

    app.control.purge()
    processes = start_workers(workers, env, folder)
    version = ModelVersion.objects.create(
        status="embedding",
        checkpoint_path=str(checkpoint),
        activate_when_ready=False,
        config={"bench": "embedding"},
    )
    try:
        started = time.perf_counter()
        tasks.enqueue(tasks.embed_catalog, version.pk)
        while ModelVersion.objects.filter(pk=version.pk, status="embedding").exists():
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        version.refresh_from_db()
        if version.status != "ready":
            raise SystemExit(f"{version.name} ended {version.status}: {version.error}")
        last_chunk = max(chunk.updated_at for chunk in version.chunks.all())
        tail = (version.finished_at - last_chunk).total_seconds()
        products = version.metrics["embedding"]["products"]
        return {"workers": workers, "seconds": round(seconds, 2), "products": products,
                "products_per_s": round(products / seconds, 2), "chunks": version.chunks.count(),
                "index_and_finish_s": round(tail, 2), "load_1min": round(os.getloadavg()[0], 2)}  # fmt: skip
    finally:
        stop_workers(processes)
        versions.delete_version(ModelVersion.objects.get(pk=version.pk))


def summary(rows: list[dict]) -> dict:
    """Per feature cache: the best time for each worker count, the 2-worker speed-up, and (cold
    against warm, 1 worker) the share of a run the encoders take: the part faster devices and
    more workers divide, the rest being reading, claims, vector writes and the index."""
    best: dict[str, dict[int, float]] = {}
    for row in rows:
        mode = best.setdefault(row["features"], {})
        mode[row["workers"]] = min(mode.get(row["workers"], float("inf")), row["seconds"])
    out: dict = {mode: {"best_s": times} for mode, times in best.items()}
    for mode, times in best.items():
        if 1 in times and 2 in times:
            out[mode]["speedup_2"] = round(times[1] / times[2], 2)
    if 1 in best.get("cold", {}) and 1 in best.get("warm", {}):
        share = 1 - best["warm"][1] / best["cold"][1]
        out["encoder_share_1_worker"] = round(share, 3)
        # Amdahl with the encoders divided over N devices and everything else not shortened at all.
        out["speedup_if_only_encoders_divide"] = {
            n: round(1 / ((1 - share) + share / n), 2) for n in (2, 4, 8, 16)
        }
    return out


def worker_database_url(database: str) -> str:
    """DATABASE_URL of `database` on the server Django's settings use (socket or host:port)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if str(db["HOST"]).startswith("/"):
        return f"postgresql://{db['USER']}:{db['PASSWORD']}@/{database}?host={db['HOST']}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{database}"


def worker_env(args: argparse.Namespace, database: str, folder: Path, cache: Path) -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": worker_database_url(database), "MEDIA_ROOT": str(folder / "media"),
        "ML_CACHE_DIR": str(cache), "TORCH_THREADS": "1",
        "EMBED_CHUNK_SIZE": str(args.chunk_size), "EMBED_BATCH_SIZE": str(args.batch_size),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    database = "bench_embedding"
    with tempfile.TemporaryDirectory(prefix="bench-embedding-") as tmp, scratch_database(database):
        folder = Path(tmp)
        checkpoint = prepare_store(database, folder, args.products)
        warm = folder / "cache-warm"  # filled by the first cold run, then only read
        rows = []
        for features in ("cold", "warm"):
            for repeat in range(args.repeats):
                for workers in args.workers:  # interleaved: the machine's other load drifts
                    fresh = folder / f"cache-{workers}-{repeat}"
                    cache = warm if features == "warm" or not warm.exists() else fresh
                    log(f"{workers} worker(s), {features} feature cache, run {repeat + 1}")
                    row = embed_once(checkpoint, workers, worker_env(args, database, folder, cache), folder)
                    rows.append({"features": features, **row})
                    print_table(rows[-1:], list(rows[-1]))
    result = {
        "benchmark": "embedding", "products": args.products, "chunk_size": args.chunk_size,
        "batch_size": args.batch_size, "runs": rows, "summary": summary(rows), "machine": machine_info(),
    }  # fmt: skip
    out = write_results("embedding", result, args.json)
    columns = ["features", "workers", "seconds", "products_per_s", "index_and_finish_s", "load_1min"]
    print_table(rows, columns, "embedding")
    log(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
