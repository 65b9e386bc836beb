"""Load: mixed shopper traffic from locust (headless, bounded) against gunicorn on loopback.

    python -m bench.load [--users 32] [--duration 120] [--spawn-rate 8] [--workers 3] [--threads 16]
                         [--hashing-concurrency N] [--hot-sizes 40] [--min-orders-per-shopper-minute 1]

Needs the store's database with an active model (`make demo` once). Creates load-test accounts
(loadtest-NN, a fresh random password each run) and runs bench/load_shoppers.py: each user logs
in, then browses catalog pages, opens product pages, asks for recommendations with texts never
sent before (the API and the /recommendations/ fragment), adds sizes to the cart as a person
does (on the product page, a size it offers, then back on the page whose message confirms it)
and checks out (the cart page, address, review, Place order, the confirmation page; an order
refused for stock is corrected on the cart page and placed again). Carts draw from a few "hot"
sizes so that shoppers compete for the last units.

Afterwards the stock is checked: no size below zero, no size sold beyond the stock it had when
the run started, and every hot size went down by exactly what its order lines took. Per request
type: requests, statuses, p50/p99 as the client saw them (over the whole run, and once every
shopper has logged in: the 32 logins at the start each hash a password), and where the time went
by the store's Server-Timing (in Django, on its thread's CPU, in SQL, and waiting outside Django:
gunicorn's queue), into bench/results/load.json with the load of the machine.

Then the run's orders are deleted, their units go back to stock and the accounts are removed,
so the store is as it was (--keep leaves them). Exit status 1 when any answer was a 5xx or a
failure, a size was oversold, or fewer orders landed than --min-orders-per-shopper-minute for
every shopper and minute of the run.

gunicorn runs as production runs it (config/gunicorn.py); --workers, --threads (1: gunicorn's
sync worker) and --hashing-concurrency (the store's PASSWORD_HASHING_CONCURRENCY; 0: no bound)
change it for a comparison (bench.load_compare runs set-ups in turns), --spawn-rate how fast the
shoppers arrive (8 a second: all 32 log in within 4 s).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from bench.harness import log, percentiles, print_table, setup_django, write_results
from bench.serving import TEXTS, build_jobs, run_load, start_server

REPO = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "load_shoppers.py"
# gunicorn as production runs it (the image, docker-compose.yml); --workers and --threads override.
GUNICORN_CONFIG = REPO / "config" / "gunicorn.py"
PRODUCTION = runpy.run_path(str(GUNICORN_CONFIG))
ACCOUNT_PREFIX = "loadtest-"
SizeKey = tuple[int, str]  # (product id, size label)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=32, help="concurrent shoppers (default 32)")
    parser.add_argument("--spawn-rate", type=float, default=8.0, help="shoppers started per second")
    parser.add_argument("--duration", type=int, default=120, help="seconds of traffic (default 120)")
    parser.add_argument("--workers", type=int, default=PRODUCTION["workers"], help="gunicorn workers "
                        f"(default {PRODUCTION['workers']}, as config/gunicorn.py)")
    parser.add_argument("--threads", type=int, default=PRODUCTION["threads"], help="threads per worker "
                        f"(default {PRODUCTION['threads']}, as config/gunicorn.py; 1: the sync worker)")
    parser.add_argument(
        "--hashing-concurrency", type=int, default=None,
        help="password hashes a web process computes at once (default: the store's setting; 0: no bound)",
    )  # fmt: skip
    parser.add_argument("--hot-sizes", type=int, default=40, help="sizes the carts draw from (default 40)")
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--min-orders-per-shopper-minute", type=float, default=1.0,
        help="orders that must land per shopper and minute (default 1; 0: no minimum)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the run's orders and accounts")
    parser.add_argument("--json", default=None, help="results file (default bench/results/load.json)")
    args = parser.parse_args(argv)
    if min(args.users, args.duration, args.workers, args.threads, args.hot_sizes) < 1 or args.spawn_rate <= 0:
        parser.exit(2, "error: --users, --duration, --workers, --threads, --hot-sizes and --spawn-rate "
                    "must be positive\n")
    return args


def create_accounts(n: int) -> list[dict[str, str]]:
    """n shopper accounts sharing one fresh random password (hashed once)."""
    import secrets

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    password = secrets.token_urlsafe(16)
    hashed = make_password(password)
    accounts = []
    for i in range(n):
        username = f"{ACCOUNT_PREFIX}{i:02d}"
        User.objects.update_or_create(username=username, defaults={"password": hashed, "is_active": True})
        accounts.append({"username": username, "password": password})
    return accounts


def make_plan(args: argparse.Namespace) -> tuple[dict, dict[SizeKey, int]]:
    """What the shoppers ask for, and the stock of the hot sizes before the run."""
    import random

    from recommender.serving.services import NoActiveModel, active_version
    from recommender.serving.vectors import with_vector_of
    from shop.models import Product, ProductSize

    try:
        version = active_version()
    except NoActiveModel as exc:
        raise SystemExit(f"error: {exc} (run `make demo` or `manage.py ensure_model --sync`)") from None
    rng = random.Random(args.seed)
    active = Product.objects.filter(is_active=True)
    products = list(with_vector_of(active, version).values_list("id", flat=True))
    rng.shuffle(products)
    sizes = list(
        ProductSize.objects.filter(product__in=active, stock__gt=0).values_list("product_id", "label")
    )
    hot = rng.sample(sizes, min(args.hot_sizes, len(sizes)))
    snapshot = {
        (pid, label): stock
        for pid, label, stock in ProductSize.objects.filter(product__in=[p for p, _ in hot]).values_list(
            "product_id", "label", "stock"
        )
    }
    plan = {
        "seed": args.seed,
        "model_version": version.name,
        "accounts": create_accounts(args.users),
        "products": products[:500],
        "hot_sizes": hot,
        "article_types": sorted(set(active.values_list("article_type", flat=True)))[:20],
        "catalog_pages": max(1, min(50, math.ceil(active.count() / 24))),
        "texts": TEXTS,
    }
    return plan, snapshot


def run_locust(args: argparse.Namespace, plan: dict, workdir: Path) -> tuple[list, dict]:
    """Run the scenario headless for --duration seconds; (samples, how it ended)."""
    plan_path, samples_path = workdir / "plan.json", workdir / "samples.json"
    plan_path.write_text(json.dumps(plan))
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
        "-H", f"http://127.0.0.1:{args.port}", "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_SAMPLES": str(samples_path)}
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=args.duration + 180, check=False
    )
    if not samples_path.exists():
        raise SystemExit(f"error: locust wrote no samples (exit {done.returncode}):\n{done.stderr[-3000:]}")
    written = json.loads(samples_path.read_text())
    ended = {"locust_exit": done.returncode, "log": done.stderr[-2000:], "decisions": written["decisions"]}
    return written["samples"], ended


def summarize(samples: list, duration: float) -> list[dict]:
    """One row per request type and one for all: requests, statuses, 5xx, unanswered, p50/p99 over
    the whole run, p50/p99 once every shopper has logged in (after the login burst), and where the
    time went by the store's Server-Timing (`server`)."""
    logged_in_at = logins_done(samples)
    by_name: dict[str, list] = defaultdict(list)
    for name, *sample in samples:  # (ms, status, t, timing)
        by_name[name].append(sample)
    rows = []
    for name, items in [*sorted(by_name.items()), ("all", [sample[1:] for sample in samples])]:
        statuses = Counter(status for _, status, _, _ in items)
        whole = percentiles([ms / 1000.0 for ms, _, _, _ in items], (50, 99))
        steady = percentiles([ms / 1000.0 for ms, _, t, _ in items if t > logged_in_at], (50, 99))
        rows.append(
            {
                "request": name,
                "requests": len(items),
                "per_second": round(len(items) / duration, 2),
                "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "5xx": sum(n for status, n in statuses.items() if status >= 500),
                "no_answer": statuses.get(0, 0),
                "p50_ms": whole.get("p50"),
                "p99_ms": whole.get("p99"),
                "after_logins_p50_ms": steady.get("p50"),
                "after_logins_p99_ms": steady.get("p99"),
                "server": where_time_went(items),
            }
        )
    return rows


def logins_done(samples: list) -> float:
    """Seconds into the run when the last shopper's login was answered."""
    return max((t for name, _, _, t, _ in samples if name == "login"), default=0.0)


def where_time_went(items: list) -> dict:
    """The store's own timings (Server-Timing: app, cpu, db) against what the client saw: medians
    over all answers, and over the slowest 1% (those at or above the client's p99). `waiting` is
    the client's time outside Django: gunicorn's queue, the connection, the network."""
    timed = [(ms, timing) for ms, _, _, timing in items if "app" in timing]
    if not timed:
        return {}
    p99 = float(np.percentile([ms for ms, _ in timed], 99))

    def medians(chosen: list) -> dict:
        parts = {part: [timing.get(part, 0.0) for _, timing in chosen] for part in ("app", "cpu", "db")}
        parts["waiting"] = [ms - timing["app"] for ms, timing in chosen]
        parts["client"] = [ms for ms, _ in chosen]
        return {f"{part}_ms": round(statistics.median(values), 1) for part, values in parts.items()}

    return {"all": medians(timed), "slowest_1pct": medians([s for s in timed if s[0] >= p99])}


def run_orders(first_order_id: int):
    from shop.models import Order

    return Order.objects.filter(pk__gt=first_order_id, user__username__startswith=ACCOUNT_PREFIX)


def check_stock(snapshot: dict[SizeKey, int], first_order_id: int, hot: list | None = None) -> dict:
    """No size below zero; what the run's order lines took never exceeds the stock at the start;
    each hot size went down by exactly what was sold."""
    from django.db.models import Sum

    from shop.models import OrderLine, ProductSize

    lines = OrderLine.objects.filter(order__in=run_orders(first_order_id))
    sold = {
        (row["product_id"], row["size"]): row["units"]
        for row in lines.values("product_id", "size").annotate(units=Sum("quantity"))
    }
    final = {
        (pid, label): stock
        for pid, label, stock in ProductSize.objects.filter(product__in=[p for p, _ in snapshot]).values_list(
            "product_id", "label", "stock"
        )
    }
    return {
        "orders_placed": run_orders(first_order_id).count(),
        "hot_units_at_start": sum(snapshot.get(tuple(key), 0) for key in hot or []),
        "units_sold": sum(sold.values()),
        "sizes_sold_out": sum(1 for key in snapshot if snapshot[key] > 0 and final.get(key) == 0),
        "sizes_below_zero": ProductSize.objects.filter(stock__lt=0).count(),
        "oversold": [f"{p}/{s}" for (p, s), units in sold.items() if units > snapshot.get((p, s), 0)],
        "stock_mismatch": [
            f"{p}/{s}" for (p, s), before in snapshot.items() if before - final[(p, s)] != sold.get((p, s), 0)
        ],
    }


def restore_store(first_order_id: int) -> None:
    """Delete the run's orders (their units go back to stock) and the load-test accounts."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models import F

    from shop.models import OrderLine, ProductSize

    with transaction.atomic():
        orders = run_orders(first_order_id)
        for line in OrderLine.objects.filter(order__in=orders):
            sizes = ProductSize.objects.filter(product_id=line.product_id, label=line.size)
            sizes.update(stock=F("stock") + line.quantity)
        orders.delete()
        User.objects.filter(username__startswith=ACCOUNT_PREFIX, orders__isnull=True).delete()


def other_processes() -> list[str]:
    """What else uses the CPU as the run starts (before gunicorn): top's second sample, the
    processes above 5% of a core, with their command lines."""
    done = subprocess.run(
        ["top", "-b", "-c", "-n", "2", "-d", "1", "-w", "200"], capture_output=True, text=True, check=False
    )
    second = done.stdout.split("\ntop - ")[-1].splitlines()
    header = next((i for i, line in enumerate(second) if line.lstrip().startswith("PID")), len(second))
    rows = [line.split(None, 11) for line in second[header + 1 :]]  # ... %CPU %MEM TIME+ COMMAND
    return [f"{cols[11][:150]} ({cols[8]}% CPU)" for cols in rows if len(cols) == 12 and float(cols[8]) > 5]


def cpu_seconds(group: int | None = None, parent: int | None = None) -> float:
    """CPU seconds (user + system) used so far by the processes of one process group (the
    gunicorn master and its workers), or by one process and its children (the database server
    and its backends), or by the whole machine when neither is given."""
    tick = os.sysconf("SC_CLK_TCK")
    if group is None and parent is None:
        user, nice, system = (int(v) for v in Path("/proc/stat").read_text().split()[1:4])
        return (user + nice + system) / tick
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # from the state on: ppid, pgrp, ...
        except OSError:
            continue
        pid = int(stat.parent.name)
        if int(fields[2]) == group or parent in (pid, int(fields[1])):
            total += int(fields[11]) + int(fields[12])  # utime, stime
        if pid == parent:  # and the backends that ended (one per connection), which it waited for
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / tick


def database_server() -> int | None:
    """The pid of the embedded PostgreSQL server the store uses (None: an external one)."""
    from django.conf import settings

    pidfile = Path(settings.VAR_DIR) / "pg" / "postmaster.pid"
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def warm_up(port: int, workers: int, products: list[int]) -> None:
    """Every gunicorn worker loads the model and the text encoder before the measured run (a
    worker's first recommendation takes seconds), and renders the pages once."""
    sample = [{"id": pid} for pid in products[:50]]
    jobs = build_jobs(sample, 10 * workers, "composed", seed=1)
    jobs += [("GET", "/", ""), ("GET", f"/products/{products[0]}/", "")] * workers
    run_load(port, jobs, workers)


def count_orders(args, rows: list[dict], stock: dict) -> dict:
    """Orders that landed against the minimum (per shopper and minute), and those refused for
    stock (a Place order that went back to the cart)."""
    placing = next((row["requests"] for row in rows if row["request"] == "place order"), 0)
    shopper_minutes = args.users * args.duration / 60
    return {
        "orders_placed": stock["orders_placed"],
        "orders_refused": placing - stock["orders_placed"],
        "orders_per_shopper_minute": round(stock["orders_placed"] / shopper_minutes, 2),
        "minimum_orders": math.ceil(args.min_orders_per_shopper_minute * shopper_minutes),
    }


def report_and_verdict(args, plan: dict, rows: list[dict], stock: dict, ended: dict, context: dict) -> int:
    columns = ["request", "requests", "per_second", "5xx", "no_answer", "p50_ms", "p99_ms"]
    print_table(rows, [*columns, "after_logins_p50_ms", "after_logins_p99_ms"], "load")
    print(f"statuses: { {r['request']: r['statuses'] for r in rows} }")
    orders = count_orders(args, rows, stock)
    print(f"stock: {stock}\norders: {orders}\nshopper decisions: {dict(ended['decisions'])}")
    print(f"cores used while the shoppers ran: {context.get('cores_used')}")
    report = {
        "benchmark": "load",
        "users": args.users,
        "duration_s": args.duration,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "hashing_concurrency": args.hashing_concurrency,  # None: the store's setting
        "spawn_rate": args.spawn_rate,
        "hot_sizes": len(plan["hot_sizes"]),
        "model_version": plan["model_version"],
        "requests": rows,
        "stock": stock,
        "orders": orders,
        "locust_exit": ended["locust_exit"],
        "shopper_decisions": dict(sorted(ended["decisions"].items())),
        **context,
    }
    log(f"results: {write_results('load', report, args.json)}")
    everything = rows[-1]
    failed = everything["5xx"] or everything["no_answer"] or stock["oversold"] or stock["stock_mismatch"]
    failed = failed or stock["sizes_below_zero"] or ended["locust_exit"] != 0
    failed = failed or orders["orders_placed"] < orders["minimum_orders"]
    if failed:
        print(
            "FAILED: 5xx, unanswered or failed requests, stock oversold, or fewer than "
            f"{orders['minimum_orders']} orders (locust: {ended['log']})"
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from shop.models import Order

    first_order_id = Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    plan, snapshot = make_plan(args)
    context = {"other_processes_at_start": other_processes(), "loadavg_at_start": os.getloadavg()}
    context["started_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    # As the image runs it (config/gunicorn.py: the model loaded once, workers forked ready); plain
    # HTTP on loopback, so session and CSRF cookies must not be HTTPS-only.
    server_env = {"SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    # All shoppers share locust's one address: the login rate per address (30/min) would refuse
    # the login burst of 32 shoppers, which real shoppers spread over their own addresses.
    server_env["RATE_LOGIN"] = ""
    server_env["SERVER_TIMING"] = "1"  # where each answer's time went (config.middleware)
    if args.hashing_concurrency is not None:
        server_env["PASSWORD_HASHING_CONCURRENCY"] = str(args.hashing_concurrency)
    server = start_server(args.port, args.workers, server_env, threads=args.threads, config=GUNICORN_CONFIG)
    try:
        warm_up(args.port, args.workers, plan["products"])
        log(f"{args.users} shoppers for {args.duration} s against {args.workers} gunicorn workers")
        database = database_server()
        before = {"machine": cpu_seconds(), "gunicorn": cpu_seconds(group=server.pid)}
        before["wall"] = time.monotonic()
        before["database"] = cpu_seconds(parent=database) if database else 0.0
        locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with tempfile.TemporaryDirectory() as workdir:
            samples, ended = run_locust(args, plan, Path(workdir))
        locust = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.monotonic() - before["wall"]
        # Where the two cores went while the shoppers ran, in cores: the store (gunicorn and
        # its database server), the load generator, and the whole machine (the rest is other work).
        used = {
            "gunicorn": cpu_seconds(group=server.pid) - before["gunicorn"],
            "database": (cpu_seconds(parent=database) - before["database"]) if database else 0.0,
            "locust": (locust.ru_utime + locust.ru_stime) - (locust_before.ru_utime + locust_before.ru_stime),
            "machine": cpu_seconds() - before["machine"],
        }
        context["cores_used"] = {name: round(seconds / wall, 2) for name, seconds in used.items()}
    finally:
        os.killpg(server.pid, 15)
        server.wait(20)
    context["loadavg_at_end"] = os.getloadavg()
    stock = check_stock(snapshot, first_order_id, plan["hot_sizes"])
    if not args.keep:
        restore_store(first_order_id)
    context["logins_done_s"] = logins_done(samples)
    return report_and_verdict(args, plan, summarize(samples, args.duration), stock, ended, context)


if __name__ == "__main__":
    raise SystemExit(main())
