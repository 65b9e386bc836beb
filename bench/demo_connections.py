"""The demo server's database connections under a day's worth of API traffic.

    python -m bench.demo_connections [--requests 2500] [--concurrency 1 8] [--server runserver]
                                     [--env CONN_MAX_AGE=60] [--name demo_connections]

Serves the store as `make demo` does (``manage.py runserver``, DEBUG on, the demo database in
var/pg) or under gunicorn (``--server gunicorn``), then sends ``--requests`` API requests at each
concurrency, every request on a new HTTP connection (catalog pages with filters, product details,
``/health/``, an unknown API path). Meanwhile it counts the server's client connections in
``pg_stat_activity`` four times a second. Per phase: statuses, 5xx, unanswered, p50/p99, the
most connections open and how many were left when the phase ended (after 3 s idle). Results in
bench/results/<name>.json. Exit status 1 on any 5xx or unanswered request.

``--env CONN_MAX_AGE=60`` serves with the connection lifetime the demo had before manage.py set
0 for runserver: the leak this benchmark measures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.harness import log, percentiles, print_table, setup_django, write_results

REPO = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2500, help="requests per concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver")
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--name", default="demo_connections", help="results: bench/results/<name>.json")
    args = parser.parse_args(argv)
    if args.requests < 1 or min(args.concurrency) < 1:
        parser.exit(2, "error: --requests and --concurrency must be positive\n")
    return args


def start_server(args: argparse.Namespace) -> subprocess.Popen:
    """The store as `make demo` serves it (or gunicorn); returns once /health/ answers."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    env.update(item.split("=", 1) for item in args.env)
    if args.server == "runserver":
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}"]
    else:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{args.port}", "--workers", "2"]
    log_path = REPO / "var" / "log" / f"{args.name}.server.log"  # runserver logs every request
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as out:
        server = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True, stdout=out, stderr=out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if request(args.port, "/health/")[0] in (200, 503):
            return server
        time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"error: the server did not answer /health/ within 120 s (log: {log_path})")


def request(port: int, path: str) -> tuple[int, float]:
    """One GET on a new connection: (status or 0 when nothing answered, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        connection.close()


class ConnectionCounter(threading.Thread):
    """Counts the database server's client connections (not its own) every 0.25 s."""

    def __init__(self, conninfo: str):
        super().__init__(daemon=True)
        self.conninfo, self.samples, self.stop = conninfo, [], threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            while not self.stop.wait(0.25):
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                self.samples.append((time.monotonic(), row[0]))

    def between(self, start: float, end: float) -> list[int]:
        return [n for t, n in self.samples if start <= t <= end]


def paths(n: int, products: list[int], seed: int) -> list[str]:
    """n API paths of the kinds shoppers' apps send (no recommender: no model needed)."""
    rng = random.Random(seed)
    kinds = [
        lambda: f"/api/v1/products/?page={rng.randint(1, 40)}",
        lambda: f"/api/v1/products/?article_type=Tshirts&in_stock=true&page={rng.randint(1, 5)}",
        lambda: f"/api/v1/products/{rng.choice(products)}/",
        lambda: "/health/",
        lambda: "/api/v1/no-such-endpoint/",
    ]
    return [rng.choice(kinds)() for _ in range(n)]


def run_phase(args, concurrency: int, products: list[int], counter: ConnectionCounter) -> dict:
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda p: request(args.port, p), paths(args.requests, products, concurrency)))
    ended = time.monotonic()
    time.sleep(3)  # idle: what the server still holds once the traffic stops
    statuses = Counter(status for status, _ in results)
    latency = percentiles([seconds for _, seconds in results], (50, 99))
    during = counter.between(started, ended) or [0]
    return {
        "concurrency": concurrency,
        "requests": len(results),
        "seconds": round(ended - started, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "no_answer": statuses.get(0, 0),
        "p50_ms": latency.get("p50"),
        "p99_ms": latency.get("p99"),
        "max_db_connections": max(during),
        "db_connections_after_idle": (counter.between(time.monotonic() - 1, time.monotonic()) or [0])[-1],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.conf import settings

    from bench.harness import server_url
    from shop.models import Product

    products = list(Product.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:500])
    from django.db import connections

    connections.close_all()  # this process's own connection is not the server's
    counter = ConnectionCounter(server_url(settings.DATABASES["default"]["NAME"]))
    counter.start()
    server = start_server(args)
    log(f"{args.server} up ({' '.join(args.env) or 'default settings'}); {args.requests} requests per phase")
    try:
        phases = []
        for concurrency in args.concurrency:
            phases.append(run_phase(args, concurrency, products, counter))
            log(f"concurrency {concurrency}: {phases[-1]}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        counter.stop.set()
    print_table(phases, list(phases[0]), args.name)
    report = {"benchmark": "demo_connections", "server": args.server, "server_env": args.env}
    report["phases"] = phases
    log(f"results: {write_results(args.name, report)}")
    return 1 if any(p["5xx"] or p["no_answer"] for p in phases) else 0


if __name__ == "__main__":
    raise SystemExit(main())
