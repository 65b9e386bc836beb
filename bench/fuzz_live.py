"""Hostile clients against the live server: schemathesis over HTTP on gunicorn, rate limits on.

    python -m bench.fuzz_live [--requests 5000] [--workers 3] [--clients 10] [--port 8125] [--seed 0]

Needs the store's database in its `make demo` state (an active model makes the recommendation
endpoint do real work; without one it answers 503 "no model", which the results record).
gunicorn is started as the image starts it (config/gunicorn.py: 3 processes of 16 threads, the
app preloaded; DEBUG off, plain HTTP on loopback) with the store's default request rates, none
switched off: the token login (30/min per address), orders (60/min per shopper) and
recommendations (100/s per client) answer 429 when a client goes over, as they would for any
client.

Two parts, both counted by status code:

1. Malformed requests first (on a fresh rate window, so the endpoints' own validation answers
   rather than the rate limit): bodies over the upload limit (JSON and form), usernames and
   passwords no query can take (over 150 and 255 characters, NUL, lone surrogates) on the API
   and on the login page's form, 2,000 query parameters, JSON nested 100,000 levels deep, NaN and
   Infinity, bytes that are not UTF-8, a NUL in the query string. Each has the answers that
   are right for it; anything else (a 5xx above all) fails the run.
2. Schemathesis (the served OpenAPI schema, /api/schema/): every operation as an anonymous client,
   as a shopper with a token and as staff with a token, with valid (positive) and invalid
   (negative) inputs, in rounds until at least --requests requests were answered. Each request
   of a shopper or staff goes out as one of --clients accounts of that kind (a store has many
   clients: one client sending all of them would spend the per-user order rate in seconds and
   the order endpoints would answer nothing but 429). Three requests in four get real ids (a
   product, a size in stock, the account's own order and credentials), so the views do real
   work rather than 404. Every answer is checked
   by schemathesis (not a 5xx, a documented status, content type and body); the run fails on any
   5xx or unanswered request. Other conformance findings are reported in the results.

Results, with the machine's load at the start and the end: bench/results/fuzz_live.json. The
run's accounts, orders (their units back in stock) and any model version a staff request
queued are removed afterwards, so the store is as it was.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.fuzzing import RealIds, swap_ids
from bench.harness import log, setup_django, write_results
from bench.load import GUNICORN_CONFIG, PRODUCTION

ACCOUNT_PREFIX = "fuzzlive-"
IDENTITIES = ("anonymous", "shopper", "staff")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=5000, help="fuzz requests at least (default 5000)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3, as the image)")
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clients", type=int, default=10, help="shopper and staff accounts (10 each)")
    parser.add_argument("--json", default=None, help="results file (default bench/results/fuzz_live.json)")
    args = parser.parse_args(argv)
    if min(args.requests, args.workers, args.clients) < 1:
        parser.exit(2, "error: --requests, --workers and --clients must be positive\n")
    return args


# --- The store's side: accounts, real ids, cleanup -----------------------------------------------


@dataclass
class Account:
    """One client of the run: its Authorization header, and the real values its requests get (its
    own orders and credentials among them)."""

    headers: dict[str, str]
    real: RealIds


@dataclass
class Realistic:
    """The run's clients, by identity (rotated per request)."""

    accounts: dict[str, list[Account]]


def prepare_store(seed: int, per_identity: int) -> Realistic:
    """`per_identity` shoppers and staff accounts, each with a token and an order of its own,
    and real ids. Several clients per identity, as a store has: each stays within the per-user
    rates (orders: 60/min) that one client sending every request would spend in seconds, so the
    order endpoints answer rather than 429 (a single address still meets the login rate)."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from recommender.models import ModelVersion
    from shop.models import ProductSize
    from shop.services import OrderItem, place_order

    in_stock = list(
        ProductSize.objects.filter(stock__gt=1, product__is_active=True).values_list("product_id", "label")
    )
    sizes = random.Random(seed).sample(in_stock, min(2 * per_identity, len(in_stock)))
    jobs = list(ModelVersion.objects.order_by("-pk").values_list("pk", flat=True)[:3])
    accounts: dict[str, list[Account]] = {"shopper": [], "staff": []}
    for n in range(2 * per_identity):
        identity = "staff" if n % 2 else "shopper"
        password = secrets.token_urlsafe(16)
        user = User.objects.create_user(
            f"{ACCOUNT_PREFIX}{identity}-{n // 2:02d}", password=password, is_staff=identity == "staff"
        )
        own = {sizes[n % len(sizes)], sizes[(n + 1) % len(sizes)]}
        lines = [OrderItem(pid, label, 1) for pid, label in own]
        order = place_order(user, lines)
        headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
        credentials = {"username": user.username, "password": password}
        accounts[identity].append(Account(headers, RealIds(sizes, jobs, [order.pk], credentials)))
    accounts["anonymous"] = [Account({}, accounts["shopper"][0].real)]
    return Realistic(accounts)


def restore_store(first_version_id: int) -> dict:
    """Remove the run's accounts and orders (units back to stock) and any version a staff retrain
    queued; a worker that takes its task later finds no version and drops it
    (recommender.lifecycle.tasks.train_model_version)."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models import F

    from recommender.models import ModelVersion
    from shop.models import Order, OrderLine, ProductSize

    with transaction.atomic():
        orders = Order.objects.filter(user__username__startswith=ACCOUNT_PREFIX)
        for line in OrderLine.objects.filter(order__in=orders):
            sizes = ProductSize.objects.filter(product_id=line.product_id, label=line.size)
            sizes.update(stock=F("stock") + line.quantity)
        removed_orders = orders.count()
        orders.delete()
        created = ModelVersion.objects.filter(pk__gt=first_version_id)
        queued = created.exclude(status=ModelVersion.Status.ACTIVE)
        removed_versions = [f"{v.name} ({v.status})" for v in queued]
        queued.delete()
        User.objects.filter(username__startswith=ACCOUNT_PREFIX).delete()
    return {"orders_removed": removed_orders, "versions_removed": removed_versions}


# --- Part 1: malformed requests --------------------------------------------------------------------


@dataclass
class Raw:
    """One hand-made request, sent as bytes; `expected` are the right answers to it."""

    name: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    expected: tuple[int, ...] = (400,)
    identity: str = "anonymous"


def malformed_requests(limit: int) -> list[Raw]:
    big = "x" * limit
    token, recs, orders = "/api/v1/auth/token/", "/api/v1/recommendations/", "/api/v1/orders/"
    js_type = {"Content-Type": "application/json"}
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}

    def js(value: object) -> bytes:
        return json.dumps(value).encode()  # ensure_ascii: a lone surrogate travels as \\udxxx

    def post(name: str, path: str, body: bytes, expected=(400,), who="anonymous", kind=js_type) -> Raw:
        return Raw(name, "POST", path, body, kind, expected, who)

    cases = [
        post("token: JSON body over the limit", token, js({"username": big, "password": "y"}), (413,)),
        post("token: form body over the limit", token, f"username={big}&password=y".encode(), (413,),
             kind=form_type),
        post("recommendations: body over the limit", recs, js({"text": big, "reference_product": 1}), (413,)),
        post("orders: body over the limit", orders, js({"lines": [], "pad": big}), (413,), "shopper"),
    ]  # fmt: skip
    for label, username, password in [
        ("username of 151 characters", "u" * 151, "x"),
        ("username of 300 characters", "u" * 300, "x"),
        ("username with NUL", "bob\x00", "x"),
        ("username with a lone surrogate", "\ud800bob", "x"),
        ("password with a lone surrogate", "bob", "pass\udfffword"),
        ("password with NUL", "bob", "pass\x00word"),
    ]:
        cases.append(post(f"token: {label}", token, js({"username": username, "password": password})))
    many = "&".join(f"p{i}=1" for i in range(2000))  # over gunicorn's request line: its own 400
    several = "&".join(f"p{i}=1" for i in range(400))  # within it: the store's limit of 100
    deep = b"[" * 100_000 + b"]" * 100_000
    odd_text = "\u202e\u0301\U0001f600" * 50
    nan_line = b'{"lines": [{"product": 1, "size": "M", "quantity": NaN}]}'
    cases += [
        Raw("products: 2,000 query parameters", "GET", f"/api/v1/products/?{many}", expected=(400, 414)),
        Raw("catalog page: 2,000 query parameters", "GET", f"/?{many}", expected=(400, 414)),
        Raw("products: 400 query parameters", "GET", f"/api/v1/products/?{several}"),
        Raw("catalog page: 400 query parameters", "GET", f"/?{several}"),
        post("token: JSON nested 100,000 deep", token, deep),
        post("recommendations: JSON nested 100,000 deep", recs, deep),
        post("orders: JSON nested 100,000 deep (shopper)", orders, deep, who="shopper"),
        post("recommendations: NaN reference", recs, b'{"reference_product": NaN, "text": "x"}'),
        post("recommendations: Infinity limit", recs, b'{"reference_product": 1, "limit": Infinity}'),
        post("orders: NaN quantity (shopper)", orders, nan_line, who="shopper"),
        post("token: body not UTF-8", token, b'{"username": "\xff\xfe", "password": "x"}'),
        post("recommendations: body not UTF-8", recs, b'{"text": "\xc3\x28", "reference_product": 1}'),
        Raw("products: query not UTF-8", "GET", "/api/v1/products/?search=%ff%fe", expected=(200, 400)),
        Raw("products: NUL in the query", "GET", "/api/v1/products/?search=a%00b", expected=(200, 400)),
        Raw("catalog page: NUL in the query", "GET", "/?q=a%00b", expected=(200, 400)),
        post("recommendations: text of unusual unicode", recs, js({"reference_product": 1, "text": odd_text}),
             (200, 400, 404, 503)),
        Raw("unknown API path", "GET", "/api/v1/nothing-here/", expected=(404,)),
    ]  # fmt: skip
    return cases


def send_raw(port: int, case: Raw, headers: dict[str, str]) -> int:
    """The status of one raw request (0: no answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            case.method, case.path, body=case.body or None, headers={**case.headers, **headers}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def login_form_cases(base: str) -> list[tuple[str, int, tuple[int, ...]]]:
    """The login page's form (a browser's way in) with the usernames and passwords above: the
    page again with the form's error (200), or the lockout's answer (429), never a 5xx."""
    import requests

    results = []
    for label, username, password in [
        ("username of 300 characters", "u" * 300, "x"),
        ("username with NUL", "bob\x00", "x"),
        ("username with a lone surrogate", "\ud800bob", "x"),
        ("password with NUL", "bob", "pass\x00word"),
    ]:
        session = requests.Session()
        page = session.get(f"{base}/accounts/login/", timeout=60)
        token = session.cookies.get("csrftoken", "")
        body = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        encoded = "&".join(
            f"{key}={requests.utils.quote(value.encode('utf-8', 'surrogatepass'))}"
            for key, value in body.items()
        )
        answer = session.post(
            f"{base}/accounts/login/", data=encoded, timeout=60, allow_redirects=False,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
        )  # fmt: skip
        results.append((f"login page: {label}", answer.status_code, (200, 400, 429)))
    return results


def run_malformed(port: int, data: Realistic) -> list[dict]:
    from django.conf import settings

    rows = []
    for case in malformed_requests(settings.DATA_UPLOAD_MAX_MEMORY_SIZE):
        status = send_raw(port, case, data.accounts[case.identity][0].headers)
        rows.append({"case": case.name, "status": status, "expected": list(case.expected)})
    for name, status, expected in login_form_cases(f"http://127.0.0.1:{port}"):
        rows.append({"case": name, "status": status, "expected": list(expected)})
    for row in rows:
        row["ok"] = row["status"] in row["expected"]
    return rows


# --- Part 2: schemathesis ----------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)  # (operation, identity, status) -> requests
    failures: dict[tuple[str, str], dict] = field(default_factory=dict)  # first report of each kind
    findings: Counter = field(default_factory=Counter)  # (operation, check title) -> requests
    examples: dict[str, str] = field(default_factory=dict)  # a 5xx or unanswered request, as curl

    def record(self, operation: str, group) -> None:
        for failure in group.exceptions:
            self.findings[operation, failure.title] += 1
            self.failures.setdefault((operation, failure.title), {"report": str(group)[:1500]})


def _checks() -> list:
    """What every answer is checked for: no 5xx, and the status, content type and body the schema
    documents."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance]


def fuzz(base: str, data: Realistic, target: int, seed: int) -> Tally:
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from schemathesis.core.failures import FailureGroup

    checks = _checks()
    schema = schemathesis.openapi.from_url(f"{base}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    per_run = math.ceil(target / (len(operations) * len(IDENTITIES) * len(modes)))
    tally = Tally()
    session = requests.Session()
    started = time.monotonic()
    def one_run(operation, identity: str, mode, run_seed: int):
        clients = data.accounts[identity]

        @hypothesis_seed(run_seed)
        @settings(
            max_examples=per_run, deadline=None, database=None,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(operation.as_strategy(generation_mode=mode), st.integers(0, 3), st.integers())
        def run(case, realistic: int, pick: int) -> None:
            account = clients[pick % len(clients)]
            headers = account.headers
            if realistic:  # three requests in four
                swap_ids(case, account.real, random.Random(pick))
            tally.requests += 1
            try:
                response = case.call(base_url=base, session=session, headers=headers, timeout=60)
            except requests.RequestException as exc:
                tally.statuses[operation.label, identity, 0] += 1
                tally.examples.setdefault(f"{operation.label} no answer", f"{exc!r}"[:500])
                return
            tally.statuses[operation.label, identity, response.status_code] += 1
            if response.status_code >= 500:
                key = f"{operation.label} {response.status_code}"
                tally.examples.setdefault(key, case.as_curl_command(headers=headers)[:2000])
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except FailureGroup as group:  # collected: one run reports every kind
                tally.record(operation.label, group)

        return run

    for round_ in range(1000):
        for operation in operations:
            for identity in IDENTITIES:
                for mode in modes:
                    run_seed = zlib.crc32(f"{seed}/{round_}/{operation.label}/{identity}/{mode}".encode())
                    one_run(operation, identity, mode, run_seed)()
        log(f"round {round_ + 1}: {tally.requests} requests")
        if tally.requests >= target:
            break
    tally.seconds = time.monotonic() - started
    return tally


# --- The run -------------------------------------------------------------------------------------------


def status_table(tally: Tally) -> list[dict]:
    rows: dict[tuple[str, str], Counter] = {}
    for (operation, identity, status), n in tally.statuses.items():
        rows.setdefault((operation, identity), Counter())[status] += n
    return [
        {
            "operation": op,
            "identity": who,
            "requests": sum(c.values()),
            "statuses": {str(s): c[s] for s in sorted(c)},
        }
        for (op, who), c in sorted(rows.items())
    ]


def stop_server(server) -> None:
    """SIGTERM (gunicorn's graceful stop: its workers get 30 s), then SIGKILL."""
    import subprocess

    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(45)
    except subprocess.TimeoutExpired:
        log("gunicorn did not stop within 45 s of SIGTERM: killed")
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.conf import settings

    from bench.load import other_processes
    from bench.serving import start_server
    from recommender.models import ModelVersion
    from recommender.serving.services import NoActiveModel, active_version

    try:
        model = active_version().name
    except NoActiveModel:
        model = None
        log("no active model: the recommendation endpoint answers 503 (no model) in this run")
    first_version_id = ModelVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    context = {"other_processes_at_start": other_processes(), "loadavg_at_start": os.getloadavg()}
    context["started_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rates = dict(settings.API_RATES)
    if not all(rates.values()):  # the test settings switch the login rate off
        log(f"warning: not every request rate is on in these settings: {rates}")
    # As the image runs it (config/gunicorn.py); plain HTTP on loopback. bench.serving switches the
    # anonymous recommendation rate off for its single client: here it is the store's own.
    env = {"SECURE_COOKIES": "0"}
    env["RATE_RECOMMENDATIONS_ANON"] = rates["recommendations.anon"]
    data = prepare_store(args.seed, args.clients)
    try:
        server = start_server(args.port, args.workers, env, PRODUCTION["threads"], GUNICORN_CONFIG)
        try:
            base = f"http://127.0.0.1:{args.port}"
            log("malformed requests")
            malformed = run_malformed(args.port, data)
            log(f"schemathesis: at least {args.requests} requests against {base}")
            tally = fuzz(base, data, args.requests, args.seed)
        finally:
            stop_server(server)
    finally:
        cleanup = restore_store(first_version_id)
    context["loadavg_at_end"] = os.getloadavg()
    return report(args, model, rates, malformed, tally, cleanup, context)


def report(args, model, rates, malformed: list[dict], tally: Tally, cleanup: dict, context: dict) -> int:
    import schemathesis

    statuses = Counter()
    for (_, _, status), n in tally.statuses.items():
        statuses[status] += n
    fuzz_5xx = sum(n for status, n in statuses.items() if status >= 500)
    malformed_5xx = sum(1 for row in malformed if row["status"] >= 500)
    results = {
        "benchmark": "fuzz_live",
        "schemathesis": schemathesis.__version__,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": PRODUCTION["threads"],
        "model_version": model,
        "rates": rates,
        "seed": args.seed,
        "malformed": {
            "requests": len(malformed),
            "statuses": {str(s): n for s, n in sorted(Counter(row["status"] for row in malformed).items())},
            "5xx": malformed_5xx,
            "unexpected": [row for row in malformed if not row["ok"]],
            "cases": malformed,
        },
        "fuzz": {
            "requests": tally.requests,
            "seconds": round(tally.seconds, 1),
            "statuses": {str(s): n for s, n in sorted(statuses.items())},
            "5xx": fuzz_5xx,
            "no_answer": statuses.get(0, 0),
            "by_operation": status_table(tally),
            "findings": [
                {"operation": op, "check": title, "requests": n}
                for (op, title), n in sorted(tally.findings.items())
            ],
            "finding_reports": {f"{op}: {title}": v["report"] for (op, title), v in tally.failures.items()},
            "server_errors": tally.examples,
        },
        "cleanup": cleanup,
        **context,
    }
    path = write_results("fuzz_live", results, args.json)
    log(f"results: {path}")
    unexpected = len(results["malformed"]["unexpected"])
    print(f"malformed: {results['malformed']['statuses']}, unexpected answers: {unexpected}")
    print(f"fuzz: {tally.requests} requests in {tally.seconds:.0f} s, statuses {results['fuzz']['statuses']}")
    for finding in results["fuzz"]["findings"]:
        print(f"  finding: {finding}")
    failed = fuzz_5xx or statuses.get(0, 0) or malformed_5xx or results["malformed"]["unexpected"]
    if failed:
        print(f"FAILED: 5xx, unanswered or unexpected answers (see {Path(path).name})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
