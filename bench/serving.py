"""Serving: POST /api/v1/recommendations/ over HTTP against a real gunicorn server on loopback.

    python -m bench.serving [--workers 2] [--requests 300] [--concurrency 1 4 16]

Needs the store's database with an active model (`make demo` once, or
`python manage.py ensure_model --sync`). The load generator runs in a separate process (threads
with keep-alive connections); latencies are wall-clock per request as the client sees them.
Baseline in the same run: GET /api/v1/products/{id}/ (the same stack without the recommender).
Where the time goes comes from the responses' Server-Timing header (lookup, text encoding, SQL
search, serialisation). Scenarios: `composed` draws texts from a pool of common requests (the
per-process text cache answers most), `new_text` sends a text never seen before on every request
(the text encoder runs each time), `filters` adds gender, article type, price and in-stock.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.harness import log, percentiles, setup_django, write_results

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = ("baseline", "composed", "new_text", "filters", "new_text_filters")

TEXTS = [
    "in navy", "in black", "in white with short sleeves", "with long sleeves", "striped instead of plain",
    "in red", "darker", "lighter and slim fit", "checked instead of solid", "with a round neck",
    "in green with a v-neck", "plain instead of printed", "in pink", "in grey with short sleeves",
    "brighter colour", "in blue and regular fit", "without the print", "in yellow", "sleeveless",
    "in maroon with long sleeves",
]  # fmt: skip


def _client(port: int, jobs: list[tuple[str, str, str]], out: list, barrier: threading.Barrier) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    barrier.wait()
    for method, path, body in jobs:
        headers = {"Content-Type": "application/json"} if body else {}
        started = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        out.append((elapsed, response.status, response.getheader("Server-Timing") or "", len(payload)))
    connection.close()


def load_process(port: int, jobs: list, concurrency: int, queue: mp.Queue) -> None:
    """Runs in its own process: `concurrency` threads share the jobs; reports timings."""
    per_thread = [jobs[i::concurrency] for i in range(concurrency)]
    results: list = []
    barrier = threading.Barrier(concurrency + 1)
    threads = [threading.Thread(target=_client, args=(port, chunk, results, barrier)) for chunk in per_thread]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    queue.put({"wall": time.perf_counter() - started, "results": results})


def run_load(port: int, jobs: list, concurrency: int) -> dict:
    queue: mp.Queue = mp.get_context("spawn").Queue()
    process = mp.get_context("spawn").Process(target=load_process, args=(port, jobs, concurrency, queue))
    process.start()
    report = queue.get(timeout=600)
    process.join()
    latencies_s = [r[0] for r in report["results"]]
    statuses = sorted({r[1] for r in report["results"]})
    timings: dict[str, list[float]] = {}
    for _, _, header, _ in report["results"]:
        for part in filter(None, (p.strip() for p in header.split(","))):
            name, _, duration = part.partition(";dur=")
            timings.setdefault(name, []).append(float(duration))
    return {
        "requests": len(latencies_s),
        "statuses": statuses,
        **{f"{p}_ms": ms for p, ms in percentiles(latencies_s).items()},
        "throughput_rps": len(latencies_s) / report["wall"],
        "server_timing_median_ms": {k: statistics.median(v) for k, v in timings.items()},
    }


def store_sample(n: int, seed: int) -> dict:
    """The active version and `n` random references with a vector (id, gender, type, price)."""
    from recommender.serving.services import NoActiveModel, active_version
    from recommender.serving.vectors import with_vector_of
    from shop.models import Product

    try:
        version = active_version()
    except NoActiveModel as exc:
        raise SystemExit(f"error: {exc} (run `make demo` or `manage.py ensure_model --sync`)") from None
    rows = list(
        with_vector_of(Product.objects.all(), version).values("id", "gender", "article_type", "price")
    )
    random.Random(seed).shuffle(rows)
    return {"version": version.name, "rows": [{**r, "price": float(r["price"])} for r in rows[:n]]}


def _unique_word(n: int) -> str:
    """A made-up word per request ("xqzbaf"): the text is new, and reads as nothing (not a price)."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not n:
            return "xqz" + letters


def build_jobs(
    sample: list[dict], n: int, kind: str, seed: int, in_stock: bool = True
) -> list[tuple[str, str, str]]:
    """`n` requests of scenario `kind` on the `sample`'s references; `in_stock`: the filtered
    scenarios ask for products in stock (a catalog without sizes has none)."""
    rng = random.Random(seed)
    jobs = []
    for i in range(n):
        ref = sample[i % len(sample)]
        if kind == "baseline":
            jobs.append(("GET", f"/api/v1/products/{ref['id']}/", ""))
            continue
        if kind.startswith("new_text"):  # a text this server process has never encoded (no cache hit)
            a, b = divmod(i, len(TEXTS))
            text = f"{TEXTS[a % len(TEXTS)]} and {TEXTS[b]}, {_unique_word(seed * 100_000 + i)}"
        else:  # shoppers repeat themselves: a pool of common requests, mostly cached
            text = rng.choice(TEXTS)
        body = {"reference_product": ref["id"], "text": text, "limit": 20}
        if kind.endswith("filters"):
            body["filters"] = {
                "gender": ref["gender"],
                "article_type": ref["article_type"],
                "max_price": round(ref["price"] * 1.5, 2),
            }
            if in_stock:
                body["filters"]["in_stock"] = True
        jobs.append(("POST", "/api/v1/recommendations/", json.dumps(body)))
    return jobs


def start_server(
    port: int,
    workers: int,
    extra_env: dict[str, str] | None = None,
    threads: int = 1,
    config: Path | None = None,
) -> subprocess.Popen:
    """gunicorn on loopback (plain HTTP, DEBUG off) with `workers` processes of `threads` threads
    each (1: gunicorn's sync worker; more: its gthread worker), and the rest of its settings from
    `config` when given (config/gunicorn.py: as production runs it); `extra_env` adds to or
    overrides its environment. Returns once it answers."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-serving-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SERVE_MEDIA": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback: no TLS proxy in front
        "TORCH_THREADS": "1",  # one thread per worker process: no oversubscription of the cores
        "HF_HUB_OFFLINE": "1",
        # One load generator is one client; it measures capacity, not the per-client rate limit.
        "RATE_RECOMMENDATIONS_ANON": "",
        **(extra_env or {}),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    if config is not None:
        command += ["--config", str(config)]  # the options below override it
    command += ["--workers", str(workers), "--threads", str(threads), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/products/?page_size=1")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("error: gunicorn did not start within 60 s")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None, help="results file (default bench/results/serving.json)")
    args = parser.parse_args(argv)
    if args.requests < 1 or any(c < 1 for c in args.concurrency):
        parser.exit(2, "error: --requests and --concurrency must be positive\n")
    return args


def print_row(row: dict) -> None:
    print(
        f"c={row['concurrency']:<3} {row['scenario']:<9} n={row['requests']:<5} status={row['statuses']} "
        f"p50={row['p50_ms']:6.1f} ms  p95={row['p95_ms']:6.1f} ms  p99={row['p99_ms']:6.1f} ms  "
        f"{row['throughput_rps']:6.1f} req/s  "
        + " ".join(f"{k}={v:.1f}" for k, v in row["server_timing_median_ms"].items()),
        flush=True,
    )


def measure(args: argparse.Namespace, sample: list[dict]) -> list[dict]:
    """Every scenario at every concurrency against a running server; one row each."""
    # Warm-up: every worker loads the model and the text encoder once.
    run_load(args.port, build_jobs(sample, 20 * args.workers, "composed", args.seed + 1), args.workers)
    results = []
    for concurrency in args.concurrency:
        for kind in SCENARIOS:
            jobs = build_jobs(sample, args.requests, kind, args.seed + concurrency)
            row = {"scenario": kind, "concurrency": concurrency, **run_load(args.port, jobs, concurrency)}
            results.append(row)
            print_row(row)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    store = store_sample(500, args.seed)
    server = start_server(args.port, args.workers)
    try:
        results = measure(args, store["rows"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    report = {"model_version": store["version"], "workers": args.workers, "results": results}
    log(f"results: {write_results('serving', report, args.json)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
